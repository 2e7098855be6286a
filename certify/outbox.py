"""Enqueue background work without ever failing or stalling a request.

`enqueue` writes an outbox row in the caller's transaction and publishes it
after commit with a short broker timeout and no retries. A row the broker did
not take stays unpublished; `outbox_sweep` (periodic, and a management
command) publishes it once the broker is back. So with Redis down every
action still answers at once, and no e-mail or PDF is lost.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from certify.models import OutboxMessage

logger = logging.getLogger(__name__)

# Long enough for one publish attempt to finish; a claim older than this is
# taken to belong to a process that died mid-publish.
CLAIM_SECONDS = 30


def enqueue(task_name, *args):
    """Schedule `task_name(*args)` after the current transaction commits.

    Arguments must be JSON values (ids, not objects).
    """
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args))
    transaction.on_commit(lambda: publish(message.pk))
    return message


def _claim(message_id):
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=message_id,
        published_at__isnull=True,
    ).update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    return claimed == 1


def publish(message_id):
    """Hand one outbox row to Celery; return True when the broker took it.

    The conditional update claims the row, so a sweep and an on-commit
    publish never send it twice.
    """
    from certify.celery import app

    if not _claim(message_id):
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        if app.conf.task_always_eager:
            # Autodiscovery is lazy; make sure every app's tasks are registered.
            app.loader.import_default_modules()
            app.tasks[message.task_name].apply(args=message.args, throw=True)
        else:
            app.send_task(message.task_name, args=message.args, retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row for the sweep
        logger.warning("outbox: could not publish %s: %s", message, exc)
        OutboxMessage.objects.filter(pk=message_id).update(
            claimed_until=None, last_error=str(exc)[:2000]
        )
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        published_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


def outbox_sweep(limit=500):
    """Publish rows that are still waiting; return how many the broker took."""
    pending = OutboxMessage.objects.filter(published_at__isnull=True).order_by("created_at")
    published = 0
    for message_id in pending.values_list("pk", flat=True)[:limit]:
        if publish(message_id):
            published += 1
    return published
