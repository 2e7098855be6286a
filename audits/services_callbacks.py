"""Writes of the customer call-backs: the applicant's customer list, the
lead's sample, the team's calls, and the metrics the lead confirms into the
audit's score sheet (call-back rates or the enterprise's own survey,
complaint closure, months in operation).

Each service takes the acting user and keyword arguments, locks the audit
(refusing a withdrawn case's audits), checks the actor and the state, and
writes one event on the audit; repeating the same action changes nothing
and writes no second event.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.selectors import is_member, months_in_operation
from audits import callbacks
from audits.models import Audit, CallBack, CustomerList, CustomerRow
from audits.models.callbacks import LIST_KINDS
from audits.selectors_callbacks import callback_calls
from audits.services import _locked_audit, _require_lead
from certify import uploads
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.notifications import notify
from certify.outbox import enqueue
from certify.uploads import validate_upload
from scoring.models import Gate, Metric
from scoring.services import metric_set

CALLBACK_KINDS = {Audit.Kind.ONSITE, Audit.Kind.SURVEILLANCE}
CALLBACK_OPEN = {Audit.Status.PLANNED, Audit.Status.IN_PROGRESS}
RATE_METRICS = (Gate.Metric.CUSTOMER_SATISFACTION, Gate.Metric.FIRST_TIME_RESOLUTION)

CALLBACK_VERBS = {
    "callback.list_uploaded": gettext_lazy("Customer list uploaded"),
    "callback.list_read": gettext_lazy("Customer list read"),
    "callback.list_unreadable": gettext_lazy("Customer list cannot be read"),
    "callback.sample_drawn": gettext_lazy("Call-back sample drawn"),
    "callback.recorded": gettext_lazy("Call-back recorded"),
    "callback.corrected": gettext_lazy("Call-back corrected"),
    "callback.rates_confirmed": gettext_lazy("Call-back rates confirmed"),
    "callback.survey_confirmed": gettext_lazy("Enterprise survey figure confirmed"),
    "callback.complaint_closure_recorded": gettext_lazy("Complaint closure recorded"),
    "callback.months_confirmed": gettext_lazy("Months in operation confirmed"),
}


def _require_callback_work(audit):
    if audit.kind not in CALLBACK_KINDS:
        raise CertifyError(_("Customer call-backs belong to on-site and surveillance audits."))
    if audit.status not in CALLBACK_OPEN:
        raise InvalidTransition(_("The audit is no longer open for call-backs."))


def _require_team(actor, audit):
    if not audit.team.filter(auditor=actor).exists():
        raise NotAllowed(_("Only the audit's team may do this."))


def _calls_recorded(customer_list):
    return CallBack.objects.filter(row__customer_list=customer_list).exists()


# --- the customer list ---------------------------------------------------------------


def customer_list_upload(*, actor, audit, upload):
    """The applicant uploads (or replaces) the customer list.

    The file is checked by its bytes (CSV or XLSX) and stored; every row is
    kept — good rows with their position in uploaded order, bad rows with
    their row number and problems. A large file is stored as being read and
    read by a background task (`customer_list_read`), so no request spends
    long on it. Replacing is refused once a call is recorded; uploading the
    same file again changes nothing. Raises CertifyError with what to fix.
    """
    try:
        kind = validate_upload(upload, kinds=LIST_KINDS)
    except ValidationError as exc:
        raise CertifyError(" ".join(exc.messages)) from exc
    if not isinstance(upload, File):
        upload = File(upload, name=getattr(upload, "name", None) or "customers")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    digest = hashlib.sha256(data).hexdigest()
    try:
        callbacks.check_size(data, kind)
        in_background = callbacks.reads_slowly(data, kind)
        parsed = None if in_background else callbacks.parse_customer_list(data, kind, settings.CUSTOMER_LIST_MAX_ROWS)
    except callbacks.CustomerListError as exc:
        raise CertifyError(str(exc.message)) from exc
    with uploads.atomic():
        audit = _locked_audit(audit)
        if not is_member(actor, audit.case.organisation_id):
            raise NotAllowed(_("Only the organisation's members upload its customer list."))
        _require_callback_work(audit)
        existing = CustomerList.objects.select_for_update().filter(audit=audit).first()
        if existing is not None:
            if existing.sha256 == digest:
                if existing.status == CustomerList.Status.UNREADABLE:
                    raise CertifyError(existing.problem)
                return existing
            if _calls_recorded(existing):
                raise InvalidTransition(
                    _("Calls have already been made from this list; it can no longer be replaced.")
                )
            old_file = existing.file
            existing.rows.all().delete()
            customer_list = existing
            customer_list.sample_size = customer_list.sample_seed = None
            customer_list.sampled_at = customer_list.sampled_by = None
        else:
            old_file = None
            customer_list = CustomerList(audit=audit)
        customer_list.file = upload
        customer_list.original_name = (getattr(upload, "name", "") or "customers")[:255]
        customer_list.kind = kind
        customer_list.sha256 = digest
        customer_list.uploaded_at = timezone.now()
        customer_list.uploaded_by = actor
        data = {"name": customer_list.original_name, "replaced": old_file is not None}
        if parsed is None:
            customer_list.status = CustomerList.Status.READING
            customer_list.problem = customer_list.encoding = ""
            customer_list.good_rows = customer_list.bad_rows = 0
            customer_list.save()
            enqueue("audits.tasks.customer_list_read", customer_list.pk, digest)
            data["reading"] = True
        else:
            _rows_store(customer_list, parsed)
            data.update(good=customer_list.good_rows, bad=customer_list.bad_rows)
        event_record(actor=actor, obj=audit, verb="callback.list_uploaded", data=data)
        if old_file and old_file.name != customer_list.file.name:
            uploads.delete_on_commit(old_file)
    return customer_list


def _rows_store(customer_list, parsed):
    """Save the list as read, with every row of `parsed`."""
    customer_list.status = CustomerList.Status.READY
    customer_list.problem = ""
    customer_list.encoding = parsed.encoding
    customer_list.good_rows = sum(1 for row in parsed.rows if row.is_good)
    customer_list.bad_rows = len(parsed.rows) - customer_list.good_rows
    customer_list.save()
    position = 0
    rows = []
    for row in parsed.rows:
        if row.is_good:
            position += 1
        rows.append(
            CustomerRow(
                customer_list=customer_list,
                row_number=row.row_number,
                position=position if row.is_good else None,
                name=row.name,
                contact=row.contact,
                product=row.product,
                service_date=row.service_date,
                service_date_text=row.service_date_text,
                problems=list(row.problems),
            )
        )
    CustomerRow.objects.bulk_create(rows, batch_size=500)


def _reading(list_id, sha256):
    return CustomerList.objects.filter(pk=list_id, sha256=sha256, status=CustomerList.Status.READING)


def customer_list_read(*, list_id, sha256):
    """Read a large list stored by `customer_list_upload` (its background
    task). Idempotent: a list already read, or replaced by another file
    since, is left alone. A file that cannot be read is marked so, with the
    reason in the uploader's language, and the uploader is told."""
    customer_list = _reading(list_id, sha256).select_related("uploaded_by").first()
    if customer_list is None:
        return
    try:
        with customer_list.file.open("rb") as stream:
            data = stream.read()
    except FileNotFoundError:
        if _reading(list_id, sha256).exists():
            raise
        return  # replaced (and its file deleted) since it was looked up
    uploader = customer_list.uploaded_by
    with translation.override(uploader.language or settings.LANGUAGE_CODE):
        try:
            parsed = callbacks.parse_customer_list(data, customer_list.kind, settings.CUSTOMER_LIST_MAX_ROWS)
            problem = ""
        except callbacks.CustomerListError as exc:
            parsed, problem = None, str(exc.message)
    with transaction.atomic():
        # The audit first, then the list: the order an upload locks them in.
        audit = Audit.objects.select_for_update().select_related("case").get(pk=customer_list.audit_id)
        customer_list = _reading(list_id, sha256).select_for_update().first()
        if customer_list is None:
            return
        if parsed is not None:
            _rows_store(customer_list, parsed)
            event_record(
                actor=None,
                obj=audit,
                verb="callback.list_read",
                data={"good": customer_list.good_rows, "bad": customer_list.bad_rows},
            )
            return
        customer_list.status = CustomerList.Status.UNREADABLE
        customer_list.problem = problem
        customer_list.save(update_fields=["status", "problem"])
        event_record(actor=None, obj=audit, verb="callback.list_unreadable", data={"problem": problem})
        notify(
            [uploader],
            template="customer_list_unreadable",
            context={"audit": audit, "case": audit.case, "customer_list": customer_list},
            url=reverse("audits:callbacks", args=[audit.public_id]),
        )


