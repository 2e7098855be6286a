"""Periodic jobs: each run claims its period in the database and is recorded.

However many schedulers fire (two beats by mistake, a restarted one catching
up), a period's row can be inserted once, so each period runs once. A run
left `running` longer than the task time limit belonged to a worker that
died: the next firing in the same period takes it over, and any job's next
run records it as failed once its period has passed.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from certify.models import JobRun

logger = logging.getLogger(__name__)

DAY = "day"

_LABELS = {}


def job_labels_register(labels):
    """Apps name their jobs (task name → label) in AppConfig.ready."""
    _LABELS.update(labels)


def job_label(task_name):
    return _LABELS.get(task_name, task_name)


def period_of(every, now=None):
    """The period `now` falls in: the local day, or the window of `every` seconds."""
    now = now or timezone.now()
    if every == DAY:
        return timezone.localdate(now).isoformat()
    return f"{int(now.timestamp() // every) * every}"


def _claim(job, period):
    now = timezone.now()
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job, period=period, started_at=now)
    except IntegrityError:
        stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        taken = JobRun.objects.filter(
            job=job, period=period, outcome=JobRun.Outcome.RUNNING, started_at__lt=stale
        ).update(started_at=now)
        return JobRun.objects.get(job=job, period=period) if taken else None


STOPPED = "Stopped without finishing: the worker was killed or ran out of time."


class SweepFailed(Exception):
    """A sweep did every part it could and names the parts that failed."""

    def __init__(self, failures):
        self.failures = failures
        super().__init__("; ".join(failures))


def each_of(parts):
    """Run every (name, callable) of a sweep, each on its own so one failure
    holds up none of the others; then raise one SweepFailed naming every
    part that failed, so the job, command or task fails visibly."""
    failures = []
    for name, part in parts:
        try:
            part()
        except Exception as exc:  # noqa: BLE001 - gathered, then raised together below
            logger.exception("%s failed", name)
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
    if failures:
        raise SweepFailed(failures)


def _stopped_runs_fail(job, period):
    """Record as failed the runs left `running` past the task time limit (a
    worker killed mid-run), so they are listed with a retry; the one this
    firing may take over is left to `_claim`."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    JobRun.objects.filter(outcome=JobRun.Outcome.RUNNING, started_at__lt=stale).exclude(
        job=job, period=period
    ).update(outcome=JobRun.Outcome.FAILED, ended_at=now, error=STOPPED)


def periodic_run(job, work, *, every, period=None):
    """Run `work()` once for this period of `job`; None when the period's run
    belongs to someone else. The run's outcome and error are recorded, and a
    failure is raised after that, so the task or command fails visibly."""
    period = period or period_of(every)
    _stopped_runs_fail(job, period)
    run = _claim(job, period)
    if run is None:
        logger.info("%s: the run of period %s is another scheduler's", job, period)
        return None
    try:
        result = work()
    except Exception as exc:
        if not connection.in_atomic_block:
            close_old_connections()
        JobRun.objects.filter(pk=run.pk).update(
            outcome=JobRun.Outcome.FAILED, ended_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:4000]
        )
        raise
    JobRun.objects.filter(pk=run.pk).update(outcome=JobRun.Outcome.DONE, ended_at=timezone.now())
    return result


def manual_period():
    """The period of a run asked for by hand (a command, a retry): its own."""
    return f"manual {timezone.now().isoformat()}"
