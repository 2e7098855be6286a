import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import services as case_services
from applications.models import Case
from audits import services
from audits.models import Audit, AuditorQualification, DocumentReviewComment
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import Event
from scoring.models import Indicator
from tests.audits.helpers import (
    START,
    declaration_asked,
    declared_auditor,
    planned_document_review,
    running_document_review,
    signed_case,
    staffed_document_review,
)
from tests.factories import AuditorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def case(applicant, organisation, manager):
    return signed_case(applicant, organisation, manager)


def indicators(case):
    return list(Indicator.objects.filter(category__version=case.version))


def comment_all(audit, lead, outcome="conforming", revise=()):
    for indicator in indicators(audit.case):
        chosen = "revise" if indicator.code in revise else outcome
        services.document_comment_set(
            actor=lead, audit=audit, indicator_id=indicator.pk, outcome=chosen, comment="需修订" if chosen == "revise" else ""
        )


# --- days --------------------------------------------------------------------


def test_audit_days_follow_the_table(case):
    # 120 employees: 1.5 days; 1 outlet and no categories add nothing.
    days, basis = services.audit_days_compute(case, Audit.Kind.ONSITE)
    assert days == Decimal("1.5")
    assert basis["employees"] == 120


def test_each_additional_outlet_adds_at_least_half_a_day(case):
    from applications.models import ServiceOutlet

    for number in range(2):
        ServiceOutlet.objects.create(organisation=case.organisation, name=f"分部 {number}", address="厦门")
    days, basis = services.audit_days_compute(case, Audit.Kind.ONSITE)
    assert (days, basis["additional_outlets"]) == (Decimal("2.5"), 2)


def test_a_document_review_takes_a_share_rounded_up_to_half_days(case):
    days, _basis = services.audit_days_compute(case, Audit.Kind.DOCUMENT_REVIEW)
    assert days == Decimal("1.0")  # 1.5 × 0.5 = 0.75 → 1.0


def test_changing_the_computed_days_needs_a_reason(case, manager):
    with pytest.raises(CertifyError, match="reason"):
        services.audit_plan(
            actor=manager, case=case, kind="document_review", mode="remote",
            planned_start=START, planned_end=START, days=Decimal(3),
        )


# --- plan ----------------------------------------------------------------------


def test_planning_the_document_review_moves_the_case(case, manager):
    audit = planned_document_review(case, manager)
    case.refresh_from_db()
    assert (audit.status, case.status) == (Audit.Status.PLANNED, Case.Status.DOCUMENT_REVIEW)
    assert Event.objects.filter(verb="audit.planned", object_id=audit.pk).exists()


def test_an_auditor_cannot_plan_an_audit(case, auditor):
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        planned_document_review(case, auditor)


def test_an_onsite_audit_cannot_be_planned_before_the_documents_pass(case, manager):
    with pytest.raises(InvalidTransition, match="On-site audit: planned when the application is “On-site audit planned”"):
        services.audit_plan(
            actor=manager, case=case, kind="onsite", mode="onsite", planned_start=START, planned_end=START
        )


def test_a_second_document_review_cannot_be_planned(case, manager):
    planned_document_review(case, manager)
    with pytest.raises(InvalidTransition, match="it is “Document review”"):
        planned_document_review(case, manager)
    assert Audit.objects.filter(case=case).count() == 1


# --- declarations and team --------------------------------------------------------


def test_an_auditor_without_a_declaration_cannot_be_assigned(case, manager):
    audit = planned_document_review(case, manager)
    with pytest.raises(CertifyError, match="No current no-conflict declaration from: Undeclared Wu"):
        services.audit_team_assign(actor=manager, audit=audit, lead=AuditorFactory(full_name="Undeclared Wu"))


def test_a_declaration_needs_every_statement(case):
    auditor = AuditorFactory()
    declaration_asked(auditor, case.organisation)
    with pytest.raises(CertifyError, match="Each statement must be true"):
        services.conflict_declare(
            actor=auditor, organisation=case.organisation, no_consultancy=True, no_employment=False, no_other_interest=True
        )


