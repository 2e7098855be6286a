"""Writes of the `certify` app: people, roles, the body's profile, the calendar."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from certify import uploads, webhooks
from certify.events import event_record
from certify.exceptions import CertifyError, NotAllowed
from certify.jobs import manual_period
from certify.models import (
    ApiToken,
    BodyProfile,
    JobRun,
    OutboxMessage,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WorkingDayOverride,
)
from certify.notifications import email_queue, render_email
from certify.outbox import enqueue, outbox_retry
from certify.permissions import require_manager, staff_role_refusal
from certify.verbs import Verb

EMAIL_VERIFICATION_SALT = "certify.email-verification"



def email_verification_token(user):
    return signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_VERIFICATION_SALT)


def _send_verification_email(user):
    link = settings.SITE_URL + reverse(
        "email_verify", kwargs={"token": email_verification_token(user)}
    )
    subject, body = render_email(
        "email_verification",
        {"recipient": user, "verify_url": link, "site_url": settings.SITE_URL},
        user.language or settings.LANGUAGE_CODE,
    )
    email_queue(to=user.email, template="email_verification", subject=subject, body_text=body)


def _send_account_exists_email(user, language):
    """Someone registered with an address that has an account: tell its
    owner how to sign in or reset the password, and nothing to the page."""
    reset_link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    subject, body = render_email(
        "registration_existing",
        {
            "recipient": user,
            "login_url": settings.SITE_URL + reverse("login"),
            "reset_url": reset_link,
            "site_url": settings.SITE_URL,
        },
        user.language or language or settings.LANGUAGE_CODE,
    )
    email_queue(to=user.email, template="registration_existing", subject=subject, body_text=body)


def user_register(*, email, full_name, language=""):
    """Register an applicant by name and e-mail address; the e-mail's link
    verifies the address and sets the password. Return the user.

    An address that has an account gets an e-mail saying so instead (a new
    verification link while it is unverified), so the page and the work
    done are the same either way and nobody learns who has an account. No
    password is hashed here: the person chooses it through the link.
    """
    email = User.objects.normalize_email(email).strip().lower()
    try:
        with transaction.atomic():
            existing = User.objects.select_for_update().filter(email=email).first()
            if existing is not None:
                _tell_existing_account(existing, language)
                return existing
            user = User(
                email=email, full_name=" ".join(full_name.split()), is_applicant=True, language=language
            )
            user.set_unusable_password()
            user.save()
            event_record(actor=user, obj=user, verb=Verb.USER_REGISTERED)
            _send_verification_email(user)
    except IntegrityError:
        # The same address registered twice at once: the first one won.
        with transaction.atomic():
            existing = User.objects.select_for_update().get(email=email)
            _tell_existing_account(existing, language)
            return existing
    return user


def _tell_existing_account(user, language):
    if user.email_verified_at is None and user.is_active:
        _send_verification_email(user)
    else:
        _send_account_exists_email(user, language)


def user_resend_verification(*, email):
    """Send the verification link again; silent for unknown or verified addresses,
    so the form cannot be used to find out who has an account."""
    user = User.objects.filter(
        email=email.strip().lower(), is_active=True, email_verified_at__isnull=True
    ).first()
    if user is not None:
        with transaction.atomic():
            _send_verification_email(user)


def user_verification_check(*, token):
    """The user a verification link is for; raise CertifyError for a link that
    is forged, expired or for an address that has since changed."""
    try:
        payload = signing.loads(
            token, salt=EMAIL_VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise CertifyError(
            _("This verification link has expired. Ask for a new one on the sign-in page.")
        ) from exc
    except signing.BadSignature as exc:
        raise CertifyError(_("This verification link is not valid.")) from exc
    user = User.objects.filter(pk=payload.get("user"), is_active=True).first()
    if user is None or user.email != payload.get("email"):
        raise CertifyError(_("This verification link is not valid."))
    return user


def user_verify_email(*, token, password=None):
    """Mark the address in `token` verified and, for an account registered
    without one, set the chosen password; return the user.

    The password is set once: after that the link only verifies (a no-op
    when verified), so a link read later cannot take over the account.
    """
    user = user_verification_check(token=token)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        fields = []
        if not user.has_usable_password():
            if not password:
                raise CertifyError(_("Choose a password to finish the registration."))
            user.set_password(password)
            fields.append("password")
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            fields.append("email_verified_at")
            event_record(actor=user, obj=user, verb=Verb.USER_EMAIL_VERIFIED)
        if fields:
            user.save(update_fields=fields)
    return user


def user_password_reset_done(*, user):
    """A password was set through a reset link: the link proved the address,
    and the login lockout of the account is lifted."""
    from axes.utils import reset as axes_reset

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
        event_record(actor=user, obj=user, verb=Verb.USER_PASSWORD_RESET)
    axes_reset(username=user.email)


def staff_create(*, actor, email, full_name, is_auditor, is_manager, phone=""):
    """A manager creates an auditor or manager account; the new person sets a
    password through the link e-mailed to them."""
    require_manager(actor)
    if not (is_auditor or is_manager):
        raise CertifyError(_("Choose at least one role: auditor or manager."))
    email = User.objects.normalize_email(email).lower()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=None,
                full_name=full_name,
                phone=phone,
                is_auditor=is_auditor,
                is_manager=is_manager,
                email_verified_at=timezone.now(),
            )
            event_record(
                actor=actor,
                obj=user,
                verb=Verb.USER_STAFF_CREATED,
                data={"roles": sorted(user.roles)},
            )
            _send_password_set_email(user)
    except IntegrityError as exc:
        raise CertifyError(_("An account with this e-mail address already exists.")) from exc
    return user


def _send_password_set_email(user):
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    subject, body = render_email(
        "staff_welcome",
        {
            "recipient": user,
            "password_url": link,
            "site_url": settings.SITE_URL,
            # Lazy labels, so they come out in the recipient's language.
            "role_labels": [label for role, label in User.Role.choices if role in user.roles],
        },
        user.language or settings.LANGUAGE_CODE,
    )
    email_queue(to=user.email, template="staff_welcome", subject=subject, body_text=body)


def user_roles_set(*, actor, user, is_applicant, is_auditor, is_manager, is_active):
    """A manager grants or takes away roles, or deactivates an account.

    A manager cannot take the manager role from, or deactivate, themselves:
    the body must never lock out its last manager by accident.
    """
    require_manager(actor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.pk == actor.pk and (not is_manager or not is_active):
            raise CertifyError(_("You cannot remove your own manager role or deactivate yourself."))
        gains_staff_role = (is_auditor and not user.is_auditor) or (is_manager and not user.is_manager)
        if gains_staff_role:
            refusal = staff_role_refusal(user)
            if refusal:
                raise CertifyError(refusal)
        before = {"roles": sorted(user.roles), "active": user.is_active}
        user.is_applicant = is_applicant
        user.is_auditor = is_auditor
        user.is_manager = is_manager
        user.is_active = is_active
        after = {"roles": sorted(user.roles), "active": user.is_active}
        if before == after:
            return user
        user.save(update_fields=["is_applicant", "is_auditor", "is_manager", "is_active"])
        event_record(
            actor=actor, obj=user, verb=Verb.USER_ROLES_CHANGED, data={"before": before, "after": after}
        )
    return user


def user_language_set(*, user, language):
    if language not in dict(settings.LANGUAGES):
        raise CertifyError(_("This language is not available."))
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def body_profile_update(*, actor, **fields):
    """A manager edits the body's profile; its history keeps every version."""
    from certify.selectors import body_profile_get

    require_manager(actor)
    if fields.get("logo") is False:  # the form's "clear" box
        fields["logo"] = ""
    with uploads.atomic():
        profile = BodyProfile.objects.select_for_update().get(pk=body_profile_get().pk)
        changed = [name for name, value in fields.items() if getattr(profile, name) != value]
        if not changed:
            return profile
        for name in changed:
            setattr(profile, name, fields[name])
        profile.full_clean()
        profile._history_user = actor
        profile.save()
        event_record(
            actor=actor, obj=profile, verb=Verb.BODY_PROFILE_UPDATED, data={"fields": changed}
        )
    return profile