# --- the sample ----------------------------------------------------------------------


def callback_sample_draw(*, actor, audit, size, redraw=False):
    """The lead draws the sample: `size` (10 to 20) of the good rows, all of
    them when there are fewer, with a new random seed that is stored.

    Drawing again with the same size is a no-op unless `redraw`; any redraw
    is refused once a call is recorded.
    """
    if not callbacks.SAMPLE_MIN <= size <= callbacks.SAMPLE_MAX:
        raise CertifyError(
            _("The sample is between %(min)s and %(max)s customers.")
            % {"min": callbacks.SAMPLE_MIN, "max": callbacks.SAMPLE_MAX}
        )
    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_lead(actor, audit)
        _require_callback_work(audit)
        customer_list = CustomerList.objects.select_for_update().filter(audit=audit).first()
        if customer_list is None:
            raise CertifyError(_("The applicant has not uploaded the customer list yet."))
        if customer_list.status == CustomerList.Status.READING:
            raise CertifyError(_("The customer list is still being read; draw the sample in a moment."))
        if customer_list.status == CustomerList.Status.UNREADABLE:
            raise CertifyError(_("The customer list cannot be read; ask the applicant to upload a corrected list."))
        if customer_list.is_sampled:
            if customer_list.sample_size == size and not redraw:
                return customer_list
            if _calls_recorded(customer_list):
                raise InvalidTransition(_("Calls have already been made from this sample; it cannot be redrawn."))
        positions = list(
            CustomerRow.objects.filter(customer_list=customer_list, position__isnull=False)
            .order_by("position")
            .values_list("position", flat=True)
        )
        if not positions:
            raise CertifyError(_("The list has no usable rows; ask the applicant to upload a corrected list."))
        seed = callbacks.new_seed()
        drawn = callbacks.sample_positions(positions, size, seed)
        CustomerRow.objects.filter(customer_list=customer_list, sample_rank__isnull=False).update(sample_rank=None)
        rows = {
            row.position: row
            for row in CustomerRow.objects.filter(customer_list=customer_list, position__in=drawn)
        }
        for rank, position in enumerate(drawn, start=1):
            rows[position].sample_rank = rank
        CustomerRow.objects.bulk_update(rows.values(), ["sample_rank"])
        customer_list.sample_size = size
        customer_list.sample_seed = seed
        customer_list.sampled_at = timezone.now()
        customer_list.sampled_by = actor
        customer_list.save(update_fields=["sample_size", "sample_seed", "sampled_at", "sampled_by"])
        event_record(
            actor=actor,
            obj=audit,
            verb="callback.sample_drawn",
            data={"size": size, "drawn": len(drawn), "seed": str(seed), "positions": drawn},
        )
    return customer_list


