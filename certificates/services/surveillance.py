"""Surveillance of issued certificates: the daily sweep that creates each
year's surveillance audit, reminds, flags overdue surveillances and
proposes suspension; and the outcome a manager records (DESIGN.md "The
certificate"; DOMAIN.md 5.3, 5.7)."""

from datetime import timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit
from audits.services import audit_plan_surveillance
from certificates import services
from certificates.models import Certificate, Surveillance
from certificates.verbs import Verb
from certify import transitions
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from certify.jobs import each_of
from certify.notifications import notify
from certify.permissions import require_manager
from certify.selectors import active_managers
from scoring.selectors import process_settings_get

# Days before the due date on which the holder is reminded, most urgent last.
REMINDER_DAYS = (60, 30, 7)
# How long before the due date the proposed audit dates lie.
PROPOSED_AUDIT_DAYS_BEFORE_DUE = 14


def _locked(surveillance):
    return (
        # Only this row is locked: the audit is an outer join.
        Surveillance.objects.select_for_update(of=("self",))
        .select_related("certificate__case__version", "audit")
        .get(pk=surveillance.pk)
    )


def _audit_create(surveillance, actor):
    certificate = surveillance.certificate
    start = max(surveillance.due_on - timedelta(days=PROPOSED_AUDIT_DAYS_BEFORE_DUE), timezone.localdate())
    surveillance.audit = audit_plan_surveillance(
        actor=actor, case=certificate.case, planned_start=start, planned_end=start
    )
    surveillance.save(update_fields=["audit"])
    event_record(
        actor=actor,
        obj=certificate,
        verb=Verb.SURVEILLANCE_AUDIT_CREATED,
        data={"surveillance": surveillance.number, "due": surveillance.due_on.isoformat()},
    )
    notify(
        list(active_managers()),
        template="surveillance_audit_created",
        context={"surveillance": surveillance, "certificate": certificate},
        url=services.certificate_url(certificate),
    )


def surveillance_audit_create(*, actor, surveillance):
    """A manager creates the surveillance audit before the daily job would."""
    require_manager(actor)
    with transaction.atomic():
        surveillance = _locked(surveillance)
        if surveillance.audit_id:
            return surveillance
        if not surveillance.is_open or not surveillance.certificate.is_current:
            raise InvalidTransition(_("This surveillance is closed."))
        _audit_create(surveillance, actor)
    return surveillance


def _sweep_one(pk, today):
    """Bring one open surveillance up to date; each step happens once."""
    with transaction.atomic():
        surveillance = (
            Surveillance.objects.select_for_update(of=("self",))
            .select_related("certificate__case__version", "audit")
            .get(pk=pk)
        )
        certificate = surveillance.certificate
        if not surveillance.is_open or not certificate.is_current:
            return
        settings = process_settings_get(certificate.case.version)
        url = services.certificate_url(certificate)
        if surveillance.audit_id is None and today >= surveillance.due_on - timedelta(days=settings.surveillance_lead_days):
            _audit_create(surveillance, None)
        days_left = (surveillance.due_on - today).days
        due_reminders = [days for days in REMINDER_DAYS if 0 <= days_left <= days and days not in surveillance.reminders_sent]
        if due_reminders:
            # Only the most urgent one goes out; the earlier ones are past.
            surveillance.reminders_sent = sorted(set(surveillance.reminders_sent) | set(due_reminders), reverse=True)
            surveillance.save(update_fields=["reminders_sent"])
            notify(
                services.holders(certificate),
                template="surveillance_reminder",
                context={"surveillance": surveillance, "certificate": certificate, "days": days_left},
                url=url,
            )
        if today > surveillance.due_on and surveillance.overdue_at is None:
            surveillance.overdue_at = timezone.now()
            surveillance.save(update_fields=["overdue_at"])
            event_record(actor=None, obj=certificate, verb=Verb.SURVEILLANCE_OVERDUE, data={"surveillance": surveillance.number})
            notify(list(active_managers()), template="surveillance_overdue", context={"surveillance": surveillance, "certificate": certificate}, url=url)
        grace_end = surveillance.due_on + relativedelta(months=settings.grace_months)
        if today > grace_end and certificate.status == Certificate.Status.ACTIVE:
            if surveillance.suspension_candidate_at is None:
                surveillance.suspension_candidate_at = timezone.now()
                surveillance.save(update_fields=["suspension_candidate_at"])
                event_record(
                    actor=None, obj=certificate, verb=Verb.SURVEILLANCE_SUSPENSION_CANDIDATE, data={"surveillance": surveillance.number}
                )
            if surveillance.managers_reminded_on != today:
                # Daily until a manager acts (suspension is a person's decision).
                surveillance.managers_reminded_on = today
                surveillance.save(update_fields=["managers_reminded_on"])
                notify(
                    list(active_managers()),
                    template="surveillance_suspension_candidate",
                    context={"surveillance": surveillance, "certificate": certificate, "grace_end": grace_end},
                    url=url,
                )


