"""Complaints and appeals through their service functions (ISO/IEC 17065
7.13; DESIGN.md "How a transition is written"): filing, each step allowed
and refused, repeats, events, impartiality and telling the filer."""

import pytest
from django.contrib.contenttypes.models import ContentType

from applications.models import Case
from certificates.models import Complaint
from certificates.services import complaint as services
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import Email, Event, Notification
from tests.certificates.complaints_helpers import (
    ORDER,
    STATUS_AFTER,
    STATUS_BEFORE,
    advance,
    cheap_appeal,
    decided_case,
    file_complaint,
    take_step,
)
from tests.certificates.helpers import certificate_row
from tests.factories import ManagerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def other_manager(db):
    return ManagerFactory(full_name="Manager Chen")


def events_of(complaint):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=complaint.pk
    ).order_by("id")


# --- Filing a complaint ------------------------------------------------------------------


def test_a_complaint_gets_a_ts_reference_of_the_year(manager):
    complaint = file_complaint()

    assert complaint.reference.startswith(f"TS{complaint.filed_at.year}")
    assert len(complaint.reference) == 11


def test_references_count_up_and_never_repeat(manager):
    first = file_complaint()
    second = file_complaint()

    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1


def test_a_complaint_filed_without_an_account_reaches_every_manager(manager, other_manager):
    complaint = file_complaint()

    notices = Notification.objects.filter(kind="complaint_filed")
    assert {notice.recipient for notice in notices} == {manager, other_manager}
    assert complaint.reference in notices.first().title


def test_a_filer_without_an_account_gets_the_reference_by_email(manager):
    complaint = file_complaint()

    email = Email.objects.get(to="visitor@example.com")
    assert complaint.reference in email.subject
    assert complaint.reference in email.body_text


def test_the_email_to_a_filer_without_an_account_is_in_the_language_they_used(manager, monkeypatch):
    languages = []
    render = services.render_email

    def spy(template, context, language):
        languages.append(language)
        return render(template, context, language)

    monkeypatch.setattr(services, "render_email", spy)

    file_complaint(language="zh-hans")

    assert languages == ["zh-hans"]


def test_a_signed_in_filer_is_notified_in_the_app(manager, applicant):
    complaint = file_complaint(actor=applicant, contact_email=applicant.email)

    notice = Notification.objects.get(recipient=applicant)
    assert notice.kind == "complaint_received"
    assert notice.url == services.complaint_url(complaint)
    assert complaint.filed_by == applicant


def test_filing_writes_one_event(manager):
    complaint = file_complaint()

    assert [(event.verb, event.to_state, event.actor) for event in events_of(complaint)] == [
        ("complaint.filed", "received", None)
    ]


def test_a_known_certificate_number_links_the_certificate(manager, organisation):
    certificate = certificate_row(organisation, manager)

    complaint = file_complaint(
        about=Complaint.About.ORGANISATION,
        organisation_name=organisation.legal_name,
        certificate_number=certificate.number.lower(),
    )

    assert complaint.certificate == certificate


def test_an_unknown_certificate_number_is_kept_without_a_link(manager):
    complaint = file_complaint(
        about=Complaint.About.ORGANISATION, organisation_name="某某电器", certificate_number="NOPE123"
    )

    assert (complaint.certificate, complaint.certificate_number) == (None, "NOPE123")


def test_a_complaint_about_an_organisation_must_name_it(manager):
    with pytest.raises(CertifyError, match="Name the certified organisation"):
        file_complaint(about=Complaint.About.ORGANISATION, organisation_name=" ")


@pytest.mark.parametrize("field", ["contact_name", "contact_email"])
def test_a_complaint_needs_a_contact_name_and_email(manager, field):
    with pytest.raises(CertifyError, match="contact name and e-mail"):
        file_complaint(**{field: ""})


def test_a_complaint_needs_a_description(manager):
    with pytest.raises(CertifyError, match="Describe"):
        file_complaint(description="  ")


def test_a_refused_complaint_leaves_nothing_behind(manager):
    with pytest.raises(CertifyError, match="Enter a valid e-mail address"):
        file_complaint(contact_email="not-an-address")

    assert (Complaint.objects.count(), Email.objects.count(), Notification.objects.count()) == (0, 0, 0)


