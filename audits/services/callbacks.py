"""Writes of the customer call-backs: the lead's sample, the team's calls,
and the metrics the lead confirms into the audit's score sheet (call-back
rates or the enterprise's own survey, complaint closure, months in
operation).

Each service takes the acting user and keyword arguments, locks the audit
(refusing a withdrawn case's audits), checks the actor and the state, and
writes one event on the audit; repeating the same action changes nothing
and writes no second event.
"""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.selectors.organisation import months_in_operation
from audits import callbacks
from audits.models import CallBack, CustomerList, CustomerRow
from audits.selectors.callbacks import callback_calls
from audits.services._base import (
    RATE_METRICS,
    audit_locked,
    calls_recorded,
    require_callback_work,
    require_lead,
    require_team,
)
from audits.verbs import Verb
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from scoring.models import Gate, Metric
from scoring.services import metric_set


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
        audit = audit_locked(audit)
        require_lead(actor, audit)
        require_callback_work(audit)
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
            if calls_recorded(customer_list):
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
            verb=Verb.CALLBACK_SAMPLE_DRAWN,
            data={"size": size, "drawn": len(drawn), "seed": str(seed), "positions": drawn},
        )
    return customer_list


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
        audit = audit_locked(audit)
        require_team(actor, audit)
        require_callback_work(audit)
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
        verb = Verb.CALLBACK_RECORDED if call is None else Verb.CALLBACK_CORRECTED
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


def _locked_sheet_audit(actor, audit):
    audit = audit_locked(audit)
    require_lead(actor, audit)
    require_callback_work(audit)
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
            verb=Verb.CALLBACK_RATES_CONFIRMED,
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
            verb=Verb.CALLBACK_SURVEY_CONFIRMED,
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
            verb=Verb.CALLBACK_COMPLAINT_CLOSURE_RECORDED,
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
        event_record(actor=actor, obj=audit, verb=Verb.CALLBACK_MONTHS_CONFIRMED, data={"months": months})
    return metric_row

