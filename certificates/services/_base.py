"""What the certificates app's service modules share: who holds a
certificate and who may decide, numbering, and the certificate's status
move with its reason."""

import re

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.selectors.organisation import organisation_members, was_member
from audits.models import TeamMember
from certificates.models import (
    Certificate,
    NumberCounter,
    ReasonCode,
)
from certify import transitions
from certify.exceptions import CertifyError, NotAllowed
from certify.forms import certificate_number_sample
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


def number_allocate(*, version, issued_on, cycle):
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


def body_snapshot():
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


def sites_snapshot(case):
    """The outlets the case covers, as certified."""
    return [{"name": outlet.name, "address": outlet.address} for outlet in case.scope_outlets.order_by("name", "id")]


def create_numbered(*, version, cycle, **fields):
    """Create the certificate with the next number. Numbers from counters of
    other prefixes may meet when the template ignores a prefix's fields: on
    a clash the insert is retried with the next number."""
    for _attempt in range(5):
        number = number_allocate(version=version, issued_on=fields["issued_on"], cycle=cycle)
        try:
            with transaction.atomic():
                return Certificate.objects.create(number=number, base_number=number, cycle=cycle, **fields)
        except IntegrityError:
            continue
    raise CertifyError(_("No free certificate number was found; check the number template in the body's profile."))


def certificate_locked(certificate):
    return Certificate.objects.select_for_update().get(pk=certificate.pk)


def status_fields(certificate, to_state, *, reason=None, note=""):
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


def status_move(certificate, to_state, *, actor, verb, reason=None, note="", data=None):
    return transitions.apply(
        certificate,
        to_state,
        actor=actor,
        verb=verb,
        note=note,
        data={**({"reason": reason.code} if reason else {}), **(data or {})},
        changes=status_fields(certificate, to_state, reason=reason, note=note),
    )


def reason_for(action, reason_code):
    """The reason code chosen for `action`, or CertifyError."""
    if isinstance(reason_code, ReasonCode):
        reason_code = reason_code.pk
    reason = ReasonCode.objects.filter(pk=reason_code, action=action, active=True).first() if reason_code else None
    if reason is None:
        raise CertifyError(_("Choose a reason from the list."))
    return reason

