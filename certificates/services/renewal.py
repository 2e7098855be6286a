"""Renewal and the other dates of a certificate's life: the renewal window
and its notices, the application for renewal (a renewal case prefilled from
the certificate), the suspension limit, and the daily job that runs every
sweep (DESIGN.md "The certificate"; DOMAIN.md 5.3, 5.7)."""

from functools import partial

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from applications.models import Case
from applications.services import case_create
from certificates import services
from certificates.models import Certificate, Renewal
from certificates.selectors.certificate import renewal_refusal, renewal_window_opens
from certificates.services.surveillance import surveillances_sweep
from certificates.verbs import Verb
from certify.events import event_record
from certify.exceptions import InvalidTransition
from certify.jobs import each_of
from certify.notifications import notify
from certify.selectors import active_managers
from scoring.selectors import scheme_version_latest_published

# A reminder this many days before expiry when no renewal was applied for.
RENEWAL_REMINDER_DAYS = 30
# Renewal cases that ended without a certificate: the holder may apply again.
ENDED = {Case.Status.REJECTED, Case.Status.WITHDRAWN, Case.Status.NOT_CERTIFIED}


def renewal_open_case(certificate):
    """The renewal case under way for this certificate or for a revision of
    it in the same cycle, if any."""
    return (
        Renewal.objects.filter(
            certificate__base_number=certificate.base_number, certificate__cycle=certificate.cycle
        )
        .exclude(case__status__in=ENDED)
        .select_related("case")
        .first()
    )


def renewal_apply(*, actor, certificate, today=None):
    """A member of the holder applies for renewal, within the window and
    before expiry: a renewal case, prefilled from the certificate."""
    today = today or timezone.localdate()
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("case__version").get(pk=certificate.pk)
        refusal = renewal_refusal(certificate, today)
        if refusal:
            raise InvalidTransition(refusal)
        existing = renewal_open_case(certificate)
        if existing is not None:
            return existing.case
        version = scheme_version_latest_published(certificate.scheme_code) or certificate.case.version
        levels = list(version.levels.order_by("position", "id").values_list("code", flat=True))
        previous = certificate.case
        case = case_create(
            actor=actor,
            organisation=certificate.organisation,
            version=version,
            kind=Case.Kind.RENEWAL,
            target_level=certificate.level_code if certificate.level_code in levels else levels[0],
            scope=certificate.scope,
            outlets=list(previous.scope_outlets.all()),
            categories=list(previous.scope_categories.all()),
        )
        Renewal.objects.create(certificate=certificate, case=case)
        event_record(actor=actor, obj=certificate, verb=Verb.CERTIFICATE_RENEWAL_APPLIED, data={"case": case.reference})
    return case


def renewal_window_sweep(*, today=None):
    """Tell holders when the renewal window opens and, without a renewal
    applied for, again shortly before expiry. Each notice goes out once."""
    today = today or timezone.localdate()
    sent = 0
    candidates = Certificate.objects.filter(
        status__in=Certificate.CURRENT, expires_on__gte=today, expires_on__lte=today + relativedelta(months=12)
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().select_related("case__version").get(pk=pk)
            if renewal_refusal(certificate, today) or renewal_open_case(certificate) is not None:
                continue
            notices = ["open"] + ([RENEWAL_REMINDER_DAYS] if (certificate.expires_on - today).days <= RENEWAL_REMINDER_DAYS else [])
            new = [notice for notice in notices if notice not in certificate.renewal_notices]
            if not new:
                continue
            certificate.renewal_notices = [*certificate.renewal_notices, *new]
            certificate.save(update_fields=["renewal_notices"])
            if "open" in new:
                event_record(actor=None, obj=certificate, verb=Verb.CERTIFICATE_RENEWAL_WINDOW_OPENED)
            notify(
                services.holders(certificate),
                template="certificate_renewal_window",
                context={"certificate": certificate, "opens": renewal_window_opens(certificate)},
                url=services.certificate_url(certificate),
            )
            sent += 1
    return sent


def suspensions_over_limit_sweep(*, today=None):
    """A suspension that reached the scheme's longest length: the managers
    are told once that withdrawal is proposed."""
    today = today or timezone.localdate()
    proposed = 0
    due = Certificate.objects.filter(
        status=Certificate.Status.SUSPENDED, suspended_until__lt=today, withdrawal_proposed_at__isnull=True
    ).values_list("pk", flat=True)
    managers = list(active_managers())
    for pk in list(due):
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().get(pk=pk)
            if certificate.status != Certificate.Status.SUSPENDED or certificate.withdrawal_proposed_at:
                continue
            certificate.withdrawal_proposed_at = timezone.now()
            certificate.save(update_fields=["withdrawal_proposed_at"])
            event_record(actor=None, obj=certificate, verb=Verb.CERTIFICATE_WITHDRAWAL_PROPOSED)
            notify(
                managers,
                template="certificate_withdrawal_proposed",
                context={"certificate": certificate},
                url=services.certificate_url(certificate),
            )
            proposed += 1
    return proposed


def certificates_daily(*, today=None):
    """Every daily sweep of the certificates app, in order; idempotent."""
    today = today or timezone.localdate()
    sweeps = (surveillances_sweep, renewal_window_sweep, suspensions_over_limit_sweep, services.certificates_expire)
    # Each sweep on its own: a failure in one still lets the others run.
    each_of((sweep.__name__, partial(sweep, today=today)) for sweep in sweeps)
