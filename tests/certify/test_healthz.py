"""/healthz: database, broker and worker as JSON."""

from unittest import mock

import pytest

from certify.celery import app as celery_app

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
    }


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
