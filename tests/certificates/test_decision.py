"""The certification decision and the certificate it issues (DESIGN.md "The
certificate"; ISO/IEC 17065 7.5, 7.6)."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from applications.models import Case
from certificates import services
from certificates.models import Certificate, Decision, NumberCounter
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import Event, Notification
from certify.selectors import body_profile_get
from scoring.models import SchemeVersion
from tests.audits.helpers import declared_auditor, signed_case
from tests.certificates.helpers import decision_pending_case, decision_pending_case_reviewed_by
from tests.factories import MembershipFactory
from tests.worlds import reloaded, shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# A case scored 87 (三星级 reached), applied for at 四星级.
world, cast = shared_world(lambda cast: decision_pending_case(cast.applicant, cast.organisation, cast.manager)[0])


@pytest.fixture
def pending(world, cast):
    return reloaded(world.built)


def body_numbering(code="016", template="{cb_code}{yy}{scheme_code}{serial:05}R{cycle}"):
    body = body_profile_get()
    body.body_code = code
    body.certificate_number_template = template
    body.save()


def yy():
    return f"{timezone.localdate().year % 100:02d}"


def events(obj, verb):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, verb=verb
    )


def another_pending_case(manager):
    member = MembershipFactory().user
    case, _lead, _member = decision_pending_case(member, member.memberships.get().organisation, manager)
    return case


def certify(manager, case, level="star3", reason=""):
    services.decision_record(actor=manager, case=case, outcome="certified", level_code=level, reason=reason)
    return Certificate.objects.get(case=case)


# --- Certified ----------------------------------------------------------------------


def test_certifying_issues_one_certificate(manager, pending):
    decision = services.decision_record(actor=manager, case=pending, outcome="certified", level_code="star3")
    assert decision.outcome == Decision.Outcome.CERTIFIED
    assert Certificate.objects.filter(case=pending).count() == 1


def test_certifying_moves_the_case_to_certified(manager, pending):
    certify(manager, pending)
    assert Case.objects.get(pk=pending.pk).status == Case.Status.CERTIFIED


def test_the_number_follows_the_body_profiles_template(manager, pending):
    body_numbering()
    certificate = certify(manager, pending)
    assert certificate.number == "016" + yy() + "AS" + "00001" + "R0"


def test_the_first_certificate_is_revision_zero_of_its_number(manager, pending):
    certificate = certify(manager, pending)
    assert (certificate.base_number, certificate.revision) == (certificate.number, 0)


def test_the_certificate_snapshots_the_holder(manager, applicant, organisation):
    organisation.address = "福州市鼓楼区五四路 1 号"
    organisation.save(update_fields=["address"])
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    certificate = certify(manager, case)
    assert (certificate.holder_name, certificate.holder_uscc, certificate.holder_address) == (
        organisation.legal_name,
        organisation.uscc,
        "福州市鼓楼区五四路 1 号",
    )


def test_the_certificate_snapshots_scope_level_and_scheme(manager, pending):
    certificate = certify(manager, pending)
    version = pending.version
    assert certificate.scope == pending.scope
    assert (certificate.level_code, certificate.level_name_zh, certificate.level_name_en) == (
        "star3",
        "三星级",
        "Three-star",
    )
    assert (certificate.scheme_code, certificate.scheme_name_zh, certificate.scheme_version) == (
        version.scheme.code,
        version.scheme.name_zh,
        version.number,
    )


def test_later_edits_of_the_organisation_do_not_change_the_certificate(manager, organisation, pending):
    certificate = certify(manager, pending)
    organisation.legal_name = "改名后的企业有限公司"
    organisation.save(update_fields=["legal_name"])
    certificate.refresh_from_db()
    assert certificate.holder_name != "改名后的企业有限公司"


def test_the_certificate_expires_a_day_before_the_validity_years_run_out(manager, pending):
    certificate = certify(manager, pending)
    years = pending.version.validity_years
    assert certificate.issued_on == timezone.localdate()
    assert certificate.expires_on == certificate.issued_on + relativedelta(years=years) - timedelta(days=1)


def test_the_decision_records_what_the_decider_saw(manager, pending):
    decision = services.decision_record(actor=manager, case=pending, outcome="certified", level_code="star3")
    assert (decision.score, decision.scored_level_code, decision.recommendation) == (87, "star3", "star3")
    assert decision.decided_by == manager


def test_issuing_writes_the_certificate_issued_event(manager, pending):
    certificate = certify(manager, pending)
    event = events(certificate, "certificate.issued").get()
    assert (event.actor, event.to_state, event.data["number"]) == (manager, "active", certificate.number)


def test_deciding_writes_the_case_decided_event(manager, pending):
    certify(manager, pending)
    event = events(pending, "case.decided").get()
    assert (event.from_state, event.to_state) == ("decision_pending", "certified")


def test_certifying_notifies_the_applicant(manager, applicant, pending):
    certify(manager, pending)
    assert Notification.objects.filter(recipient=applicant, kind="certificate_issued").count() == 1


# --- Impartiality and roles -----------------------------------------------------------


def test_a_manager_on_the_onsite_audit_team_cannot_decide(pending):
    lead = pending.audits.get(kind="onsite").team.get(role="lead").auditor
    lead.is_manager = True
    lead.save(update_fields=["is_manager"])
    with pytest.raises(NotAllowed, match="another manager must decide"):
        services.decision_record(actor=lead, case=pending, outcome="certified", level_code="star3")
    assert not Decision.objects.filter(case=pending).exists()


def test_a_manager_who_was_only_on_the_document_review_team_cannot_decide(applicant, organisation, manager):
    reviewer = declared_auditor(organisation, full_name="Reviewer Manager Hu", is_manager=True)
    case = decision_pending_case_reviewed_by(reviewer, applicant, organisation, manager)
    assert not case.audits.get(kind="onsite").team.filter(auditor=reviewer).exists()
    with pytest.raises(NotAllowed, match="another manager must decide"):
        services.decision_record(actor=reviewer, case=case, outcome="certified", level_code="star3")


def test_a_manager_on_no_team_of_the_case_may_decide_it(applicant, organisation, manager):
    reviewer = declared_auditor(organisation, full_name="Reviewer Manager Hu", is_manager=True)
    case = decision_pending_case_reviewed_by(reviewer, applicant, organisation, manager)
    decision = services.decision_record(actor=manager, case=case, outcome="certified", level_code="star3")
    assert decision.decided_by == manager


@pytest.mark.parametrize("role", ["auditor", "applicant"])
def test_someone_who_is_not_a_manager_cannot_decide(request, pending, role):
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        services.decision_record(
            actor=request.getfixturevalue(role), case=pending, outcome="certified", level_code="star3"
        )
    assert Case.objects.get(pk=pending.pk).status == Case.Status.DECISION_PENDING


def test_a_case_not_waiting_for_the_decision_cannot_be_decided(applicant, organisation, manager):
    case = signed_case(applicant, organisation, manager)
    with pytest.raises(InvalidTransition, match="A decision is made when the application is “Decision pending”"):
        services.decision_record(actor=manager, case=case, outcome="certified", level_code="star3")


def test_a_decided_case_cannot_be_decided_differently(manager, pending):
    certify(manager, pending)
    with pytest.raises(InvalidTransition, match="Manager Wang decided this application at"):
        services.decision_record(actor=manager, case=pending, outcome="not_certified", reason="改变主意")


# --- Levels -------------------------------------------------------------------------


def test_a_level_above_the_scored_level_is_refused(manager, pending):
    with pytest.raises(CertifyError, match="Choose one of the levels"):
        services.decision_record(actor=manager, case=pending, outcome="certified", level_code="star4")
    assert not Certificate.objects.filter(case=pending).exists()


def test_a_level_above_the_level_applied_for_is_refused(applicant, organisation, manager):
    # Nothing nonconforming: the score reaches 五星级, the case asked for 四星级.
    case, _lead, _member = decision_pending_case(applicant, organisation, manager, nonconforming=())
    assert case.target_level == "star4"
    with pytest.raises(CertifyError, match="Choose one of the levels"):
        services.decision_record(actor=manager, case=case, outcome="certified", level_code="star5")


def test_the_level_applied_for_is_granted_when_the_score_reaches_higher(applicant, organisation, manager):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager, nonconforming=())
    assert certify(manager, case, level="star4").level_code == "star4"


def test_a_star_level_is_refused_for_a_first_certification_when_the_scheme_requires_months_first(manager, pending):
    SchemeVersion.objects.filter(pk=pending.version_id).update(min_months_before_star=12)
    with pytest.raises(CertifyError, match="Choose one of the levels"):
        services.decision_record(actor=manager, case=pending, outcome="certified", level_code="star3")


def test_the_lowest_level_needs_no_reason_when_the_scheme_caps_a_first_certification(manager, pending):
    SchemeVersion.objects.filter(pk=pending.version_id).update(min_months_before_star=12)
    assert certify(manager, pending, level="compliant").level_code == "compliant"


def test_a_lower_level_without_a_reason_is_refused(manager, pending):
    with pytest.raises(CertifyError, match="Give the reason for granting a lower level"):
        services.decision_record(actor=manager, case=pending, outcome="certified", level_code="compliant")
    assert Case.objects.get(pk=pending.pk).status == Case.Status.DECISION_PENDING


def test_a_lower_level_with_a_reason_is_granted(manager, pending):
    certificate = certify(manager, pending, level="compliant", reason="投诉处理记录不完整")
    assert certificate.level_code == "compliant"
    assert certificate.decision.reason == "投诉处理记录不完整"


def test_certified_without_a_level_is_refused(manager, pending):
    with pytest.raises(CertifyError, match="Choose one of the levels the decision allows"):
        services.decision_record(actor=manager, case=pending, outcome="certified", level_code="")


def test_an_unknown_outcome_is_refused(manager, pending):
    with pytest.raises(CertifyError, match="Choose certified or not certified"):
        services.decision_record(actor=manager, case=pending, outcome="maybe", level_code="star3")


# --- Not certified -------------------------------------------------------------------


def test_not_certifying_needs_a_reason(manager, pending):
    with pytest.raises(CertifyError, match="Give the reason for not certifying"):
        services.decision_record(actor=manager, case=pending, outcome="not_certified", reason="  ")
    assert Case.objects.get(pk=pending.pk).status == Case.Status.DECISION_PENDING


def test_not_certifying_moves_the_case_to_not_certified(manager, pending):
    services.decision_record(actor=manager, case=pending, outcome="not_certified", reason="现场发现重大问题")
    assert Case.objects.get(pk=pending.pk).status == Case.Status.NOT_CERTIFIED


def test_not_certifying_issues_no_certificate(manager, pending):
    services.decision_record(actor=manager, case=pending, outcome="not_certified", reason="现场发现重大问题")
    assert not Certificate.objects.filter(case=pending).exists()


def test_not_certifying_notifies_the_applicant(manager, applicant, pending):
    services.decision_record(actor=manager, case=pending, outcome="not_certified", reason="现场发现重大问题")
    assert Notification.objects.filter(recipient=applicant, kind="case_not_certified").count() == 1


# --- Repeats --------------------------------------------------------------------------


def test_repeating_the_same_decision_changes_nothing(manager, pending):
    first = services.decision_record(actor=manager, case=pending, outcome="certified", level_code="star3")
    again = services.decision_record(actor=manager, case=pending, outcome="certified", level_code="star3")
    assert again.pk == first.pk
    assert events(pending, "case.decided").count() == 1
    assert Certificate.objects.filter(case=pending).count() == 1


def test_repeating_a_decision_not_to_certify_notifies_once(manager, applicant, pending):
    for _ in range(2):
        services.decision_record(actor=manager, case=pending, outcome="not_certified", reason="现场发现重大问题")
    assert Notification.objects.filter(recipient=applicant, kind="case_not_certified").count() == 1


# --- Numbers ----------------------------------------------------------------------------


def test_serials_grow_from_one_case_to_the_next(manager, pending):
    body_numbering()
    first = certify(manager, pending)
    second = certify(manager, another_pending_case(manager))
    prefix = "016" + yy() + "AS"
    assert (first.number, second.number) == (prefix + "00001R0", prefix + "00002R0")


def test_a_number_already_taken_is_skipped_not_reused(manager, pending):
    prefix = "016" + yy() + "AS"
    # Serial 1 under this template is …000012; serial 2 under the next one
    # would be the same number, so the counter skips to 3.
    body_numbering(template="{cb_code}{yy}{scheme_code}{serial:05}2")
    first = certify(manager, pending)
    body_numbering(template="{cb_code}{yy}{scheme_code}00001{serial}")
    second = certify(manager, another_pending_case(manager))
    assert (first.number, second.number) == (prefix + "000012", prefix + "000013")
    assert NumberCounter.objects.get(prefix=f"016|{yy()}|AS").last_serial == 3


def test_a_template_that_cannot_be_filled_refuses_the_decision(manager, pending):
    body = body_profile_get()
    body.certificate_number_template = "{cb_code}{unknown}"
    body.save()
    with pytest.raises(CertifyError, match="template"):
        certify(manager, pending)
    assert Case.objects.get(pk=pending.pk).status == Case.Status.DECISION_PENDING