# --- the calls -----------------------------------------------------------------------


def callback_record(*, actor, audit, row_id, reached, satisfaction=None, resolved_first_contact=None, remarks=""):
    """A team member records (or corrects) the call to a sampled customer.

    When reached, satisfaction (1 to 5) and whether the matter was resolved
    at first contact are required; when not reached they are not recorded.
    """
    remarks = (remarks or "").strip()
    if reached:
        if satisfaction is None or not 1 <= int(satisfaction) <= 5:
            raise CertifyError(_("Give the customer's satisfaction from 1 to 5."))
        if resolved_first_contact is None:
            raise CertifyError(_("Say whether the matter was resolved at first contact."))
        satisfaction = int(satisfaction)
    else:
        satisfaction = resolved_first_contact = None
    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_team(actor, audit)
        _require_callback_work(audit)
        row = (
            CustomerRow.objects.select_related("call")
            .filter(pk=row_id, customer_list__audit=audit, sample_rank__isnull=False)
            .first()
        )
        if row is None:
            raise CertifyError(_("This customer is not in the audit's sample."))
        values = {
            "reached": bool(reached),
            "satisfaction": satisfaction,
            "resolved_first_contact": resolved_first_contact,
            "remarks": remarks,
        }
        call = getattr(row, "call", None)
        if call is not None and all(getattr(call, key) == value for key, value in values.items()):
            return call
        verb = "callback.recorded" if call is None else "callback.corrected"
        if call is None:
            call = CallBack(row=row)
        for key, value in values.items():
            setattr(call, key, value)
        call.recorded_at = timezone.now()
        call.recorded_by = actor
        call.save()
        event_record(
            actor=actor,
            obj=audit,
            verb=verb,
            data={
                "rank": row.sample_rank,
                "reached": call.reached,
                "satisfaction": call.satisfaction,
                "resolved_first_contact": call.resolved_first_contact,
            },
        )
    return call


