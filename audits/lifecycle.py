"""The audits of an application, driven through the lifecycle's services from
the signed contract to the on-site report: the second leg of the builder
that applications.lifecycle starts, for the demo and the tests."""

from audits import services
from audits.models import Audit
from scoring.models import Indicator, Item
from scoring.services import mark_set


def document_review_planned(case, manager, *, start, notes=""):
    """The remote document review of a signed case, planned for one day."""
    return services.audit_plan(
        actor=manager,
        case=case,
        kind=Audit.Kind.DOCUMENT_REVIEW,
        mode=Audit.Mode.REMOTE,
        planned_start=start,
        planned_end=start,
        notes=notes,
    )


def document_review_run(case, manager, lead, *, start, finish=True, notes=""):
    """The document review led by `lead` (declared already): started, and
    with `finish` every indicator found conforming and the review passed;
    else only category A is commented."""
    audit = document_review_planned(case, manager, start=start, notes=notes)
    services.audit_team_assign(actor=manager, audit=audit, lead=lead)
    services.audit_start(actor=lead, audit=audit)
    indicators = Indicator.objects.filter(category__version=case.version)
    for indicator in indicators if finish else indicators.filter(category__code="A"):
        services.document_comment_set(actor=lead, audit=audit, indicator_id=indicator.pk, outcome="conforming")
    if finish:
        services.document_review_pass(actor=lead, audit=audit)
    return audit


def onsite_planned(case, manager, lead, members=(), *, start, end=None, mode=Audit.Mode.ONSITE):
    """The on-site audit of a case whose documents passed, with its team."""
    audit = services.audit_plan(
        actor=manager, case=case, kind=Audit.Kind.ONSITE, mode=mode, planned_start=start, planned_end=end or start
    )
    services.audit_team_assign(actor=manager, audit=audit, lead=lead, members=list(members))
    return audit


def onsite_running(case, manager, lead, members=(), **plan):
    """The on-site audit planned, staffed and started by its lead: its score
    sheet is open."""
    audit = onsite_planned(case, manager, lead, members, **plan)
    services.audit_start(actor=lead, audit=audit)
    audit.refresh_from_db()
    return audit


def sheet_marked(audit, lead, marks=None):
    """Every item of the audit's sheet marked by the lead: conforming, but for
    `marks`, item code → a result, or (result, samples, conforming, note)."""
    marks = marks or {}
    for item in Item.objects.filter(indicator__category__version=audit.case.version):
        mark = marks.get(item.code, "conforming")
        result, samples, conforming, note = (mark, None, None, "") if isinstance(mark, str) else mark
        mark_set(
            actor=lead,
            sheet=audit.sheet,
            item_id=item.pk,
            result=result,
            samples=samples,
            conforming=conforming,
            note=note,
        )


def report_submitted(audit, lead, *, recommendation, reason, marks=None):
    """The sheet marked and the lead's report in: without nonconformities the
    case goes to the decision."""
    sheet_marked(audit, lead, marks)
    services.audit_report_submit(actor=lead, audit=audit, recommendation=recommendation, reason=reason)
    return audit
