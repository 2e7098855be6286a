"""Background work through a real broker (DESIGN.md "Background work").

These tests start Celery's test worker in a thread against Redis. Without
Redis they skip; with REQUIRE_SERVICES=1 (CI) they fail instead (see the
`redis_broker_url` fixture). Each run uses its own queue, so a developer's
worker on the same Redis cannot take the test's messages.
"""

import socket
import threading
import time
import uuid
from io import StringIO

import kombu.pools
import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.core import mail
from django.core.management import call_command
from django.db import connections, transaction

from certify.celery import app as celery_app
from certify.models import Email, OutboxMessage
from certify.notifications import notify
from certify.outbox import outbox_sweep
from tests.factories import ManagerFactory, OrganisationFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REGISTRATION = {"full_name": "Applicant Sun", "email": "sun@example.com"}


def _closed_port_url():
    """A redis:// URL at a local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def _drop_broker_connections():
    """Forget pooled broker connections, so the next publish uses the new URL."""
    app = celery_app
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    # Celery's producer pools live in kombu's global groups, keyed by host.
    kombu.pools.reset()


@pytest.fixture
def use_broker(monkeypatch):
    """Switch the Celery app to a real broker URL (non-eager); undone afterwards.

    Celery reads CELERY_BROKER_URL from the environment before its own
    configuration, so both are set.
    """
    conf = celery_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "task_always_eager": conf.task_always_eager,
        "task_default_queue": conf.task_default_queue,
    }
    queue = f"certify-test-{uuid.uuid4().hex[:12]}"
    used_urls = []

    def switch(url):
        _drop_broker_connections()
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        conf.broker_url = url
        conf.task_always_eager = False
        used_urls.append(url)

    # The queue list and router are cached on app.amqp: rebuild it for the
    # test's own queue.
    conf.task_default_queue = queue
    celery_app.__dict__.pop("amqp", None)
    celery_app.loader.import_default_modules()
    yield switch
    # The queue and the exchange bindings kombu keeps for it in Redis.
    keys = [queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
    for url in set(used_urls):
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            client.delete(*keys)
            client.close()
        except (redis.RedisError, OSError):
            pass  # the closed port
    _drop_broker_connections()
    for name, value in saved.items():
        setattr(conf, name, value)
    celery_app.__dict__.pop("amqp", None)


class TaskLog:
    """What the worker ran, and a gate that holds it until the test says go.

    The gate keeps the worker from writing while the test thread still
    writes: SQLite's shared in-memory test database refuses a second writer
    at once ("database table is locked") instead of waiting.
    """

    def __init__(self):
        self.runs = []
        self.gate = threading.Event()
        self._finished = threading.Condition()

    def on_prerun(self, sender=None, task=None, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            self.gate.wait(20)
        self.runs.append(
            {
                "task": task.name,
                "eager": bool(getattr(task.request, "is_eager", False)),
                "thread": threading.current_thread(),
                "finished": False,
            }
        )

    def on_postrun(self, sender=None, task=None, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            # The worker thread's connections must not outlive the test.
            connections.close_all()
        with self._finished:
            for run in self.runs:
                if run["task"] == task.name and not run["finished"]:
                    run["finished"] = True
                    break
            self._finished.notify_all()

    def wait_finished(self, task_name, count=1, timeout=20):
        def done():
            return sum(r["finished"] for r in self.runs if r["task"] == task_name) >= count

        with self._finished:
            if not self._finished.wait_for(done, timeout):
                raise AssertionError(f"{task_name} did not finish {count} time(s) in {timeout} s")

    def of(self, task_name):
        return [run for run in self.runs if run["task"] == task_name]


@pytest.fixture
def task_log():
    log = TaskLog()
    task_prerun.connect(log.on_prerun, weak=False)
    task_postrun.connect(log.on_postrun, weak=False)
    yield log
    log.gate.set()
    task_prerun.disconnect(log.on_prerun)
    task_postrun.disconnect(log.on_postrun)


def _worker():
    return start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20, loglevel="WARNING"
    )


EMAIL_SEND = "certify.tasks.email_send"


def test_a_notification_email_goes_through_the_broker_to_the_worker(
    redis_broker_url, use_broker, task_log
):
    manager = ManagerFactory(email="boss@example.com", language="en")
    organisation = OrganisationFactory(legal_name="Broker Test Ltd")
    use_broker(redis_broker_url)

    with _worker():
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
        task_log.wait_finished(EMAIL_SEND)

    email = Email.objects.get(to="boss@example.com")
    assert email.sent_at is not None
    [message] = OutboxMessage.objects.filter(task_name=EMAIL_SEND)
    assert message.args == [email.pk]
    assert message.published_at is not None
    assert message.last_error == ""
    # Taken from the broker and run by the worker thread, not eagerly here.
    [run] = task_log.of(EMAIL_SEND)
    assert run["eager"] is False
    assert run["thread"] is not threading.main_thread()
    [sent] = mail.outbox
    assert sent.to == ["boss@example.com"]
    assert "Broker Test Ltd" in sent.subject


def test_registration_answers_at_once_with_the_broker_down_and_the_sweep_sends_later(
    client, redis_broker_url, use_broker, task_log
):
    use_broker(_closed_port_url())

    started = time.monotonic()
    response = client.post("/accounts/register/", REGISTRATION)
    elapsed = time.monotonic() - started

    assert response.status_code in (200, 302)
    assert elapsed < 2, f"registration took {elapsed:.1f} s with the broker down"
    email = Email.objects.get(to="sun@example.com")
    assert email.sent_at is None
    message = OutboxMessage.objects.get(task_name=EMAIL_SEND)
    assert message.args == [email.pk]
    assert message.published_at is None
    assert message.last_error
    assert mail.outbox == []

    # The broker is back: the sweep publishes the waiting message, once.
    use_broker(redis_broker_url)
    with _worker():
        assert outbox_sweep() == 1
        task_log.gate.set()
        task_log.wait_finished(EMAIL_SEND)
        out = StringIO()
        call_command("outbox_sweep", stdout=out)
        assert "Published 0" in out.getvalue()
        assert outbox_sweep() == 0
        time.sleep(1)  # time enough for a duplicate to arrive, if there were one

    email.refresh_from_db()
    assert email.sent_at is not None
    message.refresh_from_db()
    assert message.published_at is not None
    assert message.last_error == ""
    assert [m.to for m in mail.outbox] == [["sun@example.com"]]
    assert "/accounts/verify/" in mail.outbox[0].body
    assert [run["eager"] for run in task_log.of(EMAIL_SEND)] == [False]
