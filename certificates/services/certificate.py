"""A certificate after issue: its PDF, a revision (level or scope), and its
status moves — suspend, reinstate, withdraw, cancel, expire — each with a
reason code the body keeps.
"""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    ReasonCode,
    Surveillance,
)
from certificates.services._base import (
    body_snapshot,
    certificate_locked,
    certificate_url,
    holders,
    reason_for,
    require_impartial_decider,
    status_move,
)
from certificates.verbs import Verb
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from certify.notifications import notify
from certify.outbox import enqueue
from certify.pdf import pdf_store_once
from certify.permissions import require_manager


def certificate_revise(
    *, actor, certificate, reason_code, note="", level_code=None, scope=None, holder_name=None, holder_address=None
):
    """Reduce the scope, lower the level, or take the holder's new name or
    address (the same legal person: its code stays) on a valid certificate:
    a new revision (the number with a revision suffix) replaces it, with the
    same validity; the open surveillances move to the revision. A decision
    on certification, so never by an auditor of the case (ISO/IEC 17065 7.6)."""
    require_impartial_decider(actor, certificate.case)
    reason = reason_for(ReasonCode.Action.REVISE, reason_code)
    note = (note or "").strip()
    with transaction.atomic():
        old = certificate_locked(certificate)
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
            body=body_snapshot(),
            sites=old.sites,
            granted_on=old.granted_on,
            first_issued_on=old.first_issued_on,
            issued_on=timezone.localdate(),
            valid_from=old.valid_from,
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
            verb=Verb.CERTIFICATE_REVISED,
            to_state=successor.status,
            note=note,
            data={"reason": reason.code, "replaces": old.number, "level": new_level.code},
        )
        status_move(old, Certificate.Status.SUPERSEDED, actor=actor, verb=Verb.CERTIFICATE_SUPERSEDED, reason=reason, note=note,
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
            actor=None, obj=certificate, verb=Verb.CERTIFICATE_PDF_RENDERED, data={"sha256": certificate.pdf_sha256}
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


def _status_change(*, actor, certificate, to_state, verb, action, reason_code, note):
    require_manager(actor)
    note = (note or "").strip()
    reason = reason_for(action, reason_code)
    with transaction.atomic():
        certificate = certificate_locked(certificate)
        if not status_move(certificate, to_state, actor=actor, verb=verb, reason=reason, note=note):
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
        actor=actor, certificate=certificate, to_state=Certificate.Status.SUSPENDED, verb=Verb.CERTIFICATE_SUSPENDED,
        action=ReasonCode.Action.SUSPEND, reason_code=reason_code, note=note,
    )


def certificate_reinstate(*, actor, certificate, reason_code, note=""):
    if certificate.status == Certificate.Status.SUSPENDED and certificate.expires_on < timezone.localdate():
        raise InvalidTransition(_("The certificate's validity has ended; it cannot be reinstated."))
    return _status_change(
        actor=actor, certificate=certificate, to_state=Certificate.Status.ACTIVE, verb=Verb.CERTIFICATE_REINSTATED,
        action=ReasonCode.Action.REINSTATE, reason_code=reason_code, note=note,
    )


def certificate_withdraw(*, actor, certificate, reason_code, note=""):
    return _status_change(
        actor=actor, certificate=certificate, to_state=Certificate.Status.WITHDRAWN, verb=Verb.CERTIFICATE_WITHDRAWN,
        action=ReasonCode.Action.WITHDRAW, reason_code=reason_code, note=note,
    )


def certificate_cancel(*, actor, certificate, reason_code, note=""):
    """Cancel (注销) at the holder's request or when the business ceased."""
    return _status_change(
        actor=actor, certificate=certificate, to_state=Certificate.Status.CANCELLED, verb=Verb.CERTIFICATE_CANCELLED,
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
            status_move(certificate, Certificate.Status.EXPIRED, actor=None, verb=Verb.CERTIFICATE_EXPIRED)
            notify(
                holders(certificate),
                template="certificate_expired",
                context={"certificate": certificate},
                url=certificate_url(certificate),
            )
            expired += 1
    return expired


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
        event_record(actor=actor, obj=reason, verb=Verb.REASON_CODE_SAVED, data={"code": reason.code})
    return reason

