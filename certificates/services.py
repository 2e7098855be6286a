"""Writes of the certificates app: the decision, issuance and the PDF, and
the certificate's status moves (DESIGN.md "The certificate").

Each transition checks the actor and the state, locks the row, consults
Certificate.ALLOWED_TRANSITIONS (a repeat is a no-op), writes one event and
notifies the holder; PDFs are rendered by a task after commit.
"""

import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case
from applications.selectors import organisation_members, was_member
from applications.services import case_decide
from audits.models import TeamMember
from certificates.models import (
    Certificate,
    Decision,
    NumberCounter,
    ReasonCode,
    Renewal,
    Surveillance,
)
from certificates.selectors import decision_basis
from certify import transitions
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.forms import certificate_number_sample
from certify.notifications import notify
from certify.outbox import enqueue
from certify.pdf import pdf_store_once
from certify.permissions import require_manager
from certify.selectors import body_profile_get
from scoring.selectors import process_settings_get

DEFAULT_NUMBER_TEMPLATE = "{cb_code}{yy}{scheme_code}{serial:05}R{cycle}"


def certificate_url(certificate):
    return reverse("certificates:certificate_detail", args=[certificate.public_id])


def holders(certificate_or_case):
    return organisation_members(certificate_or_case.organisation_id)


def was_on_audit_team(user, case):
    """Whether `user` was on any audit team of `case` (ISO/IEC 17065 7.5, 7.6)."""
    return TeamMember.objects.filter(audit__case=case, auditor=user).exists()


def require_impartial_decider(actor, case):
    require_manager(actor)
    if was_on_audit_team(actor, case):
        raise NotAllowed(
            _("You were on an audit team of this application, so another manager must decide.")
        )
    if was_member(actor, case.organisation_id):
        raise NotAllowed(
            _("You are or were a member of the certified organisation, so another manager must decide.")
        )


# --- Numbers --------------------------------------------------------------------


def _number_allocate(*, version, issued_on, cycle):
    """The next number for a scheme, year and cycle: the counter only grows,
    and a number already taken (e.g. after the template changed) is skipped."""
    body = body_profile_get()
    template = body.certificate_number_template or DEFAULT_NUMBER_TEMPLATE
    scheme = version.scheme
    values = {
        "cb_code": body.body_code or "000",
        "yy": f"{issued_on.year % 100:02d}",
        "yyyy": f"{issued_on.year}",
        "scheme_code": scheme.certificate_code or re.sub(r"[^A-Za-z0-9]", "", scheme.code)[:8],
        "cycle": cycle,
    }
    prefix = "|".join([values["cb_code"], values["yy"], values["scheme_code"]])
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(prefix=prefix)
    while True:
        counter.last_serial += 1
        try:
            number = certificate_number_sample(template, serial=counter.last_serial, **values)
        except ValidationError as exc:
            raise CertifyError(
                _("The certificate number template in the body's profile cannot be used: %(error)s")
                % {"error": " ".join(exc.messages)}
            ) from exc
        if not Certificate.objects.filter(number=number).exists():
            counter.save(update_fields=["last_serial"])
            return number


# --- The decision ---------------------------------------------------------------


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


# --- Issuance -------------------------------------------------------------------


def _body_snapshot():
    body = body_profile_get()
    return {
        "name_zh": body.name_zh,
        "name_en": body.name_en,
        "address_zh": body.address_zh,
        "address_en": body.address_en,
        "approval_number": body.approval_number,
        "signatory_name": body.signatory_name,
        "signatory_title": body.signatory_title,
        "phone": body.phone,
        "website": body.website,
    }


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