def test_a_declaration_older_than_a_year_no_longer_counts(case, manager):
    import time_machine

    audit = planned_document_review(case, manager)
    with time_machine.travel(datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)):
        lead = declared_auditor(case.organisation)
    with pytest.raises(CertifyError, match="No current no-conflict declaration"):
        services.audit_team_assign(actor=manager, audit=audit, lead=lead)


def test_an_auditor_not_asked_cannot_declare(case):
    with pytest.raises(NotAllowed, match="No manager has asked you"):
        services.conflict_declare(
            actor=AuditorFactory(),
            organisation=case.organisation,
            no_consultancy=True,
            no_employment=True,
            no_other_interest=True,
        )


def test_asking_an_auditor_to_declare_lets_them_open_the_declaration_page(client, case, manager):
    audit = planned_document_review(case, manager)
    auditor = AuditorFactory()
    url = reverse("audits:declaration", args=[case.organisation.public_id])
    client.force_login(auditor)
    before = client.get(url).status_code

    services.declaration_request(actor=manager, audit=audit, auditor=auditor)

    assert (before, client.get(url).status_code) == (404, 200)


def test_an_applicant_cannot_declare(case, applicant):
    with pytest.raises(NotAllowed, match="Only auditors make this declaration"):
        services.conflict_declare(
            actor=applicant, organisation=case.organisation, no_consultancy=True, no_employment=True, no_other_interest=True
        )


def test_assigning_the_team_grants_access_to_the_case(case, manager):
    audit, lead = staffed_document_review(case, manager)
    assert case.access_grants.filter(user=lead).exists()
    assert list(audit.team.values_list("role", flat=True)) == ["lead"]


def test_an_onsite_team_needs_at_least_the_schemes_minimum(case, manager):
    audit, lead = running_document_review(case, manager)
    comment_all(audit, lead)
    services.document_review_pass(actor=lead, audit=audit)
    onsite = services.audit_plan(
        actor=manager, case=case, kind="onsite", mode="onsite", planned_start=START, planned_end=START
    )
    with pytest.raises(CertifyError, match="between 2 and 3 auditors; the team has 1"):
        services.audit_team_assign(actor=manager, audit=onsite, lead=lead)
    second = declared_auditor(case.organisation)
    services.audit_team_assign(actor=manager, audit=onsite, lead=lead, members=[second])
    assert onsite.team.count() == 2


def test_a_lapsing_qualification_is_a_warning_not_a_refusal(case, manager):
    audit = planned_document_review(case, manager)
    lead = declared_auditor(case.organisation, full_name="Lapsing Liu")
    AuditorQualification.objects.create(
        auditor=lead, scheme=case.version.scheme, valid_until=START - datetime.timedelta(days=1)
    )
    warnings = services.audit_team_assign(actor=manager, audit=audit, lead=lead)
    assert warnings == [f"Lapsing Liu's qualification ends on {(START - datetime.timedelta(days=1)).isoformat()}, before the audit ends."]


# --- start and the document review ----------------------------------------------------


def test_only_the_lead_starts_the_audit(case, manager):
    audit, _lead = staffed_document_review(case, manager)
    with pytest.raises(NotAllowed, match="Only the audit's lead auditor may do this"):
        services.audit_start(actor=declared_auditor(case.organisation), audit=audit)


def test_starting_twice_writes_one_event(case, manager):
    audit, lead = staffed_document_review(case, manager)
    services.audit_start(actor=lead, audit=audit)
    services.audit_start(actor=lead, audit=audit)
    assert Event.objects.filter(verb="audit.started", object_id=audit.pk).count() == 1


def test_a_revision_needs_a_comment(case, manager):
    audit, lead = running_document_review(case, manager)
    with pytest.raises(CertifyError, match="Say what must be revised"):
        services.document_comment_set(actor=lead, audit=audit, indicator_id=indicators(case)[0].pk, outcome="revise")