# --- Filing an appeal --------------------------------------------------------------------


def test_a_member_appeals_a_decision_with_an_ss_reference(applicant, organisation, manager):
    appeal = cheap_appeal(applicant, organisation, manager)

    assert appeal.reference.startswith("SS")
    assert (appeal.kind, appeal.about, appeal.filed_by) == ("appeal", "decision", applicant)
    assert appeal.appealed_decision == appeal.case.decision


def test_an_appeal_reaches_the_managers_and_writes_one_event(applicant, organisation, manager):
    appeal = cheap_appeal(applicant, organisation, manager)

    assert Notification.objects.filter(kind="complaint_filed", recipient=manager).count() == 1
    assert [event.verb for event in events_of(appeal)] == ["appeal.filed"]


def test_only_one_appeal_per_case_is_open_at_a_time(applicant, organisation, manager):
    appeal = cheap_appeal(applicant, organisation, manager)

    with pytest.raises(InvalidTransition, match=appeal.reference):
        services.appeal_file(actor=applicant, case=appeal.case, description="再次申诉")


def test_a_new_appeal_may_follow_a_closed_one(applicant, organisation, manager, other_manager):
    appeal = advance(cheap_appeal(applicant, organisation, manager), other_manager, until="closed")

    second = services.appeal_file(actor=applicant, case=appeal.case, description="新的证据")

    assert second.reference != appeal.reference


def test_another_organisations_applicant_may_not_appeal(applicant, organisation, manager, outsider):
    certificate = certificate_row(organisation, manager)

    with pytest.raises(NotAllowed, match="Only a member of the applicant's organisation may appeal its decision"):
        services.appeal_file(actor=outsider, case=certificate.case, description="不服")


def test_a_case_without_a_decision_cannot_be_appealed(applicant, organisation, manager):
    from tests.certificates.helpers import case_row

    case = case_row(organisation, manager, status=Case.Status.DECISION_PENDING)

    with pytest.raises(InvalidTransition, match="no"):
        services.appeal_file(actor=applicant, case=case, description="不服")


def test_an_appeal_needs_its_grounds(applicant, organisation, manager):
    certificate = certificate_row(organisation, manager)

    with pytest.raises(CertifyError, match="grounds"):
        services.appeal_file(actor=applicant, case=certificate.case, description="")


# --- Each step ---------------------------------------------------------------------------


@pytest.mark.parametrize("step", ORDER)
def test_each_step_moves_the_complaint_on(manager, step):
    complaint = advance(file_complaint(), manager, until=STATUS_BEFORE[step])

    moved = take_step(step, complaint, manager)

    assert moved.status == STATUS_AFTER[step]


@pytest.mark.parametrize("step", ORDER)
def test_each_step_writes_one_event(manager, step):
    complaint = advance(file_complaint(), manager, until=STATUS_BEFORE[step])
    before = events_of(complaint).count()

    take_step(step, complaint, manager)

    events = list(events_of(complaint))
    assert len(events) == before + 1
    assert (events[-1].verb, events[-1].from_state, events[-1].to_state, events[-1].actor) == (
        f"complaint.{STATUS_AFTER[step]}",
        STATUS_BEFORE[step],
        STATUS_AFTER[step],
        manager,
    )


@pytest.mark.parametrize("step", ORDER)
def test_a_repeated_step_changes_nothing(manager, step):
    complaint = advance(file_complaint(), manager, until=STATUS_AFTER[step])
    events, emails = events_of(complaint).count(), Email.objects.count()

    again = take_step(step, complaint, manager)

    assert again.status == STATUS_AFTER[step]
    assert (events_of(complaint).count(), Email.objects.count()) == (events, emails)


@pytest.mark.parametrize("step", ORDER)
@pytest.mark.parametrize("role", ["applicant", "auditor"])
def test_a_step_is_refused_to_anyone_but_a_manager(request, manager, step, role):
    complaint = advance(file_complaint(), manager, until=STATUS_BEFORE[step])

    with pytest.raises(NotAllowed, match="Only a manager"):
        take_step(step, complaint, request.getfixturevalue(role))

    complaint.refresh_from_db()
    assert complaint.status == STATUS_BEFORE[step]


