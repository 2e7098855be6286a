"""Audits in any state, through the services."""

import datetime

from applications import services as case_services
from applications.models import ServiceOutlet
from applications.services import contract as contract_services
from audits import services
from audits.models import Audit, DeclarationRequest
from certify.models import User
from tests.applications.case_helpers import all_accepted, under_review_case
from tests.factories import AuditorFactory, ManagerFactory

START = datetime.date(2026, 12, 7)


def quotable(organisation):
    """Give the organisation what the contract's quote needs: its size and an outlet."""
    organisation.employee_count = 120
    organisation.save(update_fields=["employee_count"])
    ServiceOutlet.objects.get_or_create(organisation=organisation, name="总部", defaults={"address": "福州"})
    return organisation


def signed_case(applicant, organisation, manager):
    quotable(organisation)
    case = under_review_case(applicant, organisation, manager)
    case_services.case_accept(actor=manager, case=case, reviews=all_accepted(case))
    contract = contract_services.case_contract_send(actor=manager, case=case)
    contract_services.case_contract_accept(actor=applicant, case=case, typed_name="张", ip_address=None)
    contract_services.case_prepayment_record(actor=manager, case=case, amount=contract.prepayment)
    case.refresh_from_db()
    return case


def declaration_asked(auditor, organisation):
    """A manager asks `auditor` to declare about the organisation, through an
    audit of one of its cases."""
    audit = Audit.objects.filter(case__organisation=organisation).order_by("id").first()
    manager = User.objects.filter(is_manager=True, is_active=True).order_by("id").first()
    DeclarationRequest.objects.get_or_create(
        auditor=auditor,
        audit=audit,
        defaults={"organisation": organisation, "requested_by": manager or ManagerFactory()},
    )


def declared_auditor(organisation, **kwargs):
    auditor = AuditorFactory(**kwargs)
    declaration_asked(auditor, organisation)
    services.conflict_declare(
        actor=auditor, organisation=organisation, no_consultancy=True, no_employment=True, no_other_interest=True
    )
    return auditor


def planned_document_review(case, manager):
    return services.audit_plan(
        actor=manager,
        case=case,
        kind=Audit.Kind.DOCUMENT_REVIEW,
        mode=Audit.Mode.REMOTE,
        planned_start=START,
        planned_end=START,
    )


def staffed_document_review(case, manager):
    audit = planned_document_review(case, manager)
    lead = declared_auditor(case.organisation, full_name="Lead Li")
    services.audit_team_assign(actor=manager, audit=audit, lead=lead)
    return audit, lead


def running_document_review(case, manager):
    audit, lead = staffed_document_review(case, manager)
    services.audit_start(actor=lead, audit=audit)
    return audit, lead


def passed_document_review(case, manager):
    from scoring.models import Indicator

    audit, lead = running_document_review(case, manager)
    for indicator in Indicator.objects.filter(category__version=case.version):
        services.document_comment_set(actor=lead, audit=audit, indicator_id=indicator.pk, outcome="conforming")
    services.document_review_pass(actor=lead, audit=audit)
    return lead


def running_onsite(case, manager):
    """The on-site audit of a case whose documents passed, started by its lead."""
    lead = passed_document_review(case, manager)
    audit = services.audit_plan(
        actor=manager, case=case, kind=Audit.Kind.ONSITE, mode=Audit.Mode.ONSITE, planned_start=START, planned_end=START
    )
    member = declared_auditor(case.organisation, full_name="Member Zhao")
    services.audit_team_assign(actor=manager, audit=audit, lead=lead, members=[member])
    services.audit_start(actor=lead, audit=audit)
    audit.refresh_from_db()
    return audit, lead, member