def background_job_retry(*, actor, message_id):
    """A manager has a failed background job tried again, with a fresh set of
    attempts. A job that is not failed (any more) is left alone."""
    require_manager(actor)
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxMessage.Status.FAILED:
            raise CertifyError(_("This job has not failed, or has been tried again already."))
        outbox_retry(message.pk)
        event_record(
            actor=actor,
            obj=message,
            verb=Verb.BACKGROUND_JOB_RETRIED,
            data={"job": message.task_name, "args": message.args, "error": message.last_error[:500]},
        )


def job_run_retry(*, actor, run_id):
    """A manager has a failed periodic job run again now (its own run, outside
    the schedule's periods)."""
    require_manager(actor)
    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.outcome != JobRun.Outcome.FAILED or run.retried_at is not None:
            raise CertifyError(_("This run has not failed, or has been run again already."))
        run.retried_at = timezone.now()
        run.save(update_fields=["retried_at"])
        enqueue(run.job, manual_period())
        event_record(
            actor=actor, obj=run, verb=Verb.BACKGROUND_RUN_RETRIED, data={"job": run.job, "period": run.period}
        )


def working_day_override_set(*, actor, date, is_working_day, note=""):
    require_manager(actor)
    with transaction.atomic():
        override, created = WorkingDayOverride.objects.select_for_update().get_or_create(
            date=date,
            defaults={"is_working_day": is_working_day, "note": note, "created_by": actor},
        )
        if not created:
            if override.is_working_day == is_working_day and override.note == note:
                return override
            override.is_working_day = is_working_day
            override.note = note
            override._history_user = actor
            override.save(update_fields=["is_working_day", "note"])
        event_record(
            actor=actor,
            obj=override,
            verb=Verb.CALENDAR_OVERRIDE_SET,
            data={"date": date.isoformat(), "is_working_day": is_working_day},
        )
    return override