# --- metrics into the score sheet ----------------------------------------------------


def _locked_sheet_audit(actor, audit):
    audit = _locked_audit(audit)
    _require_lead(actor, audit)
    _require_callback_work(audit)
    if audit.sheet_id is None:
        raise CertifyError(_("Start the on-site audit first: the score sheet is created when it starts."))
    return audit


def _unchanged(sheet, metric, **values):
    current = Metric.objects.filter(sheet=sheet, metric=metric).first()
    return current is not None and all(getattr(current, key) == value for key, value in values.items())


def callback_rates_confirm(*, actor, audit):
    """The lead puts the call-back rates into the score sheet: satisfaction
    and first-time resolution, source call-backs, sample size = customers
    reached, period = their dates of service. Every sampled customer must
    have been called and at least one reached."""
    with transaction.atomic():
        audit = _locked_sheet_audit(actor, audit)
        rows = callback_calls(audit)
        if not rows:
            raise CertifyError(_("Draw the sample and call the customers first."))
        missing = sum(1 for row in rows if getattr(row, "call", None) is None)
        if missing:
            raise CertifyError(
                _("%(count)s sampled customer(s) have no call recorded yet.") % {"count": missing}
            )
        rates = callbacks.callback_rates(
            callbacks.Call(row.call.reached, row.call.satisfaction, row.call.resolved_first_contact)
            for row in rows
        )
        if not rates.reached:
            raise CertifyError(_("No customer was reached: the rates cannot be computed."))
        dates = [row.service_date for row in rows if row.call.reached]
        common = {
            "source": Metric.Source.CALL_BACKS,
            "sample_size": rates.reached,
            "period_start": min(dates),
            "period_end": max(dates),
        }
        figures = {
            Gate.Metric.CUSTOMER_SATISFACTION: rates.satisfaction,
            Gate.Metric.FIRST_TIME_RESOLUTION: rates.first_time_resolution,
        }
        if all(_unchanged(audit.sheet, metric, value=value, **common) for metric, value in figures.items()):
            return rates
        note = _("%(calls)s calls, %(reached)s reached, %(unreached)s not reached.") % {
            "calls": rates.calls,
            "reached": rates.reached,
            "unreached": rates.unreached,
        }
        for metric, value in figures.items():
            metric_set(actor=actor, sheet=audit.sheet, metric=metric, value=value, note=note, **common)
        event_record(
            actor=actor,
            obj=audit,
            verb="callback.rates_confirmed",
            data={
                "satisfaction": str(rates.satisfaction),
                "first_time_resolution": str(rates.first_time_resolution),
                "calls": rates.calls,
                "reached": rates.reached,
                "unreached": rates.unreached,
            },
        )
    return rates