# Every state a step does not start from, except its own result (a repeat).
WRONG_STATES = [
    (step, state)
    for step in ORDER
    for state in Complaint.Status.values
    if state not in (STATUS_BEFORE[step], STATUS_AFTER[step])
]


@pytest.mark.parametrize(("step", "state"), WRONG_STATES)
def test_a_step_is_refused_in_the_wrong_state(manager, step, state):
    complaint = advance(file_complaint(), manager, until=state)

    with pytest.raises(InvalidTransition, match="not possible now"):
        take_step(step, complaint, manager)

    complaint.refresh_from_db()
    assert complaint.status == state


def test_the_manager_who_starts_the_investigation_is_the_handler(manager):
    complaint = advance(file_complaint(), manager, until="investigating")

    assert complaint.handler == manager


def test_only_the_handler_decides(manager, other_manager):
    complaint = advance(file_complaint(), manager, until="investigating")

    with pytest.raises(NotAllowed, match="Manager Wang"):
        take_step("decide", complaint, other_manager)


def test_a_second_manager_cannot_take_over_the_investigation(manager, other_manager):
    complaint = advance(file_complaint(), manager, until="investigating")

    with pytest.raises(InvalidTransition, match="already investigating"):
        take_step("investigate", complaint, other_manager)


def test_the_decision_needs_an_outcome_and_its_reasons(manager):
    complaint = advance(file_complaint(), manager, until="investigating")

    with pytest.raises(CertifyError, match="outcome"):
        services.complaint_decide(actor=manager, complaint=complaint, outcome="upheld", decision_text=" ")


def test_a_decided_complaint_cannot_be_decided_differently(manager):
    complaint = advance(file_complaint(), manager, until="decided")

    with pytest.raises(InvalidTransition, match="decided already"):
        services.complaint_decide(actor=manager, complaint=complaint, outcome="upheld", decision_text="改判")


def test_the_decision_is_recorded_with_its_outcome(manager):
    complaint = advance(file_complaint(), manager, until="decided")

    assert (complaint.outcome, complaint.decision_text) == ("partly_upheld", "热线已整改，部分成立。")
    assert events_of(complaint).last().data == {"outcome": "partly_upheld"}


# --- Telling the filer -------------------------------------------------------------------


@pytest.mark.parametrize("step", ORDER)
def test_a_filer_without_an_account_is_emailed_at_each_step(manager, step):
    complaint = advance(file_complaint(), manager, until=STATUS_BEFORE[step])
    before = Email.objects.filter(to="visitor@example.com").count()

    take_step(step, complaint, manager)

    emails = Email.objects.filter(to="visitor@example.com").order_by("id")
    assert emails.count() == before + 1
    assert complaint.reference in emails.last().subject


@pytest.mark.parametrize("step", ORDER)
def test_a_signed_in_filer_is_notified_at_each_step(manager, applicant, step):
    complaint = advance(file_complaint(actor=applicant), manager, until=STATUS_BEFORE[step])

    take_step(step, complaint, manager)

    assert Notification.objects.filter(recipient=applicant, kind=f"complaint_{_notice(step)}").count() == 1


def _notice(step):
    return {"acknowledge": "acknowledged", "investigate": "investigating", "decide": "decided", "close": "closed"}[step]


def test_the_decision_email_carries_the_outcome_the_text_and_the_regulator(manager):
    complaint = advance(file_complaint(), manager, until="decided")

    body = Email.objects.filter(to="visitor@example.com").order_by("id").last().body_text
    assert "Partly upheld" in body
    assert complaint.decision_text in body
    assert "regulator" in body


def test_the_emails_are_plain_text_not_html_escaped(manager):
    file_complaint(contact_name="Li & Sons")

    assert "Li & Sons" in Email.objects.get(to="visitor@example.com").body_text


def test_internal_notes_are_not_sent_to_the_filer(manager):
    complaint = file_complaint()

    services.complaint_acknowledge(actor=manager, complaint=complaint, note="INTERNAL-ONLY")

    assert not Email.objects.filter(body_text__contains="INTERNAL-ONLY").exists()
    assert events_of(complaint).last().note == "INTERNAL-ONLY"


