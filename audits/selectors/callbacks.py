"""Reads of the customer call-backs. The audit's team and managers see
everything; the case organisation's members see their list only (not the
sample, the calls or their notes); everyone else gets 404."""

from functools import reduce
from operator import or_

from django.db.models import F, Q
from django.http import Http404

from applications.selectors.case import case_get_for_user
from applications.selectors.organisation import is_member
from audits import callbacks
from audits.models import Audit, CallBack, CustomerList, CustomerRow
from audits.selectors.audit import audit_get_for_user
from scoring.models import Gate, Metric

# Shown on the page; the whole list is in the uploaded file.
BAD_ROWS_SHOWN = 200
PREVIEW_ROWS = 20
CALLBACK_KINDS = {Audit.Kind.ONSITE, Audit.Kind.SURVEILLANCE}
# While the audit is open the team calls; afterwards the calls are read only.
CALLBACK_OPEN = {Audit.Status.PLANNED, Audit.Status.IN_PROGRESS}
# The customer list and who uploaded and sampled it, read with the audit.
WITH_LIST = ("customer_list__uploaded_by", "customer_list__sampled_by")


def callback_audit_get_for_user(user, public_id):
    """(audit, is_staff): the audit's team and managers as staff, the case
    organisation's members as applicants; Http404 for anyone else and for
    audits without call-backs."""
    if not user.is_authenticated:
        raise Http404
    audit = None
    if user.is_manager or user.is_auditor:
        try:
            audit = audit_get_for_user(user, public_id, related=WITH_LIST)
        except Http404:
            audit = None
    if audit is not None:
        is_staff = True
    else:
        audit = (
            Audit.objects.select_related("case__organisation", "case__version__scheme", *WITH_LIST)
            .filter(public_id=public_id)
            .first()
        )
        if audit is None:
            raise Http404
        # The case selector decides who sees the case; of those, only its
        # organisation's members see the list (staff with case access but
        # not on this audit's team see nothing here).
        case = case_get_for_user(user, audit.case.public_id)
        if case.pk != audit.case_id or not is_member(user, case.organisation_id):
            raise Http404
        is_staff = False
    if audit.kind not in CALLBACK_KINDS:
        raise Http404
    return audit, is_staff


def customer_list_get(audit):
    """The audit's customer list or None (read with the audit by
    callback_audit_get_for_user)."""
    try:
        return audit.customer_list
    except CustomerList.DoesNotExist:
        return None


def customer_list_summary(customer_list, preview=True):
    """The counts (kept on the list), the bad rows with their problems and,
    when `preview`, the first good rows: at most one query."""
    wanted = []
    if customer_list.bad_rows:
        wanted.append(Q(position__isnull=True))
    if preview and customer_list.good_rows:
        # Good rows are numbered 1, 2, … so the preview is the first positions.
        wanted.append(Q(position__lte=PREVIEW_ROWS))
    shown = []
    if wanted:
        # The preview sorts before the bad rows, which the slice then caps.
        shown = list(
            CustomerRow.objects.filter(customer_list=customer_list)
            .filter(reduce(or_, wanted))
            .order_by(F("position").asc(nulls_last=True), "row_number")[: PREVIEW_ROWS + BAD_ROWS_SHOWN]
        )
    return {
        "good": customer_list.good_rows,
        "bad": customer_list.bad_rows,
        "bad_rows": [row for row in shown if row.position is None],
        "preview": [row for row in shown if row.position is not None],
    }


def callback_calls(audit):
    """The sample's rows with their calls (and who recorded them), in the
    order drawn."""
    return list(
        CustomerRow.objects.filter(customer_list__audit=audit, sample_rank__isnull=False)
        .select_related("call__recorded_by")
        .order_by("sample_rank")
    )


def callback_rates_for(rows):
    """The rates of the calls recorded so far, from callback_calls' rows."""
    return callbacks.callback_rates(
        callbacks.Call(row.call.reached, row.call.satisfaction, row.call.resolved_first_contact)
        for row in rows
        if row_call(row) is not None
    )


def row_call(row):
    """The row's call, or None before it is made."""
    try:
        return row.call
    except CallBack.DoesNotExist:
        return None


def callbacks_recorded(customer_list):
    return CallBack.objects.filter(row__customer_list=customer_list).exists()


def sheet_metrics(audit):
    """The score sheet's gate metrics, keyed by metric, with their sources."""
    if audit.sheet_id is None:
        return {}
    return {metric.metric: metric for metric in Metric.objects.filter(sheet_id=audit.sheet_id)}


METRIC_ORDER = [
    Gate.Metric.CUSTOMER_SATISFACTION,
    Gate.Metric.FIRST_TIME_RESOLUTION,
    Gate.Metric.COMPLAINT_CLOSURE,
    Gate.Metric.MONTHS_IN_OPERATION,
]
