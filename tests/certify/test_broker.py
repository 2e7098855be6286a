"""Background work through a real broker (DESIGN.md "Background work").

These tests start Celery's test worker in a thread against Redis. Without
Redis they skip; with REQUIRE_SERVICES=1 (CI) they fail instead (see the
`redis_broker_url` fixture). Each run uses its own queue, so a developer's
worker on the same Redis cannot take the test's messages.
"""

import threading
import time
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from certify.models import Email, OutboxMessage
from certify.notifications import notify
from certify.outbox import outbox_sweep
from certify.redis_guard import broker_breaker
from tests.brokers import closed_port_url, worker
from tests.factories import ManagerFactory, OrganisationFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REGISTRATION = {"full_name": "Applicant Sun", "email": "sun@example.com"}


EMAIL_SEND = "certify.tasks.email_send"
# The worker runs every job through the outbox's runner, which records its outcome.
OUTBOX_RUN = "certify.tasks.outbox_run"


def test_a_notification_email_goes_through_the_broker_to_the_worker(
    redis_broker_url, use_broker, task_log
):
    manager = ManagerFactory(email="boss@example.com", language="en")
    organisation = OrganisationFactory(legal_name="Broker Test Ltd")
    use_broker(redis_broker_url)

    with worker():
        with transaction.atomic():
            notify(
                [manager],
                template="organisation_created",
                context={"organisation": organisation, "creator": manager},
                url="/manage/",
            )
        # After commit the message was published, not run: nothing sent yet.
        assert mail.outbox == []
        task_log.gate.set()
        task_log.wait_finished(OUTBOX_RUN)

    email = Email.objects.get(to="boss@example.com")
    assert email.sent_at is not None
    [message] = OutboxMessage.objects.filter(task_name=EMAIL_SEND)
    assert message.args == [email.pk]
    assert message.status == OutboxMessage.Status.DONE
    assert message.last_error == ""
    # Taken from the broker and run by the worker thread, not eagerly here.
    [run] = task_log.of(OUTBOX_RUN)
    assert run["eager"] is False
    assert run["thread"] is not threading.main_thread()
    [sent] = mail.outbox
    assert sent.to == ["boss@example.com"]
    assert "Broker Test Ltd" in sent.subject


def test_registration_answers_at_once_with_the_broker_down_and_the_sweep_sends_later(
    client, redis_broker_url, use_broker, task_log
):
    use_broker(closed_port_url())

    started = time.monotonic()
    response = client.post("/accounts/register/", REGISTRATION)
    elapsed = time.monotonic() - started

    assert response.status_code in (200, 302)
    assert elapsed < 2, f"registration took {elapsed:.1f} s with the broker down"
    email = Email.objects.get(to="sun@example.com")
    assert email.sent_at is None
    message = OutboxMessage.objects.get(task_name=EMAIL_SEND)
    assert message.args == [email.pk]
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.last_error
    assert mail.outbox == []

    # The broker is back (and the process's pause after the error is over):
    # the sweep publishes the waiting message, once.
    use_broker(redis_broker_url)
    broker_breaker.reset()
    with worker():
        assert outbox_sweep() == 1
        task_log.gate.set()
        task_log.wait_finished(OUTBOX_RUN)
        out = StringIO()
        call_command("outbox_sweep", stdout=out)
        assert "Published 0" in out.getvalue()
        assert outbox_sweep() == 0
        time.sleep(1)  # time enough for a duplicate to arrive, if there were one

    email.refresh_from_db()
    assert email.sent_at is not None
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DONE
    assert message.last_error == ""
    assert [m.to for m in mail.outbox] == [["sun@example.com"]]
    assert "/accounts/verify/" in mail.outbox[0].body
    assert [run["eager"] for run in task_log.of(OUTBOX_RUN)] == [False]