def working_day_override_delete(*, actor, override_id):
    require_manager(actor)
    with transaction.atomic():
        override = WorkingDayOverride.objects.select_for_update().filter(pk=override_id).first()
        if override is None:
            return
        event_record(
            actor=actor,
            obj=override,
            verb=Verb.CALENDAR_OVERRIDE_REMOVED,
            data={"date": override.date.isoformat()},
        )
        override._history_user = actor
        override.delete()


# A token reads "ctk_<key id>_<secret>": the prefix tells a leaked token
# apart in logs and secret scanners, the key id finds its row.
API_TOKEN_PREFIX = "ctk"
API_TOKEN_MAX_DAYS = 366
API_TOKEN_DEFAULT_DAYS = 90


def api_token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, actor, user, name, scope=ApiToken.Scope.READ, days=API_TOKEN_DEFAULT_DAYS):
    """A new API token of `user`, made by the user or, with `actor` None, by
    the operator on the command line. Returns the row and the token itself,
    which is kept nowhere and never shown again."""
    if actor is not None and actor.pk != user.pk:
        raise NotAllowed(_("Only the person themselves may make their API tokens."))
    if not user.is_active:
        raise CertifyError(_("The account is deactivated: it can have no API token."))
    name = (name or "").strip()
    if not name:
        raise CertifyError(_("Give the token a name, so you can tell it apart later."))
    if scope not in ApiToken.Scope.values:
        raise CertifyError(_("Choose the token's scope: read, or read and write."))
    if not 1 <= days <= API_TOKEN_MAX_DAYS:
        raise CertifyError(
            _("A token is valid for 1 to %(days)s days.") % {"days": API_TOKEN_MAX_DAYS}
        )
    key_id = secrets.token_hex(6)
    token = f"{API_TOKEN_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            name=name[:100],
            scope=scope,
            key_id=key_id,
            secret_sha256=api_token_digest(token),
            expires_at=timezone.now() + timedelta(days=days),
        )
        event_record(actor=actor, obj=row, verb=Verb.API_TOKEN_CREATED, data={"scope": scope, "days": days})
    return row, token


def api_token_revoke(*, actor, token_id):
    """Revoke one of the actor's own tokens; revoking it again changes nothing."""
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if row is None:
            raise NotAllowed(_("This is not one of your API tokens."))
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
            event_record(actor=actor, obj=row, verb=Verb.API_TOKEN_REVOKED)
    return row


def webhook_endpoint_create(*, actor, url, events, description=""):
    """Register a receiver for some events; returns it and its signing
    secret, shown to the manager once."""
    require_manager(actor)
    url = (url or "").strip()
    refusal = webhooks.address_refusal(url)
    if refusal:
        raise CertifyError(refusal)
    known = {event for event, _label in webhooks.webhook_event_choices()}
    events = sorted(set(events or ()))
    if not events or not set(events) <= known:
        raise CertifyError(_("Choose the events to send, from the list."))
    secret = secrets.token_hex(32)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            url=url, description=(description or "").strip()[:200], secret=secret, events=events, created_by=actor
        )
        event_record(actor=actor, obj=endpoint, verb=Verb.WEBHOOK_CREATED, data={"url": url, "events": events})
    return endpoint, secret


def webhook_endpoint_disable(*, actor, endpoint_id):
    """Stop sending to a receiver; its deliveries stay on record. Disabling
    it again changes nothing."""
    require_manager(actor)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None:
            raise CertifyError(_("This webhook no longer exists."))
        if endpoint.active:
            endpoint.active = False
            endpoint.save(update_fields=["active"])
            event_record(actor=actor, obj=endpoint, verb=Verb.WEBHOOK_DISABLED)
    return endpoint


def webhook_delivery_resend(*, actor, delivery_id):
    """Send a delivery's body again, as a delivery of its own (a new
    X-Certify-Delivery, the same event id), to its endpoint if still active."""
    require_manager(actor)
    with transaction.atomic():
        original = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
        if original is None:
            raise CertifyError(_("This delivery no longer exists."))
        if not original.endpoint.active:
            raise CertifyError(_("The webhook is disabled: nothing is sent to it."))
        resent = WebhookDelivery.objects.create(
            endpoint=original.endpoint, event=original.event, payload=original.payload, resent_from=original
        )
        event_record(
            actor=actor, obj=original.endpoint, verb=Verb.WEBHOOK_RESENT, data={"delivery": str(original.delivery_id)}
        )
        enqueue("certify.tasks.webhook_deliver", resent.pk)
    return resent