def surveillances_sweep(*, today=None):
    """The daily job. Run twice on a day, it changes nothing the second time."""
    today = today or timezone.localdate()
    # A year ahead covers the earliest step, the audit's creation.
    horizon = today + timedelta(days=366)
    pending = Surveillance.objects.filter(
        outcome="", certificate__status__in=Certificate.CURRENT, due_on__lte=horizon
    ).values_list("pk", flat=True)
    # One broken row must not hold up every other certificate's reminders.
    each_of((f"surveillance {pk}", partial(_sweep_one, pk, today)) for pk in list(pending))


OUTCOMES_NEEDING_REPORT = {Surveillance.Outcome.MAINTAINED, Surveillance.Outcome.LEVEL_LOWERED}


def surveillance_outcome_record(*, actor, surveillance, outcome, note="", reason_code=None, level_code=None):
    """A manager closes a surveillance: maintained or level lowered (after the
    surveillance audit's report), suspended or withdrawn (with a reason
    code; also without an audit, e.g. when it could not be held)."""
    require_manager(actor)
    note = (note or "").strip()
    with transaction.atomic():
        surveillance = _locked(surveillance)
        if surveillance.outcome and surveillance.outcome == outcome:
            return surveillance
        if not surveillance.outcome and outcome not in Surveillance.Outcome.values:
            raise CertifyError(_("Choose an outcome."))
        transitions.require_allowed(surveillance, outcome)
        earlier = (
            Surveillance.objects.filter(certificate_id=surveillance.certificate_id, outcome="", number__lt=surveillance.number)
            .order_by("number")
            .first()
        )
        if earlier is not None:
            raise InvalidTransition(
                _("Record the outcome of surveillance %(number)s first.") % {"number": earlier.number}
            )
        certificate = surveillance.certificate
        if outcome in OUTCOMES_NEEDING_REPORT:
            # Maintaining or lowering is a decision on certification: never
            # by an auditor of the case, the surveillance audit's included.
            services.require_impartial_decider(actor, certificate.case)
            audit = surveillance.audit
            if audit is None or audit.status not in (Audit.Status.REPORT_SUBMITTED, Audit.Status.CLOSED):
                raise CertifyError(_("The surveillance audit's report is needed first."))
        if outcome == Surveillance.Outcome.MAINTAINED:
            if certificate.status != Certificate.Status.ACTIVE:
                raise InvalidTransition(_("A suspended certificate is reinstated, not maintained."))
        elif outcome == Surveillance.Outcome.LEVEL_LOWERED:
            certificate = services.certificate_revise(
                actor=actor, certificate=certificate, reason_code=reason_code, note=note, level_code=level_code
            )
        elif outcome == Surveillance.Outcome.SUSPENDED:
            certificate = services.certificate_suspend(actor=actor, certificate=certificate, reason_code=reason_code, note=note)
        else:
            certificate = services.certificate_withdraw(actor=actor, certificate=certificate, reason_code=reason_code, note=note)
        transitions.apply(
            surveillance,
            outcome,
            actor=actor,
            verb=Verb.SURVEILLANCE_OUTCOME_RECORDED,
            note=note,
            data={"surveillance": surveillance.number, "outcome": outcome},
            changes={"outcome_note": note, "outcome_at": timezone.now(), "outcome_by": actor},
            told_in=certificate,
        )
        if outcome in OUTCOMES_NEEDING_REPORT:
            certificate.last_surveillance_on = timezone.localdate()
            # Saved, not updated in bulk: the public verification's cache
            # forgets a certificate on its save.
            certificate.save(update_fields=["last_surveillance_on"])
        if outcome == Surveillance.Outcome.MAINTAINED:
            notify(
                services.holders(certificate),
                template="surveillance_maintained",
                context={"certificate": certificate, "surveillance": surveillance},
                url=services.certificate_url(certificate),
            )
    return surveillance