def test_passing_needs_an_outcome_for_every_indicator(case, manager):
    audit, lead = running_document_review(case, manager)
    with pytest.raises(CertifyError, match="These indicators have no outcome in this round yet: A1、A2"):
        services.document_review_pass(actor=lead, audit=audit)


def test_one_revision_round_then_the_documents_pass(case, manager, applicant):
    audit, lead = running_document_review(case, manager)
    comment_all(audit, lead, revise={"A4"})
    services.document_revisions_request(actor=lead, audit=audit, note="请补充法规清单")
    case.refresh_from_db()
    audit.refresh_from_db()
    assert case.status == Case.Status.DOCUMENT_REVISION
    assert audit.review_round == 2 and audit.revision_due == case.supplement_due
    with pytest.raises(InvalidTransition, match="The applicant is revising the documents"):
        services.document_review_pass(actor=lead, audit=audit)
    case_services.case_documents_revised(actor=applicant, case=case)
    with pytest.raises(CertifyError, match="no outcome in this round yet: A4."):
        services.document_review_pass(actor=lead, audit=audit)
    comment_all(audit, lead)
    services.document_review_pass(actor=lead, audit=audit)
    case.refresh_from_db()
    audit.refresh_from_db()
    assert (audit.status, case.status) == (Audit.Status.CLOSED, Case.Status.ONSITE_PLANNED)
    assert DocumentReviewComment.objects.filter(audit=audit).count() == 30


def test_passing_with_an_indicator_to_revise_is_refused(case, manager):
    audit, lead = running_document_review(case, manager)
    comment_all(audit, lead, revise={"B2"})
    with pytest.raises(CertifyError, match="request the revisions instead"):
        services.document_review_pass(actor=lead, audit=audit)


# --- withdrawal -------------------------------------------------------------------------


def test_a_withdrawn_cases_audits_are_cancelled_and_refuse_work(case, manager, applicant):
    audit, lead = staffed_document_review(case, manager)
    case_services.case_withdraw(actor=applicant, case=case)
    with pytest.raises(InvalidTransition, match="withdrawn"):
        services.audit_start(actor=lead, audit=audit)
    assert services.audits_cancel_for_withdrawn_cases() == 1
    assert services.audits_cancel_for_withdrawn_cases() == 0
    audit.refresh_from_db()
    assert audit.status == Audit.Status.CANCELLED


# --- the audit days table ----------------------------------------------------------


def test_a_manager_changes_the_audit_days_table_and_plans_follow_it(case, manager):
    services.audit_days_table_update(
        actor=manager,
        per_additional_outlet=Decimal("1.0"),
        per_additional_category=Decimal(0),
        document_review_share=Decimal("0.5"),
        surveillance_share=Decimal("0.33"),
        bands=[(200, Decimal("2.0")), (None, Decimal("4.0"))],
    )
    days, basis = services.audit_days_compute(case, Audit.Kind.ONSITE)
    assert (days, basis["band_days"]) == (Decimal("2.0"), "2.0")


def test_less_than_half_a_day_per_outlet_is_refused(manager):
    with pytest.raises(CertifyError, match="at least half a day"):
        services.audit_days_table_update(
            actor=manager,
            per_additional_outlet=Decimal("0.2"),
            per_additional_category=Decimal(0),
            document_review_share=Decimal("0.5"),
            surveillance_share=Decimal("0.33"),
            bands=[(None, Decimal("2.0"))],
        )


def test_only_a_manager_changes_the_audit_days_table(auditor):
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        services.audit_days_table_update(
            actor=auditor,
            per_additional_outlet=Decimal("0.5"),
            per_additional_category=Decimal(0),
            document_review_share=Decimal("0.5"),
            surveillance_share=Decimal("0.33"),
            bands=[(None, Decimal("2.0"))],
        )
