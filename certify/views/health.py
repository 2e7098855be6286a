"""Health endpoints for the orchestrator and the operator.

/healthz/live answers 200 whenever the process serves requests: what the
web container's healthcheck asks, so a Redis or worker outage never gets
the web process restarted. /healthz reports the database, the broker, the
worker and the failed background jobs as JSON, 503 when one of the first
three is down; its answer is kept in the process for a few seconds (not in
Redis, which may be what is down), so probes cannot pile up pings.
"""

import time

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from certify.celery import app
from certify.models import JobRun, OutboxMessage

MEMO_SECONDS = 5
_memo = {"until": 0.0, "body": None}


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        return "error", str(exc)
    return "ok", ""


def _broker():
    if app.conf.task_always_eager:
        return "eager", ""
    try:
        # One try within the broker's own short timeouts: a probe of a
        # hung Redis answers in about half a second, not after retries.
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
    except Exception as exc:  # noqa: BLE001
        return "error", str(exc)
    return "ok", ""


def _worker(broker_status):
    if broker_status == "eager":
        return "eager", ""
    if broker_status != "ok":
        return "unknown", "broker unreachable"
    try:
        replies = app.control.ping(timeout=0.5)
    except Exception as exc:  # noqa: BLE001
        return "error", str(exc)
    if not replies:
        return "error", "no worker answered"
    return "ok", f"{len(replies)} worker(s)"


def failed_jobs_count():
    """Background jobs that gave up, and periodic runs that failed and were not
    tried again: what the managers' background-work page lists."""
    return (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
        + JobRun.objects.filter(outcome=JobRun.Outcome.FAILED, retried_at__isnull=True).count()
    )


def _report():
    database, database_detail = _database()
    broker, broker_detail = _broker()
    worker, worker_detail = _worker(broker)
    healthy = database == "ok" and broker in ("ok", "eager") and worker in ("ok", "eager")
    body = {
        "status": "ok" if healthy else "error",
        "database": database,
        "broker": broker,
        "worker": worker,
    }
    failed_jobs_detail = ""
    if database == "ok":
        try:
            body["failed_jobs"] = failed_jobs_count()
        except DatabaseError as exc:  # not migrated yet: the count is unknown, health is not
            body["failed_jobs"] = None
            failed_jobs_detail = str(exc)
    details = {
        name: detail
        for name, detail in (
            ("database", database_detail),
            ("broker", broker_detail),
            ("worker", worker_detail),
            ("failed_jobs", failed_jobs_detail),
        )
        if detail
    }
    if details:
        body["details"] = details
    return body


@never_cache
def healthz(request):
    now = time.monotonic()
    if _memo["body"] is None or now >= _memo["until"]:
        _memo["body"] = _report()
        _memo["until"] = now + MEMO_SECONDS
    body = _memo["body"]
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


@never_cache
def healthz_live(request):
    return HttpResponse("ok", content_type="text/plain")
