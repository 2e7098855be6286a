"""The decision on a case and the certificate it issues (DESIGN.md "The
certificate"): impartiality, the level, the number, the surveillance
schedule, and a renewal's certificate superseding the one it renews.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case
from applications.services import case_decide
from certificates.models import (
    Certificate,
    Decision,
    Renewal,
    Surveillance,
)
from certificates.selectors.certificate import decision_basis
from certificates.services._base import (
    body_snapshot,
    certificate_locked,
    certificate_url,
    create_numbered,
    holders,
    require_impartial_decider,
    sites_snapshot,
    status_move,
)
from certificates.verbs import Verb
from certify import transitions
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from certify.notifications import notify
from certify.outbox import enqueue
from scoring.selectors import process_settings_get


def decision_record(*, actor, case, outcome, level_code="", reason=""):
    """A manager who audited none of the case decides: certified at a level
    no higher than the one allowed (lower only with a reason), or not
    certified (reason required). Certified issues the certificate at once."""
    require_impartial_decider(actor, case)
    reason = (reason or "").strip()
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("organisation", "version__scheme").get(pk=case.pk)
        if hasattr(case, "decision"):
            existing = case.decision
            if existing.outcome == outcome and existing.level_code == (level_code or ""):
                transitions.already_moved(case, existing.outcome)
                return existing
            raise InvalidTransition(
                _("%(name)s decided this application at %(time)s; your decision was not recorded.")
                % {
                    "name": existing.decided_by.full_name,
                    "time": timezone.localtime(existing.decided_at).strftime("%Y-%m-%d %H:%M"),
                }
            )
        if case.status != Case.Status.DECISION_PENDING:
            raise InvalidTransition(
                _("A decision is made when the application is “%(pending)s”; it is “%(status)s”.")
                % {"pending": Case.Status.DECISION_PENDING.label, "status": case.get_status_display()}
            )
        basis = decision_basis(case)
        if basis.sheet is None:
            raise CertifyError(_("The application has no submitted final score to decide on."))
        if outcome == Decision.Outcome.NOT_CERTIFIED:
            if not reason:
                raise CertifyError(_("Give the reason for not certifying."))
            level_code = ""
        elif outcome == Decision.Outcome.CERTIFIED:
            allowed = [level.code for level in basis.allowed_levels]
            if not allowed:
                raise CertifyError(_("The final score reaches no level, so the application cannot be certified."))
            if level_code not in allowed:
                raise CertifyError(
                    _("Choose one of the levels the decision allows: %(levels)s.")
                    % {"levels": "、".join(basis.level_name(code) for code in allowed)}
                )
            if level_code != allowed[-1] and not reason:
                raise CertifyError(
                    _("Give the reason for granting a lower level than %(level)s.")
                    % {"level": basis.level_name(allowed[-1])}
                )
        else:
            raise CertifyError(_("Choose certified or not certified."))

        renewed = renewed_certificate(case) if outcome == Decision.Outcome.CERTIFIED else None
        if renewed is not None and renewed.status in (Certificate.Status.WITHDRAWN, Certificate.Status.CANCELLED):
            raise InvalidTransition(
                _("Certificate %(number)s, which this renewal renews, is “%(status)s”: it cannot be renewed, "
                  "so the organisation must apply anew.")
                % {"number": renewed.number, "status": renewed.get_status_display()}
            )
        decision = Decision.objects.create(
            case=case,
            outcome=outcome,
            level_code=level_code,
            sheet=basis.sheet,
            score=basis.sheet.score,
            scored_level_code=basis.sheet.level_code,
            recommendation=basis.recommendation,
            reason=reason,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        case_decide(actor=actor, case=case, decision=decision)
        if outcome == Decision.Outcome.CERTIFIED:
            _issue(actor=actor, case=case, decision=decision)
        else:
            notify(
                holders(case),
                template="case_not_certified",
                context={"case": case, "reason": reason},
                url=reverse("applications:case_detail", args=[case.public_id]),
            )
    return decision


def renewed_certificate(case):
    """The certificate a renewal case renews: the latest revision of the one
    it was applied for (a revision may have replaced it meanwhile)."""
    renewal = Renewal.objects.filter(case=case).select_related("certificate").first()
    if renewal is None:
        return None
    certificate = renewal.certificate
    while (successor := Certificate.objects.filter(predecessor=certificate).first()) is not None:
        certificate = successor
    return certificate


def surveillance_schedule(certificate, *, interval_months):
    """One surveillance per interval from issue while the certificate is valid."""
    due_dates = []
    due = certificate.issued_on + relativedelta(months=interval_months)
    while due < certificate.expires_on:
        due_dates.append(due)
        due = due + relativedelta(months=interval_months)
    Surveillance.objects.bulk_create(
        Surveillance(certificate=certificate, number=number, due_on=due_on)
        for number, due_on in enumerate(due_dates, start=1)
    )


def _supersede(old, *, by, actor):
    """The renewal's or revision's certificate replaces `old`."""
    old = certificate_locked(old)
    status_move(old, Certificate.Status.SUPERSEDED, actor=actor, verb=Verb.CERTIFICATE_SUPERSEDED, data={"by": by.number})


def _issue(*, actor, case, decision):
    """Create the certificate of a positive decision; a renewal's supersedes
    the certificate it renews (also when that one expired or was suspended
    meanwhile, as the renewal was applied for before expiry)."""
    version = case.version
    settings = process_settings_get(version)
    level = version.levels.get(code=decision.level_code)
    issued_on = timezone.localdate()
    organisation = case.organisation
    predecessor = renewed_certificate(case)
    cycle = predecessor.cycle + 1 if predecessor else 0
    certificate = create_numbered(
        version=version,
        cycle=cycle,
        case=case,
        decision=decision,
        organisation=organisation,
        predecessor=predecessor,
        holder_name=organisation.legal_name,
        holder_uscc=organisation.uscc,
        holder_address=organisation.address,
        scope=case.scope,
        scheme_code=version.scheme.code,
        scheme_name_zh=version.scheme.name_zh,
        scheme_name_en=version.scheme.name_en,
        scheme_version=version.number,
        level_code=level.code,
        level_name_zh=level.name_zh,
        level_name_en=level.name_en,
        body=body_snapshot(),
        sites=sites_snapshot(case),
        granted_on=issued_on,
        first_issued_on=predecessor.first_issued_on if predecessor else issued_on,
        issued_on=issued_on,
        valid_from=issued_on,
        expires_on=issued_on + relativedelta(years=settings.validity_years) - timedelta(days=1),
        created_by=actor,
    )
    surveillance_schedule(certificate, interval_months=settings.surveillance_interval_months)
    event_record(
        actor=actor,
        obj=certificate,
        verb=Verb.CERTIFICATE_ISSUED,
        to_state=certificate.status,
        data={
            "number": certificate.number,
            "level": level.code,
            "case": case.reference,
            **({"renews": predecessor.number} if predecessor else {}),
        },
    )
    if predecessor is not None:
        _supersede(predecessor, by=certificate, actor=actor)
    enqueue("certificates.tasks.certificate_render_pdf", certificate.pk)
    notify(
        holders(case),
        template="certificate_issued",
        context={"certificate": certificate},
        url=certificate_url(certificate),
    )
    return certificate

