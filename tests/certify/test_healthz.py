"""/healthz: database, broker, worker and failed jobs as JSON; /healthz/live
for the orchestrator."""

from unittest import mock

import pytest
from django.utils import timezone

from certify.celery import app as celery_app
from certify.models import JobRun, OutboxMessage
from certify.views import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_in_the_embedded_default(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_healthz_reports_the_database_ok_and_the_broker_and_worker_eager(client):
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "worker": "eager",
        "failed_jobs": 0,
    }


def test_healthz_counts_failed_jobs_and_failed_runs_without_failing_itself(client):
    OutboxMessage.objects.create(task_name="certify.tasks.email_send", args=[1], status="failed")
    JobRun.objects.create(job="certificates.tasks.certificates_daily", period="2026-12-07", outcome="failed")
    JobRun.objects.create(
        job="certificates.tasks.certificates_daily",
        period="2026-12-06",
        outcome="failed",
        retried_at=timezone.now(),
    )

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["failed_jobs"] == 2


def test_healthz_keeps_its_answer_for_a_few_seconds(client, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(health.time, "monotonic", lambda: clock[0])
    first = client.get("/healthz").json()
    OutboxMessage.objects.create(task_name="certify.tasks.email_send", args=[1], status="failed")

    memoised = client.get("/healthz").json()
    clock[0] += 6
    later = client.get("/healthz").json()

    assert (first["failed_jobs"], memoised["failed_jobs"], later["failed_jobs"]) == (0, 0, 1)


def test_the_liveness_probe_answers_whatever_the_broker_does(client):
    celery_app.conf.task_always_eager = False
    with mock.patch.object(
        celery_app, "connection_for_write", side_effect=ConnectionRefusedError("refused")
    ):
        response = client.get("/healthz/live")

    assert response.status_code == 200


def test_healthz_is_never_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_healthz_answers_503_naming_an_unreachable_broker(client):
    celery_app.conf.task_always_eager = False
    with mock.patch.object(
        celery_app, "connection_for_write", side_effect=ConnectionRefusedError("refused")
    ):
        response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert (body["status"], body["broker"], body["worker"]) == ("error", "error", "unknown")
    assert "refused" in body["details"]["broker"]


def test_healthz_answers_503_when_no_worker_answers(client):
    celery_app.conf.task_always_eager = False
    with (
        mock.patch.object(celery_app, "connection_for_write"),
        mock.patch.object(celery_app.control, "ping", return_value=[]),
    ):
        response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert (body["broker"], body["worker"]) == ("ok", "error")
    assert body["details"]["worker"] == "no worker answered"


def test_healthz_answers_503_when_the_database_fails(client):
    with mock.patch("certify.views.health.connection") as connection:
        connection.cursor.side_effect = RuntimeError("database down")
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error"
