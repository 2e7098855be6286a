"""Audits in any state, through the services."""

import datetime

from applications.models import ServiceOutlet
from audits import services
from audits.lifecycle import (
    document_review_planned,
    document_review_run,
    onsite_running,
    sheet_marked,
)
from audits.models import Audit, DeclarationRequest
from certify.models import User
from tests.applications.case_helpers import case_at
from tests.factories import AuditorFactory, ManagerFactory

START = datetime.date(2026, 12, 7)


def quotable(organisation):
    """Give the organisation what the contract's quote needs: its size and an outlet."""
    organisation.employee_count = 120
    organisation.save(update_fields=["employee_count"])
    ServiceOutlet.objects.get_or_create(organisation=organisation, name="总部", defaults={"address": "福州"})
    return organisation


def signed_case(applicant, organisation, manager):
    return case_at("contract_signed", applicant, quotable(organisation), manager)


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
    return document_review_planned(case, manager, start=START)


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
    lead = declared_auditor(case.organisation, full_name="Lead Li")
    document_review_run(case, manager, lead, start=START)
    return lead


def running_onsite(case, manager):
    """The on-site audit of a case whose documents passed, started by its lead."""
    lead = passed_document_review(case, manager)
    member = declared_auditor(case.organisation, full_name="Member Zhao")
    audit = onsite_running(case, manager, lead, [member], start=START)
    return audit, lead, member


def mark_everything(audit, lead, nonconforming=()):
    sheet_marked(audit, lead, dict.fromkeys(nonconforming, "nonconforming"))


def reload(audit):
    return Audit.objects.select_related("case", "sheet").get(pk=audit.pk)
