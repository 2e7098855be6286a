"""Cases waiting for the decision, and certificates, through the services."""

from audits import services as audit_services
from certificates import services
from certificates.models import Certificate, ReasonCode
from scoring.models import Item
from scoring.services import mark_set
from tests.audits.helpers import running_onsite, signed_case


def decision_pending_case(applicant, organisation, manager, *, nonconforming=("C2.1",), recommendation="star3"):
    """A case whose on-site report (no nonconformities) is in. With C2.1
    nonconforming the score is 96 - … (三星 reached); returns (case, lead, member)."""
    case = signed_case(applicant, organisation, manager)
    audit, lead, member = running_onsite(case, manager)
    for item in Item.objects.filter(indicator__category__version=case.version):
        mark_set(
            actor=lead,
            sheet=audit.sheet,
            item_id=item.pk,
            result="nonconforming" if item.code in nonconforming else "conforming",
        )
    audit_services.audit_report_submit(actor=lead, audit=audit, recommendation=recommendation, reason="得分符合")
    case.refresh_from_db()
    return case, lead, member


def issued_certificate(applicant, organisation, manager, level="star3"):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    decision = services.decision_record(actor=manager, case=case, outcome="certified", level_code=level)
    return Certificate.objects.get(decision=decision)


def reason(action, code=None):
    queryset = ReasonCode.objects.filter(action=action, active=True)
    return (queryset.get(code=code) if code else queryset.order_by("position").first()).pk
