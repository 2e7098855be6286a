"""Background work that reaches its end (DESIGN.md "Background work").

`enqueue` writes an outbox row in the caller's transaction and publishes it
after commit: to the worker through the broker, with short timeouts and no
retries, or in-process in the embedded default. The worker's `outbox_run`
runs the job and records its outcome on the row. A failed attempt records
its error and the time of the next attempt (1, 5, 15, 60 minutes…) and ends;
the periodic sweep publishes what is due, and publishes again a job handed
to the worker but not done after OUTBOX_RUN_TIMEOUT (a worker killed
mid-job). Delivery is therefore at least once: every job is idempotent.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from certify.models import OutboxMessage
from certify.redis_guard import broker_breaker

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

# Long enough for one publish to finish; a claim older than this belongs to
# a process that died while publishing.
CLAIM_SECONDS = 30
# Minutes to wait after the first, second, third… failed attempt.
BACKOFF_MINUTES = (1, 5, 15, 60)
RUN_TASK = "certify.tasks.outbox_run"
STOPPED = "The worker stopped during every attempt (killed, out of memory or out of time)."


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
        status=Status.QUEUED,
        next_attempt_at__lte=now,
    ).update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    return claimed == 1


def publish(message_id):
    """Hand one due job to the worker (in the embedded default, run it here);
    return True when it was handed over or run.

    The conditional update claims the row, so a sweep and an on-commit
    publish never hand it over twice.
    """
    from certify.celery import app

    if not _claim(message_id):
        return False
    if app.conf.task_always_eager:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=Status.PUBLISHED, published_at=timezone.now(), claimed_until=None
        )
        outbox_run(message_id)
        return True

    # Published before it is sent: a worker quick enough to fail it first
    # leaves it queued for its next attempt, not overwritten as published.
    OutboxMessage.objects.filter(pk=message_id, status=Status.QUEUED).update(
        status=Status.PUBLISHED, published_at=timezone.now(), claimed_until=None
    )

    def send():
        app.send_task(RUN_TASK, args=[message_id], retry=False)
        return True

    def not_now():
        OutboxMessage.objects.filter(pk=message_id, status=Status.PUBLISHED).update(
            status=Status.QUEUED,
            published_at=None,
            last_error="The broker is not available; the sweep will publish it.",
        )
        return False

    return broker_breaker.call(send, not_now)


def _next_attempt(attempts):
    minutes = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
    return timezone.now() + timedelta(minutes=minutes)


def outbox_run(message_id):
    """Run one job and record its outcome (the worker's side of `publish`).

    A job already done is not run again (a duplicate delivery). A failure
    is recorded and not raised, so the broker does not redeliver it: the
    sweep tries again after the backoff, up to OUTBOX_MAX_ATTEMPTS.
    """
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None or message.status in (Status.DONE, Status.FAILED):
        return
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        # Every attempt ended without recording an outcome: the worker died
        # running it (killed, out of memory, out of time).
        OutboxMessage.objects.filter(pk=message_id).update(status=Status.FAILED, last_error=STOPPED)
        return
    OutboxMessage.objects.filter(pk=message_id).update(attempts=F("attempts") + 1)
    try:
        _registered_task(message.task_name).run(*message.args)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        logger.warning("job %s failed: %s", message, exc)
        # A job whose database connection died (PostgreSQL restarted, the
        # backend terminated) leaves it unusable: record on a new one.
        if not connection.in_atomic_block:
            close_old_connections()
        _record_failure(message_id, exc)
    else:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=Status.DONE, done_at=timezone.now(), last_error=""
        )


def _registered_task(name):
    """The task called `name`. The apps' task modules are imported only when
    it is not registered yet: importing them runs Django's system checks (the
    Celery fixup), 80 ms that every job would otherwise pay."""
    from certify.celery import app

    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def _record_failure(message_id, exc):
    attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message_id)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        OutboxMessage.objects.filter(pk=message_id).update(status=Status.FAILED, last_error=error)
    else:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=Status.QUEUED, next_attempt_at=_next_attempt(attempts), last_error=error
        )


def outbox_sweep(limit=500):
    """Publish the jobs that are due, after taking back those handed to the
    worker too long ago; return how many were handed over or run."""
    now = timezone.now()
    unfinished = OutboxMessage.objects.filter(
        status=Status.PUBLISHED,
        published_at__lt=now - timedelta(seconds=settings.OUTBOX_RUN_TIMEOUT),
    )
    unfinished.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(status=Status.FAILED, last_error=STOPPED)
    unfinished.update(status=Status.QUEUED, next_attempt_at=now)
    due = OutboxMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "id"
    )
    published = 0
    for message_id in due.values_list("pk", flat=True)[:limit]:
        if publish(message_id):
            published += 1
    return published


def outbox_retry(message_id):
    """A failed job gets a fresh set of attempts, published after commit."""
    updated = OutboxMessage.objects.filter(pk=message_id, status=Status.FAILED).update(
        status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
    )
    if updated:
        transaction.on_commit(lambda: publish(message_id))
    return bool(updated)
