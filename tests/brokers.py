"""A real Redis broker for tests marked `services`: switching the Celery app
to it, a worker thread, and a log of what the worker ran."""

import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid

import kombu.pools
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.db import connections

from certify.celery import app as celery_app


def closed_port_url():
    """A redis:// URL at a local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def drop_broker_connections():
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


def broker_switcher(monkeypatch):
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
        drop_broker_connections()
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        conf.broker_url = url
        conf.task_always_eager = False
        used_urls.append(url)

    # The queue list and router are cached on app.amqp: rebuild it for the
    # test's own queue.
    conf.task_default_queue = queue
    celery_app.__dict__.pop("amqp", None)
    celery_app.loader.import_default_modules()
    switch.queue = queue
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
    drop_broker_connections()
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


def task_log_connected():
    log = TaskLog()
    task_prerun.connect(log.on_prerun, weak=False)
    task_postrun.connect(log.on_postrun, weak=False)
    yield log
    log.gate.set()
    task_prerun.disconnect(log.on_prerun)
    task_postrun.disconnect(log.on_postrun)


def worker():
    return start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20, loglevel="WARNING"
    )


class RedisServer:
    """A redis-server of the test's own on a free port, to stop, start, pause
    (SIGSTOP: it accepts connections and never answers) and resume."""

    def __init__(self, workdir):
        self.workdir = workdir
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except (redis.RedisError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def stop(self):
        self.resume()
        self.process.terminate()
        self.process.wait(10)

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)
