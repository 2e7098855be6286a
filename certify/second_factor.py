"""Staff sign in with a second factor: a TOTP authenticator app, with ten
recovery codes for a lost phone (django-otp).

Who must: every auditor and manager when STAFF_OTP_REQUIRED (on unless
DEBUG), and any staff member who enrolled anyway. Until their session is
verified they reach only the second-factor page, logout, the language switch
and the public pages (certify.middleware.SecondFactorMiddleware).
"""

import math
from base64 import b32encode
from io import BytesIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import MAX_THROTTLE_DELAY_SECONDS
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from certify.events import event_record
from certify.exceptions import CertifyError, NotAllowed
from certify.verbs import Verb

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user):
    """Whether `user` must verify a second factor (one query unless required for all)."""
    if not (user.is_authenticated and user.is_staff_member):
        return False
    return settings.STAFF_OTP_REQUIRED or has_second_factor(user)


def second_factor_pending(request):
    """Whether this request's user must verify a second factor and has not.
    Asked of the database each time, not kept in the session: a factor set
    up in another browser must close this one too."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return second_factor_required(user)


# The authenticator being set up belongs to one session: another session
# with the same password must never see the key the person will scan.
ENROLMENT_KEY = "certify_enrolment_device"


def enrolment_device(request):
    """The authenticator this session is setting up: a new key for each
    session (any other unconfirmed one is discarded), the same one across
    reloads of the page."""
    user = request.user
    device_id = request.session.get(ENROLMENT_KEY)
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first() if device_id else None
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
        request.session[ENROLMENT_KEY] = device.pk
    return device


def authenticator_ensure(user):
    """The user's confirmed authenticator, made when there is none (the demo
    data's staff, the benchmark's manager)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=True)


def key_text(device):
    """The key as an authenticator app asks for it typed: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device):
    """The device's otpauth:// URL as an inline SVG QR code."""
    import segno

    out = BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=5, xmldecl=False, svgns=True, border=2)
    return out.getvalue().decode()


def _digits(token):
    return "".join((token or "").split())


def second_factor_enrol(*, request, device, token):
    """Confirm the authenticator with its first code, verify this session and
    return ten recovery codes, shown once (only their use is kept)."""
    user = request.user
    if device.user_id != user.pk or device.pk != request.session.get(ENROLMENT_KEY):
        raise NotAllowed(_("This set-up has ended; start again."))
    device = _checked(device, _digits(token), _("That code is not right. Enter the six digits your app shows now."))
    with transaction.atomic():
        if not TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True):
            raise NotAllowed(_("This set-up has ended; start again."))
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
        event_record(actor=user, obj=user, verb=Verb.USER_SECOND_FACTOR_ENROLLED)
    request.session.pop(ENROLMENT_KEY, None)
    device.confirmed = True
    otp_login(request, device)
    return codes


def _throttled(device):
    """Why `device` takes no code now (after wrong ones), or ""."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return ""
    failures = data.get("failure_count", 1)
    delay = min(device.get_throttle_factor() * 2 ** (failures - 1), MAX_THROTTLE_DELAY_SECONDS)
    waited = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return _("Too many wrong codes in a row. Wait %(seconds)s seconds and try again.") % {
        "seconds": max(1, math.ceil(delay - waited))
    }


def _checked(device, token, wrong):
    """Verify `token` on `device` under a lock on its row, so two requests
    can neither spend one code twice nor both escape the count of failures;
    the failure is committed before CertifyError (`wrong`, or the wait) is
    raised. Returns the device as verified."""
    with transaction.atomic():
        locked = type(device).objects.select_for_update().filter(pk=device.pk).first()
        if locked is None:
            waiting, verified = _("This second factor was reset; sign in again to set up a new one."), False
        else:
            waiting = _throttled(locked)
            verified = not waiting and locked.verify_token(token)
    if waiting:
        raise CertifyError(waiting)
    if not verified:
        raise CertifyError(wrong)
    return locked


def second_factor_verify(*, request, token):
    """Verify this session with a code from the authenticator or an unused
    recovery code (which is then spent). Failed attempts are throttled per
    device: 1, 2, 4… seconds between tries."""
    user = request.user
    token = _digits(token)
    authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if authenticator is None:
        raise CertifyError(_("You have no authenticator set up yet."))
    if token.isdigit() and len(token) == authenticator.digits:
        device = _checked(authenticator, token, _("That code is not right. Enter the code your app shows now."))
    elif recovery is not None and token:
        device = _checked(recovery, token.lower(), _("That recovery code is not right, or it was used already."))
        event_record(actor=user, obj=user, verb=Verb.USER_RECOVERY_CODE_USED, data={"left": recovery.token_set.count()})
    else:
        raise CertifyError(_("Enter the six digits your app shows, or one of your recovery codes."))
    otp_login(request, device)
    return device


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_reset(*, actor, user):
    """Remove a staff member's authenticator and recovery codes, so they set
    up a new one when they next sign in. A manager does it for another staff
    member (`actor` None: `manage.py otp_reset`, for the last manager)."""
    if actor is not None:
        if not (actor.is_authenticated and actor.is_manager):
            raise NotAllowed(_("Only managers can reset a second factor."))
        if actor.pk == user.pk:
            raise NotAllowed(_("Another manager must reset your second factor."))
    with transaction.atomic():
        removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        event_record(actor=actor, obj=user, verb=Verb.USER_SECOND_FACTOR_RESET, data={"at": timezone.now().isoformat()})
    return removed