def callback_survey_confirm(*, actor, audit, metric, value, sample_size, period_start, period_end, note=""):
    """Instead of the call-back rate, the lead confirms the enterprise's own
    survey figure for satisfaction or first-time resolution (source
    enterprise survey, with its sample size and period)."""
    if metric not in RATE_METRICS:
        raise CertifyError(_("Choose satisfaction or first-time resolution."))
    if not sample_size or sample_size < 1:
        raise CertifyError(_("Give the survey's sample size."))
    if period_start is None or period_end is None:
        raise CertifyError(_("Give the period the survey covers."))
    with transaction.atomic():
        audit = _locked_sheet_audit(actor, audit)
        values = {
            "value": value,
            "source": Metric.Source.ENTERPRISE_SURVEY,
            "sample_size": sample_size,
            "period_start": period_start,
            "period_end": period_end,
            "note": (note or "").strip(),
        }
        if _unchanged(audit.sheet, metric, **values):
            return Metric.objects.get(sheet=audit.sheet, metric=metric)
        metric_row = metric_set(actor=actor, sheet=audit.sheet, metric=metric, **values)
        event_record(
            actor=actor,
            obj=audit,
            verb="callback.survey_confirmed",
            note=values["note"],
            data={"metric": metric, "value": str(metric_row.value), "sample_size": sample_size},
        )
    return metric_row


def complaint_closure_record(*, actor, audit, received, closed, period_start, period_end, note=""):
    """Complaint closure from the enterprise's complaint records: closed ÷
    received × 100 (rounded half-up to two decimals), source complaint
    records, sample size = complaints received."""
    if received is None or received < 1:
        raise CertifyError(
            _("Give the number of complaints received (at least one); with none, the rate cannot be computed.")
        )
    if closed is None or not 0 <= closed <= received:
        raise CertifyError(_("Closed complaints are between 0 and the number received."))
    if period_start is None or period_end is None:
        raise CertifyError(_("Give the period of the complaint records."))
    value = callbacks.percentage(closed, received)
    with transaction.atomic():
        audit = _locked_sheet_audit(actor, audit)
        values = {
            "value": value,
            "source": Metric.Source.COMPLAINT_RECORDS,
            "sample_size": received,
            "period_start": period_start,
            "period_end": period_end,
            "note": (note or "").strip()
            or _("%(closed)s of %(received)s complaints closed.") % {"closed": closed, "received": received},
        }
        if _unchanged(audit.sheet, Gate.Metric.COMPLAINT_CLOSURE, **values):
            return Metric.objects.get(sheet=audit.sheet, metric=Gate.Metric.COMPLAINT_CLOSURE)
        metric_row = metric_set(actor=actor, sheet=audit.sheet, metric=Gate.Metric.COMPLAINT_CLOSURE, **values)
        event_record(
            actor=actor,
            obj=audit,
            verb="callback.complaint_closure_recorded",
            data={"received": received, "closed": closed, "value": str(value)},
        )
    return metric_row


def months_in_operation_confirm(*, actor, audit, on=None):
    """months_in_operation from the organisation's profile (the date its
    service system started), as of `on` (today by default)."""
    with transaction.atomic():
        audit = _locked_sheet_audit(actor, audit)
        organisation = audit.case.organisation
        on = on or timezone.localdate()
        months = months_in_operation(organisation, on=on)
        if months is None:
            raise CertifyError(
                _("The organisation's profile has no date when its service system started; ask the applicant to add it.")
            )
        values = {
            "value": months,
            "source": Metric.Source.ORGANISATION_PROFILE,
            "sample_size": None,
            "period_start": organisation.service_started_on,
            "period_end": on,
        }
        if _unchanged(audit.sheet, Gate.Metric.MONTHS_IN_OPERATION, **values):
            return Metric.objects.get(sheet=audit.sheet, metric=Gate.Metric.MONTHS_IN_OPERATION)
        metric_row = metric_set(actor=actor, sheet=audit.sheet, metric=Gate.Metric.MONTHS_IN_OPERATION, **values)
        event_record(actor=actor, obj=audit, verb="callback.months_confirmed", data={"months": months})
    return metric_row

