"""The outbox: enqueue writes a row in the caller's transaction, publishes
after commit, and leaves the row for the sweep when the broker refuses."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from certify import outbox
from certify.celery import app as celery_app
from certify.models import OutboxMessage
from certify.notifications import email_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker():
    """A real-broker configuration whose publishing is a mock: a test makes it
    fail with `broker.send_task.side_effect`."""
    celery_app.conf.task_always_eager = False
    with mock.patch.object(celery_app, "send_task") as send_task:
        yield mock.Mock(send_task=send_task)


@pytest.fixture
def broker_down(broker):
    broker.send_task.side_effect = ConnectionRefusedError("broker unreachable")
    return broker


def queue_email():
    return email_queue(to="someone@example.com", template="test", subject="Hello", body_text="Body")


def test_enqueue_writes_an_unpublished_row_before_commit():
    with transaction.atomic():
        message = outbox.enqueue("certify.tasks.email_send", 42)

    message.refresh_from_db()
    assert message.task_name == "certify.tasks.email_send"
    assert message.args == [42]
    assert message.published_at is None


def test_enqueue_publishes_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email()

    message = OutboxMessage.objects.get()
    assert message.published_at is not None
    assert message.args == [email.pk]


def test_an_enqueued_row_rolled_back_with_its_transaction_is_never_published(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_email()
        raise RuntimeError("the change failed")

    assert callbacks == []
    assert not OutboxMessage.objects.exists()


def test_eager_mode_runs_the_task_in_process(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    assert [message.subject for message in mail.outbox] == ["Hello"]


def test_publishing_hands_the_task_and_its_arguments_to_the_broker(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email()

    broker.send_task.assert_called_once_with(
        "certify.tasks.email_send", args=[email.pk], retry=False
    )
    assert OutboxMessage.objects.get().published_at is not None


def test_a_publish_failure_does_not_raise_into_the_request(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    assert broker_down.send_task.call_count == 1


def test_a_publish_failure_leaves_the_row_for_the_sweep(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    message = OutboxMessage.objects.get()
    assert message.published_at is None
    assert message.claimed_until is None
    assert message.attempts == 1
    assert "broker unreachable" in message.last_error


def test_a_publish_failure_sends_no_email(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    assert mail.outbox == []


def test_the_sweep_publishes_what_waited(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email()
    broker_down.send_task.side_effect = None
    broker_down.send_task.reset_mock()

    assert outbox.outbox_sweep() == 1

    broker_down.send_task.assert_called_once_with(
        "certify.tasks.email_send", args=[email.pk], retry=False
    )
    message = OutboxMessage.objects.get()
    assert message.published_at is not None
    assert message.last_error == ""


def test_the_sweep_in_eager_mode_delivers_the_waiting_email(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    celery_app.conf.task_always_eager = True

    outbox.outbox_sweep()

    assert [message.to for message in mail.outbox] == [["someone@example.com"]]


def test_the_sweep_leaves_a_row_when_the_broker_is_still_down(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    assert outbox.outbox_sweep() == 0

    message = OutboxMessage.objects.get()
    assert message.published_at is None
    assert message.attempts == 2


def test_the_sweep_skips_rows_already_published(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    broker.send_task.reset_mock()

    assert outbox.outbox_sweep() == 0

    broker.send_task.assert_not_called()


def test_the_sweep_publishes_oldest_first_up_to_its_limit(broker):
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        newer = outbox.enqueue("certify.tasks.email_send", 2)
    with time_machine.travel("2026-03-01 10:00 +0800", tick=False):
        older = outbox.enqueue("certify.tasks.email_send", 1)

    assert outbox.outbox_sweep(limit=1) == 1

    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.published_at is not None
    assert newer.published_at is None


def test_a_claimed_row_is_not_published_twice(broker):
    message = outbox.enqueue("certify.tasks.email_send", 1)
    # Another process (a sweep, or the on-commit publish) holds the claim.
    assert outbox._claim(message.pk) is True

    assert outbox.publish(message.pk) is False

    broker.send_task.assert_not_called()


def test_a_sweep_during_an_on_commit_publish_does_not_send_the_row_again(broker):
    message = outbox.enqueue("certify.tasks.email_send", 1)

    def sweep_meanwhile(*args, **kwargs):
        # While the first publish talks to the broker, a sweep runs.
        assert outbox.outbox_sweep() == 0

    broker.send_task.side_effect = sweep_meanwhile

    assert outbox.publish(message.pk) is True
    assert broker.send_task.call_count == 1


def test_a_published_row_is_not_published_again(broker):
    message = outbox.enqueue("certify.tasks.email_send", 1)
    outbox.publish(message.pk)

    assert outbox.publish(message.pk) is False
    assert broker.send_task.call_count == 1


def test_a_claim_left_by_a_dead_process_expires(broker):
    message = outbox.enqueue("certify.tasks.email_send", 1)
    outbox._claim(message.pk)
    later = timezone.now() + timedelta(seconds=outbox.CLAIM_SECONDS + 1)

    with time_machine.travel(later):
        assert outbox.publish(message.pk) is True

    broker.send_task.assert_called_once()


def test_the_periodic_sweep_task_publishes_waiting_rows(broker):
    from certify.tasks import outbox_sweep

    outbox.enqueue("certify.tasks.email_send", 1)

    assert outbox_sweep() == 1


def test_the_sweep_is_also_a_management_command(broker):
    outbox.enqueue("certify.tasks.email_send", 1)

    call_command("outbox_sweep")

    assert OutboxMessage.objects.get().published_at is not None