def _create_numbered(*, version, cycle, **fields):
    """Create the certificate with the next number. Numbers from counters of
    other prefixes may meet when the template ignores a prefix's fields: on
    a clash the insert is retried with the next number."""
    for _attempt in range(5):
        number = _number_allocate(version=version, issued_on=fields["issued_on"], cycle=cycle)
        try:
            with transaction.atomic():
                return Certificate.objects.create(number=number, base_number=number, cycle=cycle, **fields)
        except IntegrityError:
            continue
    raise CertifyError(_("No free certificate number was found; check the number template in the body's profile."))


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
    old = _locked(old)
    _move_with_reason(old, Certificate.Status.SUPERSEDED, actor=actor, verb="certificate.superseded", data={"by": by.number})


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
    certificate = _create_numbered(
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
        body=_body_snapshot(),
        granted_on=issued_on,
        issued_on=issued_on,
        expires_on=issued_on + relativedelta(years=settings.validity_years) - timedelta(days=1),
        created_by=actor,
    )
    surveillance_schedule(certificate, interval_months=settings.surveillance_interval_months)
    event_record(
        actor=actor,
        obj=certificate,
        verb="certificate.issued",
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


def certificate_revise(
    *, actor, certificate, reason_code, note="", level_code=None, scope=None, holder_name=None, holder_address=None
):
    """Reduce the scope, lower the level, or take the holder's new name or
    address (the same legal person: its code stays) on a valid certificate:
    a new revision (the number with a revision suffix) replaces it, with the
    same validity; the open surveillances move to the revision. A decision
    on certification, so never by an auditor of the case (ISO/IEC 17065 7.6)."""
    require_impartial_decider(actor, certificate.case)
    reason = _reason(ReasonCode.Action.REVISE, reason_code)
    note = (note or "").strip()
    with transaction.atomic():
        old = _locked(certificate)
        if old.status != Certificate.Status.ACTIVE:
            raise InvalidTransition(
                _("Only a valid certificate is revised; this one is “%(status)s”.") % {"status": old.get_status_display()}
            )
        levels = list(old.case.version.levels.order_by("position", "id"))
        codes = [level.code for level in levels]
        new_level = next((level for level in levels if level.code == (level_code or old.level_code)), None)
        if new_level is None:
            raise CertifyError(_("Choose a level of the certificate's scheme."))
        if old.level_code in codes and codes.index(new_level.code) > codes.index(old.level_code):
            raise CertifyError(_("A revision may lower the level, never raise it: a higher level needs an audit."))
        new_scope = (scope or "").strip() or old.scope
        new_name = (holder_name or "").strip() or old.holder_name
        new_address = (holder_address or "").strip() or old.holder_address
        if (new_level.code, new_scope, new_name, new_address) == (
            old.level_code,
            old.scope,
            old.holder_name,
            old.holder_address,
        ):
            raise CertifyError(
                _(
                    "Change the level, the scope, or the holder's name or address: "
                    "the revision would be the same as the certificate."
                )
            )
        revision = Certificate.objects.filter(base_number=old.base_number).count()
        successor = Certificate.objects.create(
            number=f"{old.base_number}-{revision}",
            base_number=old.base_number,
            revision=revision,
            cycle=old.cycle,
            case=old.case,
            decision=old.decision,
            organisation=old.organisation,
            predecessor=old,
            holder_name=new_name,
            holder_uscc=old.holder_uscc,
            holder_address=new_address,
            scope=new_scope,
            scheme_code=old.scheme_code,
            scheme_name_zh=old.scheme_name_zh,
            scheme_name_en=old.scheme_name_en,
            scheme_version=old.scheme_version,
            level_code=new_level.code,
            level_name_zh=new_level.name_zh,
            level_name_en=new_level.name_en,
            body=_body_snapshot(),
            granted_on=old.granted_on,
            issued_on=timezone.localdate(),
            expires_on=old.expires_on,
            last_surveillance_on=old.last_surveillance_on,
            status_reason=reason,
            status_note=note,
            created_by=actor,
        )
        Surveillance.objects.filter(certificate=old, outcome="").update(certificate=successor)
        event_record(
            actor=actor,
            obj=successor,
            verb="certificate.revised",
            to_state=successor.status,
            note=note,
            data={"reason": reason.code, "replaces": old.number, "level": new_level.code},
        )
        _move_with_reason(old, Certificate.Status.SUPERSEDED, actor=actor, verb="certificate.superseded", reason=reason, note=note,
              data={"by": successor.number})
        enqueue("certificates.tasks.certificate_render_pdf", successor.pk)
        notify(
            holders(old),
            template="certificate_revised",
            context={"certificate": successor, "old": old, "reason": reason, "note": note},
            url=certificate_url(successor),
        )
    return successor


def certificate_pdf_store(*, certificate_id, render):
    """Store a certificate's PDF once, with its SHA-256 and an event: an
    issued PDF is never re-rendered silently."""

    def rendered(certificate):
        certificate.pdf_rendered_at = timezone.now()
        event_record(
            actor=None, obj=certificate, verb="certificate.pdf_rendered", data={"sha256": certificate.pdf_sha256}
        )
        return ["pdf_rendered_at"]

    return pdf_store_once(
        Certificate,
        certificate_id,
        render=render,
        file_field="pdf",
        sha256_field="pdf_sha256",
        file_name=lambda certificate: f"{certificate.number}.pdf",
        also=rendered,
    )


# --- Status moves ---------------------------------------------------------------


def _locked(certificate):
    return Certificate.objects.select_for_update().get(pk=certificate.pk)


def _status_fields(certificate, to_state, *, reason=None, note=""):
    """What goes with a new status: when, why, and for a suspension until
    when (at most the scheme's longest suspension). Any other status has no
    suspension limit and no withdrawal proposal."""
    suspended_until = None
    if to_state == Certificate.Status.SUSPENDED:
        months = process_settings_get(certificate.case.version).max_suspension_months
        suspended_until = timezone.localdate() + relativedelta(months=months)
    return {
        "status_changed_at": timezone.now(),
        "status_reason": reason,
        "status_note": note,
        "suspended_until": suspended_until,
        "withdrawal_proposed_at": None,
    }


def _move_with_reason(certificate, to_state, *, actor, verb, reason=None, note="", data=None):
    return transitions.apply(
        certificate,
        to_state,
        actor=actor,
        verb=verb,
        note=note,
        data={**({"reason": reason.code} if reason else {}), **(data or {})},
        changes=_status_fields(certificate, to_state, reason=reason, note=note),
    )


def _reason(action, reason_code):
    """The reason code chosen for `action`, or CertifyError."""
    if isinstance(reason_code, ReasonCode):
        reason_code = reason_code.pk
    reason = ReasonCode.objects.filter(pk=reason_code, action=action, active=True).first() if reason_code else None
    if reason is None:
        raise CertifyError(_("Choose a reason from the list."))
    return reason


def _status_change(*, actor, certificate, to_state, verb, action, reason_code, note):
    require_manager(actor)
    note = (note or "").strip()
    reason = _reason(action, reason_code)
    with transaction.atomic():
        certificate = _locked(certificate)
        if not _move_with_reason(certificate, to_state, actor=actor, verb=verb, reason=reason, note=note):
            return certificate
        notify(
            holders(certificate),
            template="certificate_status_changed",
            context={"certificate": certificate, "reason": reason, "note": note},
            url=certificate_url(certificate),
        )
    return certificate


def certificate_suspend(*, actor, certificate, reason_code, note=""):
    """Suspend a valid certificate, at most for the scheme's longest
    suspension, after which withdrawal is proposed."""
    return _status_change(
        actor=actor, certificate=certificate, to_state=Certificate.Status.SUSPENDED, verb="certificate.suspended",
        action=ReasonCode.Action.SUSPEND, reason_code=reason_code, note=note,
    )


def certificate_reinstate(*, actor, certificate, reason_code, note=""):
    if certificate.status == Certificate.Status.SUSPENDED and certificate.expires_on < timezone.localdate():
        raise InvalidTransition(_("The certificate's validity has ended; it cannot be reinstated."))
    return _status_change(
        actor=actor, certificate=certificate, to_state=Certificate.Status.ACTIVE, verb="certificate.reinstated",
        action=ReasonCode.Action.REINSTATE, reason_code=reason_code, note=note,
    )


def certificate_withdraw(*, actor, certificate, reason_code, note=""):
    return _status_change(
        actor=actor, certificate=certificate, to_state=Certificate.Status.WITHDRAWN, verb="certificate.withdrawn",
        action=ReasonCode.Action.WITHDRAW, reason_code=reason_code, note=note,
    )


def certificate_cancel(*, actor, certificate, reason_code, note=""):
    """Cancel (注销) at the holder's request or when the business ceased."""
    return _status_change(
        actor=actor, certificate=certificate, to_state=Certificate.Status.CANCELLED, verb="certificate.cancelled",
        action=ReasonCode.Action.CANCEL, reason_code=reason_code, note=note,
    )


def certificates_expire(*, today=None):
    """The daily job: certificates whose validity ended become expired.
    Run twice, it changes nothing the second time."""
    today = today or timezone.localdate()
    expired = 0
    due = Certificate.objects.filter(status__in=Certificate.CURRENT, expires_on__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().get(pk=pk)
            if certificate.status not in Certificate.CURRENT or certificate.expires_on >= today:
                continue
            _move_with_reason(certificate, Certificate.Status.EXPIRED, actor=None, verb="certificate.expired")
            notify(
                holders(certificate),
                template="certificate_expired",
                context={"certificate": certificate},
                url=certificate_url(certificate),
            )
            expired += 1
    return expired


# --- Reason codes -----------------------------------------------------------------


def reason_code_save(*, actor, reason=None, **fields):
    """Add a reason code or change one; codes in use are retired, not deleted."""
    require_manager(actor)
    with transaction.atomic():
        if reason is None:
            if ReasonCode.objects.filter(action=fields["action"], code=fields["code"]).exists():
                raise CertifyError(_("This code is already used for this action."))
            reason = ReasonCode(**fields)
        else:
            for name, value in fields.items():
                setattr(reason, name, value)
        reason.save()
        event_record(actor=actor, obj=reason, verb="reason_code.saved", data={"code": reason.code})
    return reason
