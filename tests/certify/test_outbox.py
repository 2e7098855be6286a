"""The outbox: a job is written in the caller's transaction, handed to the
worker after commit (run in-process in the embedded default), and its
outcome recorded; failures wait and are tried again by the sweep, and a job
that keeps failing is failed and listed for managers."""

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
from certify.models import JobRun, OutboxMessage
from certify.notifications import email_queue
from certify.redis_guard import broker_breaker

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


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


@pytest.fixture
def smtp_down():
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp down")
    ) as send:
        yield send


def queue_email():
    return email_queue(to="someone@example.com", template="test", subject="Hello", body_text="Body")


def after(minutes):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes, seconds=1))


# --- Enqueueing and publishing ------------------------------------------------------


def test_enqueue_writes_a_waiting_row_before_commit():
    with transaction.atomic():
        message = outbox.enqueue("certify.tasks.email_send", 42)

    message.refresh_from_db()
    assert (message.task_name, message.args, message.status) == (
        "certify.tasks.email_send",
        [42],
        Status.QUEUED,
    )


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


def test_in_eager_mode_the_job_runs_after_commit_and_is_recorded_done(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    message = OutboxMessage.objects.get()
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert (message.status, message.attempts) == (Status.DONE, 1)
    assert message.done_at is not None


def test_publishing_hands_the_job_to_the_worker_by_its_row(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    message = OutboxMessage.objects.get()
    broker.send_task.assert_called_once_with("certify.tasks.outbox_run", args=[message.pk], retry=False)
    assert message.status == Status.PUBLISHED
    assert message.published_at is not None


def test_a_publish_failure_does_not_raise_and_leaves_the_job_waiting(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.claimed_until) == (Status.QUEUED, 0, None)
    assert "broker is not available" in message.last_error
    assert mail.outbox == []


def test_after_a_broker_error_the_process_leaves_the_broker_alone_for_a_while(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
        queue_email()

    assert broker_down.send_task.call_count == 1
    assert OutboxMessage.objects.filter(status=Status.QUEUED).count() == 2


def test_the_sweep_publishes_what_waited_once_the_pause_is_over(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    broker_down.send_task.side_effect = None
    broker_down.send_task.reset_mock()
    broker_breaker.reset()

    assert outbox.outbox_sweep() == 1

    message = OutboxMessage.objects.get()
    broker_down.send_task.assert_called_once_with("certify.tasks.outbox_run", args=[message.pk], retry=False)
    assert message.status == Status.PUBLISHED


def test_the_sweep_in_eager_mode_delivers_the_waiting_email(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    celery_app.conf.task_always_eager = True

    outbox.outbox_sweep()

    assert [message.to for message in mail.outbox] == [["someone@example.com"]]


def test_the_sweep_leaves_a_job_waiting_while_the_broker_is_down(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    broker_breaker.reset()

    assert outbox.outbox_sweep() == 0
    assert OutboxMessage.objects.get().status == Status.QUEUED


def test_the_sweep_leaves_a_job_with_the_worker_alone_for_a_while(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    broker.send_task.reset_mock()

    assert outbox.outbox_sweep() == 0
    broker.send_task.assert_not_called()


def test_the_sweep_hands_over_again_a_job_the_worker_did_not_finish(
    broker, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    broker.send_task.reset_mock()

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OUTBOX_RUN_TIMEOUT + 1)):
        assert outbox.outbox_sweep() == 1

    broker.send_task.assert_called_once()


def test_the_sweep_publishes_oldest_first_up_to_its_limit(broker):
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        newer = outbox.enqueue("certify.tasks.email_send", 2)
    with time_machine.travel("2026-03-01 10:00 +0800", tick=False):
        older = outbox.enqueue("certify.tasks.email_send", 1)

    assert outbox.outbox_sweep(limit=1) == 1

    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, newer.status) == (Status.PUBLISHED, Status.QUEUED)


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


def test_a_claim_left_by_a_dead_process_expires(broker):
    message = outbox.enqueue("certify.tasks.email_send", 1)
    outbox._claim(message.pk)

    with time_machine.travel(timezone.now() + timedelta(seconds=outbox.CLAIM_SECONDS + 1)):
        assert outbox.publish(message.pk) is True

    broker.send_task.assert_called_once()


def test_the_periodic_sweep_publishes_waiting_rows_and_records_its_run(broker):
    from certify.tasks import outbox_sweep

    outbox.enqueue("certify.tasks.email_send", 1)

    assert outbox_sweep() == 1
    assert JobRun.objects.get().outcome == JobRun.Outcome.DONE


def test_the_sweep_is_also_a_management_command(broker):
    outbox.enqueue("certify.tasks.email_send", 1)

    call_command("outbox_sweep", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert OutboxMessage.objects.get().status == Status.PUBLISHED


# --- Running a job and recording its outcome ------------------------------------------


def test_a_failed_job_records_its_error_and_waits_a_minute(smtp_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert message.last_error == "OSError: smtp down"
    assert timedelta(seconds=59) < message.next_attempt_at - timezone.now() <= timedelta(minutes=1)


def test_in_eager_mode_a_failed_job_is_not_tried_again_inside_the_request(
    smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()

    assert smtp_down.call_count == 1


def test_the_sweep_tries_a_failed_job_again_after_its_pause(smtp_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    smtp_down.side_effect = None

    assert outbox.outbox_sweep() == 0
    with after(minutes=1):
        assert outbox.outbox_sweep() == 1

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == (Status.DONE, 2, "")


def test_failed_attempts_wait_1_5_15_and_60_minutes(smtp_down):
    queue_email()
    message = OutboxMessage.objects.get()
    waits = []
    for _attempt in range(5):
        message.refresh_from_db()
        with time_machine.travel(message.next_attempt_at + timedelta(seconds=1), tick=False):
            outbox.outbox_run(message.pk)
            message.refresh_from_db()
            waits.append(round((message.next_attempt_at - timezone.now()).total_seconds() / 60))

    assert waits == [1, 5, 15, 60, 60]


def test_a_job_that_keeps_failing_is_failed_after_its_attempts(smtp_down, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    queue_email()
    message = OutboxMessage.objects.get()

    outbox.outbox_run(message.pk)
    outbox.outbox_run(message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 2)


def test_a_job_delivered_again_after_it_was_done_does_not_run_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    message = OutboxMessage.objects.get()

    outbox.outbox_run(message.pk)

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_a_failed_job_tried_again_gets_fresh_attempts(smtp_down, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    smtp_down.side_effect = None
    message = OutboxMessage.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_retry(message.pk) is True

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.DONE, 1)


# --- A worker that dies running a job ----------------------------------------------------


def test_a_job_whose_worker_died_in_every_attempt_is_failed_when_delivered_again(
    broker, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    message = OutboxMessage.objects.get()
    # Two deliveries whose worker was killed after counting its attempt.
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=2)

    outbox.outbox_run(message.pk)

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "worker stopped" in message.last_error
    assert mail.outbox == []


def test_the_sweep_fails_an_unfinished_job_that_used_its_attempts_instead_of_handing_it_over_again(
    broker, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=settings.OUTBOX_MAX_ATTEMPTS)
    broker.send_task.reset_mock()

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OUTBOX_RUN_TIMEOUT + 1)):
        assert outbox.outbox_sweep() == 0

    assert OutboxMessage.objects.get(pk=message.pk).status == Status.FAILED
    broker.send_task.assert_not_called()


def test_a_job_failed_by_a_quick_worker_before_the_publisher_finished_stays_waiting(
    broker, django_capture_on_commit_callbacks
):
    def worker_fails_at_once(name, args, **kwargs):
        OutboxMessage.objects.filter(pk=args[0]).update(
            status=Status.QUEUED, attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=1)
        )

    broker.send_task.side_effect = worker_fails_at_once
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    message = OutboxMessage.objects.get()

    message.refresh_from_db()
    assert message.status == Status.QUEUED
    with after(1):
        broker.send_task.side_effect = None
        assert outbox.outbox_sweep() == 1
