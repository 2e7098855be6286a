"""Planning an audit: its days from the employee bands, its dates, and the
body's days table.

When an audit's event moves the case, the audits services call the
applications app's case services (never the reverse).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from applications import services as case_services
from applications.models import Case
from audits.models import (
    Audit,
    AuditDaysBand,
    AuditDaysTable,
)
from audits.verbs import Verb
from certify.bands import band_for, bands_check, bands_replace
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from certify.permissions import require_manager

# A new installation's table; the body edits its own (DOMAIN.md 5.3 gives no
# public formula, only that outlets add at least half a day each).
DEFAULT_BANDS = [(50, Decimal("1.0")), (200, Decimal("1.5")), (1000, Decimal("2.0")), (None, Decimal("3.0"))]



HALF_DAY = Decimal("0.5")



def audit_days_table_get():
    table = AuditDaysTable.objects.prefetch_related("bands").first()
    if table is None:
        with transaction.atomic():
            table = AuditDaysTable.objects.create()
            AuditDaysBand.objects.bulk_create(
                AuditDaysBand(table=table, max_employees=limit, days=days) for limit, days in DEFAULT_BANDS
            )
        table = AuditDaysTable.objects.prefetch_related("bands").get(pk=table.pk)
    return table



def _round_half_day(value):
    """Audit time is planned in half days, rounded up."""
    halves = (value / HALF_DAY).to_integral_value(rounding="ROUND_CEILING")
    return max(halves * HALF_DAY, HALF_DAY)



def audit_days_compute(case, kind, table=None):
    """(days, basis): the on-site days for the organisation's size, outlets
    and categories, scaled for a document review or a surveillance audit."""
    table = table or audit_days_table_get()
    organisation = case.organisation
    employees = organisation.employee_count or 0
    band = band_for(table.bands.all(), employees)
    if band is None:
        raise CertifyError(_("The audit days table has no band for %(count)s employees.") % {"count": employees})
    outlets = max(organisation.outlets.count() - 1, 0)
    categories = max(organisation.categories.count() - 1, 0)
    onsite = band.days + table.per_additional_outlet * outlets + table.per_additional_category * categories
    share = {
        Audit.Kind.DOCUMENT_REVIEW: table.document_review_share,
        Audit.Kind.SURVEILLANCE: table.surveillance_share,
    }.get(kind, Decimal(1))
    days = _round_half_day(onsite * share)
    basis = {
        "employees": employees,
        "band_days": str(band.days),
        "additional_outlets": outlets,
        "per_outlet": str(table.per_additional_outlet),
        "additional_categories": categories,
        "per_category": str(table.per_additional_category),
        "onsite_days": str(onsite.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
        "share": str(share),
    }
    return days, basis



# Which case state each kind of audit is planned from.
PLANNED_FROM = {
    Audit.Kind.DOCUMENT_REVIEW: Case.Status.CONTRACT_SIGNED,
    Audit.Kind.ONSITE: Case.Status.ONSITE_PLANNED,
    Audit.Kind.FOLLOW_UP: Case.Status.RECTIFICATION,
}



def audit_plan(
    *, actor, case, kind, mode, planned_start, planned_end, days=None, days_change_reason="", notes=""
):
    """Plan an audit of a case. Planning the document review moves the case
    from contract_signed to document_review."""
    require_manager(actor)
    if kind not in PLANNED_FROM:
        raise CertifyError(_("Surveillance audits are planned from the certificate."))
    if planned_end < planned_start:
        raise CertifyError(_("The audit cannot end before it starts."))
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("organisation", "version").get(pk=case.pk)
        if case.status != PLANNED_FROM[kind]:
            raise InvalidTransition(
                _("%(kind)s: planned when the application is “%(status)s”; it is “%(current)s”.")
                % {
                    "kind": Audit.Kind(kind).label,
                    "status": Case.Status(PLANNED_FROM[kind]).label,
                    "current": case.get_status_display(),
                }
            )
        if Audit.objects.filter(case=case, kind=kind, status__in=Audit.OPEN).exists():
            raise CertifyError(_("This application already has an open audit of this kind."))
        computed, basis = audit_days_compute(case, kind)
        if days is not None and days != computed and not days_change_reason.strip():
            raise CertifyError(_("Give the reason for changing the computed audit days."))
        audit = Audit.objects.create(
            case=case,
            kind=kind,
            mode=mode,
            planned_start=planned_start,
            planned_end=planned_end,
            days_computed=computed,
            days_basis=basis,
            days=days if days is not None else computed,
            days_change_reason=days_change_reason.strip() if days not in (None, computed) else "",
            notes=notes,
            created_by=actor,
        )
        event_record(
            actor=actor,
            obj=audit,
            verb=Verb.AUDIT_PLANNED,
            to_state=audit.status,
            data={"kind": kind, "days": str(audit.days), "computed": str(computed)},
        )
        if kind == Audit.Kind.DOCUMENT_REVIEW:
            case_services.case_document_review_begin(actor=actor, case=case)
    return audit



def audit_plan_surveillance(*, actor, case, planned_start, planned_end):
    """Create the surveillance audit of a certified case. The certificates
    app calls this, from a manager's action or from its daily job (actor
    None); the case's state does not move."""
    if actor is not None:
        require_manager(actor)
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("organisation", "version").get(pk=case.pk)
        if case.status != Case.Status.CERTIFIED:
            raise InvalidTransition(_("Surveillance audits watch a certified application."))
        computed, basis = audit_days_compute(case, Audit.Kind.SURVEILLANCE)
        audit = Audit.objects.create(
            case=case,
            kind=Audit.Kind.SURVEILLANCE,
            mode=Audit.Mode.ONSITE,
            planned_start=planned_start,
            planned_end=planned_end,
            days_computed=computed,
            days_basis=basis,
            days=computed,
            created_by=actor,
        )
        event_record(
            actor=actor,
            obj=audit,
            verb=Verb.AUDIT_PLANNED,
            to_state=audit.status,
            data={"kind": Audit.Kind.SURVEILLANCE, "days": str(audit.days), "computed": str(computed)},
        )
    return audit



def audit_days_table_update(
    *, actor, per_additional_outlet, per_additional_category, document_review_share, surveillance_share, bands
):
    """Replace the audit days table; its history keeps every version.

    `bands` is a list of (max_employees or None, on-site days); exactly one
    band is open-ended. Each additional outlet adds at least half a day
    (DOMAIN.md 5.3).
    """
    require_manager(actor)
    if per_additional_outlet < HALF_DAY:
        raise CertifyError(_("Each additional service outlet adds at least half a day."))
    bands_check([limit for limit, _days in bands])
    if any(days < HALF_DAY for _limit, days in bands):
        raise CertifyError(_("Every band needs at least half a day."))
    for share in (document_review_share, surveillance_share):
        if not 0 < share <= 1:
            raise CertifyError(_("A share of the on-site days is between 0 and 1."))
    with transaction.atomic():
        table = AuditDaysTable.objects.select_for_update().get(pk=audit_days_table_get().pk)
        table.per_additional_outlet = per_additional_outlet
        table.per_additional_category = per_additional_category
        table.document_review_share = document_review_share
        table.surveillance_share = surveillance_share
        table._history_user = actor
        table.save()
        bands_replace(
            table.bands.all(),
            [AuditDaysBand(table=table, max_employees=limit, days=days) for limit, days in bands],
            actor=actor,
        )
        event_record(actor=actor, obj=table, verb=Verb.AUDIT_DAYS_UPDATED)
    return table

