"""Nonconformities: raise, answer, verify, escalate, reminders and the
rectification state (DOMAIN.md 5.4)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from applications.models import Case
from audits.models import (
    Audit,
    Nonconformity,
    NonconformityAnswer,
    NonconformityEvidence,
    NonconformityReminder,
    TeamMember,
)
from audits.selectors import nonconformity as selectors_nc
from audits.services import declaration_current
from audits.services import nonconformity as services_nc
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import Event, Notification
from scoring.models import Item
from tests.audits.helpers import START, declared_auditor, running_onsite, signed_case
from tests.samples import MINIMAL_PDF
from tests.worlds import reloaded, shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = datetime.date(2026, 12, 8)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 12, 8, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


world, cast = shared_world(
    lambda cast: running_onsite(signed_case(cast.applicant, cast.organisation, cast.manager), cast.manager)
)


@pytest.fixture
def audit(world, cast):
    return reloaded(world.built[0])


@pytest.fixture
def lead(world, cast):
    return reloaded(world.built[1])


@pytest.fixture
def member(world, cast):
    return reloaded(world.built[2])


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def raise_minor(audit, actor, **kwargs):
    return services_nc.nonconformity_raise(
        actor=actor, audit=audit, severity="minor", description=kwargs.pop("description", "投诉台账缺失"), **kwargs
    )


def answer(nc, applicant, **kwargs):
    texts = {"correction": "补录台账", "root_cause": "无专人负责", "corrective_action": "指定专人并每周检查"}
    texts.update(kwargs)
    return services_nc.nonconformity_answer(actor=applicant, nonconformity=nc, **texts)


def events(nc, verb=None):
    queryset = Event.objects.filter(object_id=nc.pk, verb__startswith="nonconformity.")
    if verb:
        queryset = queryset.filter(verb=verb)
    return list(queryset)


# --- raise -----------------------------------------------------------------------


def test_a_team_member_raises_a_minor_due_in_30_calendar_days(audit, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        nc = raise_minor(audit, member, files=[pdf()])
    assert nc.status == Nonconformity.Status.OPEN
    assert nc.due_date == TODAY + datetime.timedelta(days=30)
    assert nc.requires_follow_up is False
    assert NonconformityEvidence.objects.filter(nonconformity=nc, answer__isnull=True).count() == 1
    [event] = events(nc)
    assert (event.verb, event.to_state, event.actor) == ("nonconformity.raised", "open", member)
    assert Notification.objects.filter(kind="nonconformity_raised", recipient__memberships__organisation=audit.case.organisation).exists()


def test_the_due_date_follows_the_scheme_versions_days(audit, lead):
    version = audit.case.version
    version.minor_nc_days = 15
    version.save(update_fields=["minor_nc_days"])
    assert raise_minor(audit, lead).due_date == datetime.date(2026, 12, 23)


def test_a_major_has_no_due_date_and_requires_a_follow_up(audit, lead):
    nc = services_nc.nonconformity_raise(actor=lead, audit=audit, severity="major", description="无售后服务体系")
    assert (nc.due_date, nc.requires_follow_up) == (None, True)


def test_the_clause_comes_from_the_item_when_not_given(audit, lead):
    item = Item.objects.filter(indicator__category__version=audit.case.version).exclude(clause="").first()
    nc = raise_minor(audit, lead, item=item)
    assert (nc.clause, nc.indicator_id) == (item.clause, item.indicator_id)


def test_the_special_deduction_flag_is_kept(audit, lead):
    assert raise_minor(audit, lead, from_special_deduction=True).from_special_deduction is True


@pytest.mark.parametrize("who", ["auditor", "manager", "applicant"])
def test_only_the_team_raises(audit, request, who):
    with pytest.raises(NotAllowed, match="Only the audit team may raise nonconformities"):
        raise_minor(audit, request.getfixturevalue(who))
    assert not Nonconformity.objects.exists()


def test_a_planned_audit_cannot_raise(audit, lead):
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.PLANNED)
    with pytest.raises(InvalidTransition, match="Nonconformities are raised while the audit is in progress or its report is submi"):
        raise_minor(audit, lead)


def test_a_submitted_report_still_raises(audit, lead):
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.REPORT_SUBMITTED)
    assert raise_minor(audit, lead).pk


def test_a_withdrawn_case_refuses(audit, lead):
    Case.objects.filter(pk=audit.case_id).update(status=Case.Status.WITHDRAWN)
    with pytest.raises(InvalidTransition, match="withdrawn"):
        raise_minor(audit, lead)


def test_raising_needs_a_description_and_a_real_file(audit, lead):
    with pytest.raises(CertifyError, match="Describe"):
        raise_minor(audit, lead, description="  ")
    with pytest.raises(CertifyError, match=r"This file's content is not an allowed type \(PDF, JPEG, PNG, Word \(DOCX\), Excel \("):
        raise_minor(audit, lead, files=[SimpleUploadedFile("x.pdf", b"MZ not a pdf")])
    assert not Nonconformity.objects.exists()


# --- answer ------------------------------------------------------------------------


def test_a_member_answers_and_the_team_is_told(audit, lead, applicant, django_capture_on_commit_callbacks):
    nc = raise_minor(audit, lead)
    with django_capture_on_commit_callbacks(execute=True):
        row = answer(nc, applicant, files=[pdf("整改.pdf")])
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.ANSWERED
    assert (row.number, row.verdict, row.evidence.count()) == (1, "", 1)
    [event] = events(nc, "nonconformity.answered")
    assert (event.from_state, event.to_state) == ("open", "answered")
    assert Notification.objects.filter(kind="nonconformity_answered", recipient=lead).exists()


def test_answering_twice_is_a_no_op(audit, lead, applicant):
    nc = raise_minor(audit, lead)
    first = answer(nc, applicant)
    assert answer(nc, applicant, correction="另一个").pk == first.pk
    assert NonconformityAnswer.objects.filter(nonconformity=nc).count() == 1
    assert len(events(nc, "nonconformity.answered")) == 1


@pytest.mark.parametrize("who", ["outsider", "lead", "manager"])
def test_only_the_organisations_members_answer(audit, lead, request, who):
    nc = raise_minor(audit, lead)
    with pytest.raises(NotAllowed, match="Only members of the applying organisation may answer"):
        answer(nc, request.getfixturevalue(who))


def test_every_part_of_the_answer_is_required(audit, lead, applicant):
    nc = raise_minor(audit, lead)
    with pytest.raises(CertifyError, match="root cause"):
        answer(nc, applicant, root_cause=" ")


def test_a_verified_nonconformity_cannot_be_answered(audit, lead, applicant):
    nc = raise_minor(audit, lead)
    answer(nc, applicant)
    services_nc.nonconformity_verify(actor=lead, nonconformity=nc, accepted=True)
    with pytest.raises(InvalidTransition, match="This nonconformity is closed"):
        answer(nc, applicant)


# --- verify --------------------------------------------------------------------------


def test_the_lead_accepts_and_it_closes(audit, lead, applicant, django_capture_on_commit_callbacks):
    nc = raise_minor(audit, lead)
    answer(nc, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services_nc.nonconformity_verify(actor=lead, nonconformity=nc, accepted=True, comment="证据充分")
    nc.refresh_from_db()
    assert (nc.status, nc.verified_by) == (Nonconformity.Status.VERIFIED, lead)
    assert nc.answers.get().verdict == "accepted"
    [event] = events(nc, "nonconformity.accepted")
    assert (event.from_state, event.to_state) == ("answered", "verified")
    assert Notification.objects.filter(kind="nonconformity_accepted", recipient=applicant).exists()


def test_rejection_needs_a_comment_and_reopens_with_history(audit, lead, applicant):
    nc = raise_minor(audit, lead)
    answer(nc, applicant)
    with pytest.raises(CertifyError, match="why"):
        services_nc.nonconformity_verify(actor=lead, nonconformity=nc, accepted=False, comment="")
    services_nc.nonconformity_verify(actor=lead, nonconformity=nc, accepted=False, comment="缺少培训记录")
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.OPEN
    assert events(nc, "nonconformity.rejected")[0].note == "缺少培训记录"
    # The second answer is a new row; the rejected one stays.
    answer(nc, applicant, correction="补充培训记录")
    services_nc.nonconformity_verify(actor=lead, nonconformity=nc, accepted=True)
    verdicts = list(nc.answers.order_by("number").values_list("number", "verdict", "verdict_comment"))
    assert verdicts == [(1, "rejected", "缺少培训记录"), (2, "accepted", "")]


def test_a_repeated_verdict_is_a_no_op(audit, lead, applicant):
    nc = raise_minor(audit, lead)
    answer(nc, applicant)
    services_nc.nonconformity_verify(actor=lead, nonconformity=nc, accepted=True)
    services_nc.nonconformity_verify(actor=lead, nonconformity=nc, accepted=True)
    assert len(events(nc, "nonconformity.accepted")) == 1
    nc2 = raise_minor(audit, lead)
    answer(nc2, applicant)
    services_nc.nonconformity_verify(actor=lead, nonconformity=nc2, accepted=False, comment="不足")
    services_nc.nonconformity_verify(actor=lead, nonconformity=nc2, accepted=False, comment="不足")
    assert len(events(nc2, "nonconformity.rejected")) == 1


def test_an_unanswered_one_cannot_be_verified(audit, lead):
    nc = raise_minor(audit, lead)
    with pytest.raises(InvalidTransition, match="Only an answered nonconformity can be verified"):
        services_nc.nonconformity_verify(actor=lead, nonconformity=nc, accepted=True)


@pytest.mark.parametrize("who", ["member", "auditor", "manager", "applicant"])
def test_only_the_lead_or_a_follow_up_team_verifies(audit, lead, applicant, request, who):
    nc = raise_minor(audit, lead)
    answer(nc, applicant)
    with pytest.raises(NotAllowed, match="Only the audit's lead auditor or the follow-up audit's team may verify answers"):
        services_nc.nonconformity_verify(actor=request.getfixturevalue(who), nonconformity=nc, accepted=True)


def _follow_up(case, manager, status=Audit.Status.IN_PROGRESS, closed_at=None):
    """A follow-up audit (its planning is built with the report; made here
    directly)."""
    return Audit.objects.create(
        case=case, kind=Audit.Kind.FOLLOW_UP, status=status, planned_start=START, planned_end=START,
        days_computed=1, days=1, created_by=manager, closed_at=closed_at,
    )


def test_a_follow_up_audits_member_verifies(audit, lead, applicant, manager):
    nc = services_nc.nonconformity_raise(actor=lead, audit=audit, severity="major", description="重大")
    answer(nc, applicant)
    follow_up = _follow_up(audit.case, manager)
    checker = declared_auditor(audit.case.organisation, full_name="Checker Sun")
    TeamMember.objects.create(
        audit=follow_up, auditor=checker, role=TeamMember.Role.LEAD,
        declaration=declaration_current(checker, audit.case.organisation), assigned_by=manager,
    )
    services_nc.nonconformity_verify(actor=checker, nonconformity=nc, accepted=True)
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.VERIFIED


# --- escalate --------------------------------------------------------------------------


def test_a_manager_escalates_an_overdue_minor(audit, lead, manager, django_capture_on_commit_callbacks):
    nc = raise_minor(audit, lead)
    with pytest.raises(InvalidTransition, match="past its due date"):
        services_nc.nonconformity_escalate(actor=manager, nonconformity=nc, reason="逾期")
    with time_machine.travel(datetime.datetime(2027, 1, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services_nc.nonconformity_escalate(actor=manager, nonconformity=nc, reason="逾期未答复")
        services_nc.nonconformity_escalate(actor=manager, nonconformity=nc, reason="again")
    nc.refresh_from_db()
    assert (nc.severity, nc.requires_follow_up, nc.escalated_by) == ("major", True, manager)
    [event] = events(nc, "nonconformity.escalated")
    assert event.note == "逾期未答复"
    assert Notification.objects.filter(kind="nonconformity_escalated").exists()


def test_escalation_needs_a_manager_and_a_reason(audit, lead, manager):
    nc = raise_minor(audit, lead)
    with time_machine.travel(datetime.datetime(2027, 1, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(NotAllowed, match="Only a manager may do this"):
            services_nc.nonconformity_escalate(actor=lead, nonconformity=nc, reason="逾期")
        with pytest.raises(CertifyError, match="reason"):
            services_nc.nonconformity_escalate(actor=manager, nonconformity=nc, reason="")


# --- reminders --------------------------------------------------------------------------


def test_reminders_go_once_each_before_and_after_the_due_date(audit, lead, applicant, manager, django_capture_on_commit_callbacks):
    nc = raise_minor(audit, lead)  # due 2027-01-07
    answered = raise_minor(audit, lead)
    answer(answered, applicant)
    mail.outbox.clear()

    def sweep(day):
        with django_capture_on_commit_callbacks(execute=True):
            return services_nc.nonconformity_reminders(today=day)

    assert sweep(datetime.date(2026, 12, 20)) == 0
    assert sweep(datetime.date(2026, 12, 31)) == 1  # seven days before
    assert sweep(datetime.date(2027, 1, 1)) == 0
    assert sweep(datetime.date(2027, 1, 6)) == 1  # one day before
    assert sweep(datetime.date(2027, 1, 6)) == 0
    assert sweep(datetime.date(2027, 1, 8)) == 1  # overdue
    assert sweep(datetime.date(2027, 1, 9)) == 0
    kinds = set(NonconformityReminder.objects.filter(nonconformity=nc).values_list("kind", flat=True))
    assert kinds == {"due_7", "due_1", "overdue"}
    assert not NonconformityReminder.objects.filter(nonconformity=answered).exists()
    assert Notification.objects.filter(kind="nonconformity_reminder", recipient=applicant).count() == 2
    overdue_to = set(Notification.objects.filter(kind="nonconformity_overdue").values_list("recipient", flat=True))
    assert {applicant.pk, lead.pk, manager.pk} <= overdue_to
    assert len(events(nc, "nonconformity.overdue")) == 1


def test_the_sweep_runs_as_a_task_and_a_command(audit, lead):
    from audits.tasks import nonconformity_reminders

    raise_minor(audit, lead)
    with time_machine.travel(datetime.datetime(2027, 1, 9, 1, 0, tzinfo=datetime.UTC), tick=False):
        assert nonconformity_reminders.delay().get() == 1
        call_command("nonconformity_reminders")
    assert NonconformityReminder.objects.count() == 1


def test_the_beat_runs_the_sweep(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "audits.tasks.nonconformity_reminders" in tasks


# --- selectors ---------------------------------------------------------------------------


def test_the_rectification_state_counts_and_waits_for_a_follow_up(audit, lead, applicant, manager):
    case = audit.case
    assert selectors_nc.case_rectification_state(case).raised == 0
    minor = raise_minor(audit, lead)
    major = services_nc.nonconformity_raise(actor=lead, audit=audit, severity="major", description="重大")
    state = selectors_nc.case_rectification_state(case)
    assert (state.raised, state.open, state.majors_needing_follow_up, state.complete) == (2, 2, 1, False)
    for nc in (minor, major):
        answer(nc, applicant)
        services_nc.nonconformity_verify(actor=lead, nonconformity=nc, accepted=True)
    assert selectors_nc.case_rectification_state(case).majors_needing_follow_up == 1
    # A follow-up closed before the major was raised does not count.
    earlier = timezone.now() - datetime.timedelta(days=1)
    _follow_up(case, manager, status=Audit.Status.CLOSED, closed_at=earlier)
    assert selectors_nc.case_rectification_state(case).majors_needing_follow_up == 1
    _follow_up(case, manager, status=Audit.Status.CLOSED, closed_at=timezone.now() + datetime.timedelta(hours=1))
    state = selectors_nc.case_rectification_state(case)
    assert (state.open, state.majors_needing_follow_up, state.complete) == (0, 0, True)
    # The caller may pass the follow-ups to consider.
    assert selectors_nc.case_rectification_state(case, follow_ups=[]).majors_needing_follow_up == 1


def test_the_rectification_state_from_nonconformities_already_read_is_the_same(audit, lead, applicant):
    raise_minor(audit, lead)
    verified = raise_minor(audit, lead)
    answer(verified, applicant)
    services_nc.nonconformity_verify(actor=lead, nonconformity=verified, accepted=True)
    services_nc.nonconformity_raise(actor=lead, audit=audit, severity="major", description="重大")
    read = list(selectors_nc.nonconformities_for_case(audit.case))

    given = selectors_nc.case_rectification_state(audit.case, nonconformities=read)

    assert given == selectors_nc.case_rectification_state(audit.case) == selectors_nc.RectificationState(3, 2, 1)


def test_an_audit_page_lists_its_own_the_cases_other_and_the_organisations_still_open_nonconformities(
    audit, lead, applicant
):
    earlier_open = raise_minor(audit, lead, description="earlier, open")
    earlier_closed = raise_minor(audit, lead, description="earlier, verified")
    answer(earlier_closed, applicant)
    services_nc.nonconformity_verify(actor=lead, nonconformity=earlier_closed, accepted=True)
    # The organisation's next application, with its document review and on-site audit.
    next_case = Case.objects.create(
        organisation=audit.case.organisation,
        version=audit.case.version,
        target_level=audit.case.target_level,
        created_by=applicant,
    )
    planned = {"planned_start": START, "planned_end": START, "days_computed": 1, "days": 1}
    review = Audit.objects.create(case=next_case, kind=Audit.Kind.DOCUMENT_REVIEW, **planned)
    onsite = Audit.objects.create(case=next_case, kind=Audit.Kind.ONSITE, **planned)
    from_review = Nonconformity.objects.create(audit=review, severity="minor", description="document review", raised_by=lead)
    here = Nonconformity.objects.create(audit=onsite, severity="minor", description="on-site", raised_by=lead)

    own, others, carried = selectors_nc.nonconformities_around_audit(onsite)

    assert ([nc.pk for nc in own], [nc.pk for nc in others], [nc.pk for nc in carried]) == (
        [here.pk],
        [from_review.pk],
        [earlier_open.pk],
    )


def test_a_viewers_role_on_the_team_is_read_once_per_audit(audit, lead, member, manager, django_assert_num_queries):
    from audits.selectors.audit import audit_get_for_user, audit_role

    fetched = audit_get_for_user(manager, audit.public_id)
    # Two team members asked twice; the manager, not an auditor, costs no query.
    with django_assert_num_queries(2):
        roles = [audit_role(person, fetched) for person in (lead, member, manager, lead, member, manager)]
    assert roles == ["lead", "member", None] * 2


def test_the_rectification_state_of_minor_nonconformities_reads_no_follow_up_audits(
    audit, lead, django_assert_num_queries
):
    raise_minor(audit, lead)
    case = audit.case
    with django_assert_num_queries(1):
        state = selectors_nc.case_rectification_state(case)
    assert (state.raised, state.open, state.majors_needing_follow_up) == (1, 1, 0)
