"""In-app notifications and the e-mail that goes with them.

`notify` renders each notice in its recipient's language from a pair of
templates (`notifications/<template>_subject.txt` and `_body.txt`), stores
it for the bell, and queues an e-mail through the outbox.
"""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from certify.events import event_record
from certify.models import Email, Notification
from certify.outbox import enqueue
from certify.verbs import Verb

logger = logging.getLogger(__name__)


def _language_for(user):
    return user.language or settings.LANGUAGE_CODE


def render_email(template, context, language):
    """Render a subject and text body in `language`; the subject is one line."""
    with translation.override(language):
        subject = render_to_string(f"notifications/{template}_subject.txt", context)
        body = render_to_string(f"notifications/{template}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


# E-mails that carry a secret link or belong to an account's set-up. They
# record no event when sent and are pruned after EMAIL_ACCOUNT_RETENTION_DAYS.
ACCOUNT_TEMPLATES = frozenset(
    {
        "email_verification",
        "registration_existing",
        "password_reset",
        "password_reset_unknown",
        "staff_welcome",
        "invitation",
    }
)

# A secret link (verification, password, invitation) is marked when its
# e-mail is rendered; the message goes out with it, the stored copy does not
# keep it. Private-use characters never occur in the app's own text.
SECRET_START, SECRET_END = "\ue000", "\ue001"
_SECRET = re.compile(f"{SECRET_START}.*?{SECRET_END}", re.DOTALL)


def secret(text):
    return f"{SECRET_START}{text}{SECRET_END}"


def secret_revealed(body):
    """The body as sent: the secret links without their marks."""
    return body.replace(SECRET_START, "").replace(SECRET_END, "")


def secret_removed(body):
    """The body as kept once sent: each secret link replaced by a placeholder."""
    return _SECRET.sub("[link removed]", body)


def email_queue(*, to, template, subject, body_text, body_html=""):
    """Store an e-mail and send it after commit, through the outbox.

    `template` names what the e-mail is (its notification template) for the
    record of its sending and for pruning.
    """
    email = Email.objects.create(
        to=to, template=template, subject=subject, body_text=body_text, body_html=body_html
    )
    enqueue("certify.tasks.email_send", email.pk)
    return email


def notify(recipients, *, template, context=None, url="", send_email=True):
    """Tell each recipient about something, in the app and by e-mail.

    `url` is a path inside the app; e-mails get it as an absolute link.
    """
    created = []
    for user in recipients:
        if not user.is_active:
            continue
        language = _language_for(user)
        full_context = {
            "recipient": user,
            "url": url,
            "absolute_url": f"{settings.SITE_URL}{url}" if url else settings.SITE_URL,
            "site_url": settings.SITE_URL,
            **(context or {}),
        }
        subject, body = render_email(template, full_context, language)
        # In the app the notice has its own "open" button; the link is for e-mail.
        in_app_body = body.replace(full_context["absolute_url"], "").strip()
        created.append(
            Notification.objects.create(
                recipient=user, kind=template, title=subject[:200], body=in_app_body, url=url
            )
        )
        if send_email:
            email_queue(to=user.email, template=template, subject=subject, body_text=body)
    return created


def email_deliver(email_id):
    """Send one stored e-mail unless it has been sent; raise on failure so the
    outbox records it and tries again later.

    The update that records the sending also removes the body's secret links,
    so nobody can read them afterwards.
    """
    failure = None
    with transaction.atomic():
        # The row lock keeps a sweep and a retry from sending the same e-mail.
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return
        message = EmailMultiAlternatives(
            subject=email.subject, body=secret_revealed(email.body_text), to=[email.to]
        )
        if email.body_html:
            message.attach_alternative(secret_revealed(email.body_html), "text/html")
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - recorded, then raised below
            failure = exc
        else:
            sent_at = timezone.now()
            Email.objects.filter(pk=email_id).update(
                sent_at=sent_at,
                last_error="",
                body_text=secret_removed(email.body_text),
                body_html=secret_removed(email.body_html),
            )
            if email.template not in ACCOUNT_TEMPLATES:
                event_record(
                    actor=None,
                    obj=email,
                    verb=Verb.EMAIL_SENT,
                    data={
                        "to": email.to,
                        "subject": email.subject,
                        "template": email.template,
                        "sent_at": sent_at.isoformat(),
                    },
                )
        Email.objects.filter(pk=email_id).update(attempts=F("attempts") + 1)
    if failure is not None:
        Email.objects.filter(pk=email_id).update(last_error=str(failure)[:2000])
        logger.warning("e-mail %s failed: %s", email_id, failure)
        raise failure


def notification_unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list_for_user(user):
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_mark_read(*, user, notification_id=None):
    """Mark one of the user's notifications read, or all of them."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        queryset = queryset.filter(pk=notification_id)
    return queryset.update(read_at=timezone.now())
