"""Cases waiting for the decision, and certificates, through the services;
and cheap rows for pages that only list them (query counts, access)."""

import itertools
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from applications.models import Case
from audits.lifecycle import document_review_run, onsite_running
from audits.lifecycle import report_submitted as lifecycle_report_submitted
from certificates import services
from certificates.models import Certificate, Decision, ReasonCode
from scoring.catalogue import GBT27922
from scoring.selectors import scheme_version_latest_published
from tests.audits.helpers import (
    START,
    declared_auditor,
    running_onsite,
    signed_case,
)

_serials = itertools.count(1)


def report_submitted(audit, lead, *, nonconforming, recommendation):
    lifecycle_report_submitted(
        audit, lead, recommendation=recommendation, reason="得分符合", marks=dict.fromkeys(nonconforming, "nonconforming")
    )


def decision_pending_case(applicant, organisation, manager, *, nonconforming=("C2.1",), recommendation="star3"):
    """A case whose on-site report (no nonconformities) is in. With C2.1
    nonconforming the score is 87 (三星 reached); returns (case, lead, member)."""
    case = signed_case(applicant, organisation, manager)
    audit, lead, member = running_onsite(case, manager)
    report_submitted(audit, lead, nonconforming=nonconforming, recommendation=recommendation)
    case.refresh_from_db()
    return case, lead, member


def decision_pending_case_reviewed_by(reviewer, applicant, organisation, manager):
    """A case waiting for the decision whose document review `reviewer` led,
    while other auditors did the on-site audit; returns the case."""
    case = signed_case(applicant, organisation, manager)
    document_review_run(case, manager, reviewer, start=START)
    lead = declared_auditor(organisation, full_name="Onsite Lead Sun")
    member = declared_auditor(organisation, full_name="Onsite Member Zhou")
    onsite = onsite_running(case, manager, lead, [member], start=START)
    report_submitted(onsite, lead, nonconforming=("C2.1",), recommendation="star3")
    case.refresh_from_db()
    return case


def issued_certificate(applicant, organisation, manager, level="star3"):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    decision = services.decision_record(actor=manager, case=case, outcome="certified", level_code=level)
    return Certificate.objects.get(decision=decision)


def reason(action, code=None):
    queryset = ReasonCode.objects.filter(action=action, active=True)
    return (queryset.get(code=code) if code else queryset.order_by("position").first()).pk


# --- Cheap rows (test data written directly) ----------------------------------------


def case_row(organisation, created_by, *, status=Case.Status.DECISION_PENDING):
    """A case written directly in `status`, for pages that only list it."""
    return Case.objects.create(
        reference=f"TQ{next(_serials):08d}",
        organisation=organisation,
        version=scheme_version_latest_published(GBT27922),
        target_level="star4",
        status=status,
        scope="家用空调的销售、安装和维修",
        created_by=created_by,
        submitted_at=timezone.now(),
    )


def certificate_row(organisation, manager, *, case=None, save=True, **fields):
    """A certificate written directly (its case and decision too when not given)."""
    case = case or case_row(organisation, manager, status=Case.Status.CERTIFIED)
    decision, _created = Decision.objects.get_or_create(
        case=case, defaults={"outcome": "certified", "level_code": "star3", "decided_by": manager}
    )
    serial = next(_serials)
    today = timezone.localdate()
    number = fields.pop("number", f"01626AS{serial:05d}R0")
    values = {
        "number": number,
        "base_number": number,
        "case": case,
        "decision": decision,
        "organisation": organisation,
        "holder_name": organisation.legal_name,
        "holder_uscc": organisation.uscc,
        "holder_address": "福州市鼓楼区",
        "scope": case.scope,
        "scheme_code": GBT27922,
        "scheme_name_zh": "商品售后服务评价体系",
        "scheme_name_en": "After-sales service evaluation",
        "scheme_version": 1,
        "level_code": "star3",
        "level_name_zh": "三星级",
        "level_name_en": "Three-star",
        "granted_on": today,
        "issued_on": today,
        "expires_on": today + relativedelta(years=3, days=-1),
        "created_by": manager,
        **fields,
    }
    values.setdefault("first_issued_on", values["issued_on"])
    values.setdefault("valid_from", values["issued_on"])
    certificate = Certificate(**values)
    if save:
        certificate.save()
    return certificate


def revision_row(certificate, revision):
    """Another revision of `certificate`'s number, copying its fields."""
    skip = {"id", "public_id", "token", "number", "revision", "predecessor", "pdf"}
    values = {
        field.attname: getattr(certificate, field.attname)
        for field in Certificate._meta.concrete_fields
        if field.name not in skip
    }
    return Certificate.objects.create(
        **values, number=f"{certificate.base_number}-{revision}", revision=revision
    )


def past_validity(certificate):
    """The last day of validity was yesterday; the daily job has not run yet."""
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    return certificate
