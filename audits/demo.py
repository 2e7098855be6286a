"""Demo audits: the main organisation's signed contract gets its document
review, planned, staffed and under way."""

import datetime

from django.utils import timezone

from applications.models import Case
from audits import services
from audits.models import Audit, AuditorQualification
from scoring.models import Indicator


def seed_audits(manager, lead, member):
    if Audit.objects.exists():
        return
    case = Case.objects.filter(status=Case.Status.CONTRACT_SIGNED).order_by("pk").first()
    if case is None:
        return
    for auditor in (lead, member):
        AuditorQualification.objects.get_or_create(
            auditor=auditor,
            scheme=case.version.scheme,
            defaults={"certificate_number": f"CCAA-{auditor.pk:04d}", "valid_until": datetime.date(2028, 6, 30)},
        )
        services.conflict_declare(
            actor=auditor,
            organisation=case.organisation,
            no_consultancy=True,
            no_employment=True,
            no_other_interest=True,
        )
    start = timezone.localdate() + datetime.timedelta(days=3)
    audit = services.audit_plan(
        actor=manager,
        case=case,
        kind=Audit.Kind.DOCUMENT_REVIEW,
        mode=Audit.Mode.REMOTE,
        planned_start=start,
        planned_end=start,
        notes="远程审查售后服务手册、程序文件和服务记录。",
    )
    services.audit_team_assign(actor=manager, audit=audit, lead=lead)
    services.audit_start(actor=lead, audit=audit)
    for indicator in Indicator.objects.filter(category__version=case.version, category__code="A"):
        services.document_comment_set(
            actor=lead, audit=audit, indicator_id=indicator.pk, outcome="conforming", comment=""
        )
