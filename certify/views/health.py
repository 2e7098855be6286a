from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from certify.celery import app


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
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception as exc:  # noqa: BLE001
        return "error", str(exc)
    return "ok", ""


def _worker(broker_status):
    if broker_status == "eager":
        return "eager", ""
    if broker_status != "ok":
        return "unknown", "broker unreachable"
    try:
        replies = app.control.ping(timeout=1.0)
    except Exception as exc:  # noqa: BLE001
        return "error", str(exc)
    if not replies:
        return "error", "no worker answered"
    return "ok", f"{len(replies)} worker(s)"


@never_cache
def healthz(request):
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
    details = {
        name: detail
        for name, detail in (
            ("database", database_detail),
            ("broker", broker_detail),
            ("worker", worker_detail),
        )
        if detail
    }
    if details:
        body["details"] = details
    return JsonResponse(body, status=200 if healthy else 503)