# --- Impartiality: appeals ---------------------------------------------------------------


@pytest.fixture
def appealed(applicant, organisation, manager):
    """An appeal against `manager`'s decision on a case audited by `lead` and
    `member`; the lead is a manager too (roles are a set)."""
    case, lead, member, certificate = decided_case(applicant, organisation, manager)
    lead.is_manager = True
    lead.save(update_fields=["is_manager"])
    appeal = services.appeal_file(actor=applicant, case=case, description="星级评定偏低")
    return appeal, lead


@pytest.mark.parametrize("step", ORDER)
def test_the_decider_takes_no_step_on_an_appeal(appealed, manager, other_manager, step):
    appeal, _lead = appealed
    appeal = advance(appeal, other_manager, until=STATUS_BEFORE[step])

    with pytest.raises(NotAllowed, match="You made the decision under appeal"):
        take_step(step, appeal, manager)


@pytest.mark.parametrize("step", ORDER)
def test_an_auditor_of_the_case_takes_no_step_on_an_appeal(appealed, other_manager, step):
    appeal, lead = appealed
    appeal = advance(appeal, other_manager, until=STATUS_BEFORE[step])

    with pytest.raises(NotAllowed, match="audit team of the application under appeal"):
        take_step(step, appeal, lead)


def test_the_decider_cannot_become_the_appeals_handler(appealed, manager, other_manager):
    appeal, _lead = appealed
    appeal = advance(appeal, other_manager, until="acknowledged")

    with pytest.raises(NotAllowed, match="You made the decision under appeal, so another manager must handle the appeal"):
        services.complaint_investigate(actor=manager, complaint=appeal)

    appeal.refresh_from_db()
    assert (appeal.status, appeal.handler) == ("acknowledged", None)


def test_an_uninvolved_manager_handles_the_appeal_to_its_end(appealed, other_manager):
    appeal, _lead = appealed

    appeal = advance(appeal, other_manager, until="closed")

    assert (appeal.status, appeal.handler) == ("closed", other_manager)
    assert [event.verb for event in events_of(appeal)] == [
        "appeal.filed",
        "appeal.acknowledged",
        "appeal.investigating",
        "appeal.decided",
        "appeal.closed",
    ]


# --- Impartiality: complaints about a certified organisation ------------------------------


@pytest.fixture
def complaint_about_holder(applicant, organisation, manager):
    case, lead, member, certificate = decided_case(applicant, organisation, manager)
    lead.is_manager = True
    lead.save(update_fields=["is_manager"])
    complaint = file_complaint(
        about=Complaint.About.ORGANISATION,
        organisation_name=certificate.holder_name,
        certificate_number=certificate.number,
    )
    return complaint, lead


def test_the_certificates_decider_takes_no_step_on_a_complaint_about_it(complaint_about_holder, manager):
    complaint, _lead = complaint_about_holder

    with pytest.raises(NotAllowed, match="certification decision on the certificate"):
        services.complaint_acknowledge(actor=manager, complaint=complaint)


def test_an_auditor_of_the_certificate_takes_no_step_on_a_complaint_about_it(complaint_about_holder):
    complaint, lead = complaint_about_holder

    with pytest.raises(NotAllowed, match="audit team of the certificate"):
        services.complaint_acknowledge(actor=lead, complaint=complaint)


def test_an_uninvolved_manager_handles_a_complaint_about_a_holder(complaint_about_holder, other_manager):
    complaint, _lead = complaint_about_holder

    complaint = advance(complaint, other_manager, until="decided")

    assert complaint.handler == other_manager


def test_a_manager_does_not_handle_a_complaint_they_filed(manager, other_manager):
    complaint = file_complaint(actor=manager)

    with pytest.raises(NotAllowed, match="You filed this yourself"):
        services.complaint_acknowledge(actor=manager, complaint=complaint)


def test_the_managers_notice_of_a_complaint_does_not_go_to_its_filer(manager, other_manager):
    file_complaint(actor=manager)

    assert list(Notification.objects.filter(kind="complaint_filed").values_list("recipient", flat=True)) == [
        other_manager.pk
    ]

