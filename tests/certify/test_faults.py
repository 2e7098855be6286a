"""Faults tried for real (issue 13, DESIGN.md "Background work").

Redis is a redis-server of the test's own, stopped and paused; the worker is
Celery's, in a thread or as a real subprocess killed with SIGKILL; the
database connection is terminated with pg_terminate_backend on its own
backend (the shared PostgreSQL server is never restarted). PostgreSQL only:
the worker writes while the test reads, which SQLite's shared in-memory test
database refuses.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import psycopg2
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications.models import Case, Contract, MaterialType
from audits.models import Audit
from certificates import tasks as certificate_tasks
from certificates.models import Certificate
from certify.models import Email, Event, OutboxMessage
from certify.outbox import outbox_sweep
from certify.redis_guard import broker_breaker, cache_breaker
from certify.views import health
from tests.applications.case_helpers import complete, draft_case
from tests.audits.helpers import quotable, running_onsite
from tests.brokers import worker
from tests.certificates.helpers import issued_certificate, reason, report_submitted

# Their own Redis, queue and database; under pytest-xdist, one worker of their own.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(name="faults"),
]

# What a person waits for at most, Redis down or hung (PDF downloads aside).
PAGE_SECONDS = 2
Status = OutboxMessage.Status


@pytest.fixture(autouse=True)
def _postgresql_only(shipped_data):
    if connection.vendor != "postgresql":
        pytest.skip("the fault suite runs on PostgreSQL (DATABASE_URL)")


@pytest.fixture
def redis_everywhere(own_redis, use_broker, settings):
    """The cache and the broker on the test's own Redis, as in production."""
    settings.CACHES = {"default": {**django_settings.REDIS_CACHE, "LOCATION": own_redis.url(1)}}
    use_broker(own_redis.url(0))
    return own_redis


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def is_download(response):
    return response.get("Content-Type", "").startswith("application/") or response.has_header(
        "Content-Disposition"
    )


class Pages:
    """Requests every page linked from where a role starts, once, and keeps
    what answered 500 or slowly."""

    LINK = re.compile(r'href="(/[^"#]*)"')
    NOT_PAGES = ("/static/", "/media/")

    def __init__(self):
        self.seen = set()
        self.problems = []
        self.count = 0

    def get(self, client, path):
        response, elapsed = timed(lambda: client.get(path))
        self.seen.add(path)
        self.count += 1
        if response.status_code >= 500:
            self.problems.append(f"{path}: {response.status_code}")
        elif elapsed > PAGE_SECONDS and not is_download(response):
            self.problems.append(f"{path}: {elapsed:.1f} s")
        return response

    def crawl(self, client, *starts):
        for start in starts:
            response = self.get(client, start)
            if is_download(response) or not response.content:
                continue
            for link in self.LINK.findall(response.content.decode()):
                path = link.replace("&amp;", "&")
                if path not in self.seen and not path.startswith(self.NOT_PAGES):
                    self.get(client, path)


def post(client, path, data=None):
    """A POST that must answer at once, and not with a 500."""
    response, elapsed = timed(lambda: client.post(path, data or {}))
    assert response.status_code < 500, f"POST {path}: {response.status_code}"
    assert elapsed < PAGE_SECONDS, f"POST {path} took {elapsed:.1f} s"
    return response


def case_url(name, case):
    return reverse(f"applications:{name}", args=[case.public_id])


def step(client, user, name, case, moved_to, data=None):
    """`user` posts one step of the case on its page; the case moves."""
    client.force_login(user)
    response = post(client, case_url(name, case), data)
    case.refresh_from_db()
    shown = [str(m) for m in response.wsgi_request._messages] if hasattr(response, "wsgi_request") else []
    assert case.status == moved_to, f"{name}: still {case.status}; {shown}"


def signed_through_the_pages(client, applicant, manager, case):
    """From submission to the signed contract, each step posted as its user would."""
    Status = Case.Status
    step(client, applicant, "case_submit", case, Status.SUBMITTED)
    step(client, manager, "case_review_start", case, Status.UNDER_REVIEW)
    reviews = {
        f"review-{pk}": "accepted"
        for pk in MaterialType.objects.filter(scheme_id=case.version.scheme_id).values_list("pk", flat=True)
    }
    step(client, manager, "case_review_decide", case, Status.ACCEPTED, {"decision": "accept", **reviews})
    step(client, manager, "case_contract_send", case, Status.CONTRACT_SENT)
    step(client, applicant, "case_contract_accept", case, Status.CONTRACT_ACCEPTED, {"typed_name": "张三", "agree": "on"})
    prepayment = Contract.objects.get(case=case).prepayment
    step(client, manager, "case_prepayment_record", case, Status.CONTRACT_SIGNED, {"amount": str(prepayment)})


def wait_until_all_done(seconds=60):
    deadline = time.monotonic() + seconds
    while OutboxMessage.objects.exclude(status=Status.DONE).exists():
        if time.monotonic() > deadline:
            left = list(OutboxMessage.objects.exclude(status=Status.DONE).values("task_name", "status", "last_error"))
            raise AssertionError(f"jobs not done after {seconds} s: {left}")
        time.sleep(0.2)


def test_every_role_completes_its_steps_with_redis_stopped_then_hung_and_everything_arrives_once_it_is_back(
    client, applicant, organisation, manager, redis_everywhere, task_log
):
    redis = redis_everywhere
    task_log.gate.set()
    pages = Pages()
    case = complete(draft_case(applicant, quotable(organisation)), applicant)

    # Redis stopped: connections are refused at once.
    redis.stop()
    signed_through_the_pages(client, applicant, manager, case)
    audit, lead, _member = running_onsite(case, manager)
    report_submitted(audit, lead, nonconforming=("C2.1",), recommendation="star3")
    client.force_login(applicant)
    pages.crawl(client, "/", case_url("case_detail", case))
    client.force_login(lead)
    pages.crawl(client, "/")
    client.logout()
    pages.crawl(client, "/", "/verify/", "/accounts/register/", "/complaints/new/")
    post(client, "/accounts/register/", {"full_name": "Applicant Sun", "email": "sun@example.com"})

    # Redis hung: it accepts connections and never answers. Each request
    # starts as a fresh process would, not knowing Redis is hung.
    redis.start()
    redis.pause()
    client.force_login(manager)
    cache_breaker.reset()
    broker_breaker.reset()
    post(
        client,
        reverse("certificates:decision", args=[case.public_id]),
        {"outcome": "certified", "level_code": "star3", "reason": ""},
    )
    certificate = Certificate.objects.get(case=case)
    cache_breaker.reset()
    broker_breaker.reset()
    post(
        client,
        reverse("certificates:certificate_status", args=[certificate.public_id, "suspend"]),
        {"suspend-reason_code": reason("suspend"), "suspend-note": "复查"},
    )
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
    cache_breaker.reset()
    broker_breaker.reset()
    pages.crawl(client, "/", case_url("case_detail", case), reverse("certificates:certificate_detail", args=[certificate.public_id]))
    client.logout()
    pages.crawl(client, reverse("certificates:verify_certificate", args=[certificate.token]))
    # The operator's probe says what is down, promptly (its answer is kept 5 s).
    health._memo["body"] = None
    response, elapsed = timed(lambda: client.get("/healthz"))
    assert (response.status_code, response.json()["broker"]) == (503, "error")
    assert elapsed < PAGE_SECONDS

    assert pages.problems == []
    assert pages.count > 40
    # Nothing went out while Redis was away: it all waits in the outbox.
    assert mail.outbox == []
    assert not OutboxMessage.objects.filter(status=Status.DONE).exists()

    # Redis is back; the process's pause after the error is over.
    redis.resume()
    cache_breaker.reset()
    broker_breaker.reset()
    with worker():
        assert outbox_sweep() > 0
        wait_until_all_done()
        time.sleep(1)  # time enough for a duplicate to arrive, if there were one
        assert outbox_sweep() == 0

    emails = Email.objects.all()
    assert emails.count() > 5
    assert not emails.filter(sent_at__isnull=True).exists()
    assert len(mail.outbox) == emails.count()
    assert sorted(m.subject for m in mail.outbox) == sorted(emails.values_list("subject", flat=True))
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.pdf_sha256
    assert Contract.objects.get(case=case).pdf
    assert Audit.objects.get(pk=audit.pk).report_pdf
    assert Event.objects.filter(verb="certificate.pdf_rendered").count() == 1


# --- A real worker, killed --------------------------------------------------------------


def children_of(pid):
    """The process ids whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_process(redis_everywhere, use_broker, settings, tmp_path):
    """`celery worker` as an operator runs it (one prefork child), on the
    test's database, media, Redis and queue."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_everywhere.url(0),
        "CACHE_URL": redis_everywhere.url(1),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A", "certify", "worker",
            "--pool", "prefork", "--concurrency", "1",
            "--queues", use_broker.queue,
            "--without-mingle", "--without-gossip", "--without-heartbeat",
            "--loglevel", "WARNING",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.01)


def test_a_worker_child_killed_in_the_middle_of_a_certificate_pdf_leaves_the_pdf_made_once_soon_after(
    applicant, organisation, manager, worker_process
):
    certificate = issued_certificate(applicant, organisation, manager)
    job = OutboxMessage.objects.get(task_name="certificates.tasks.certificate_render_pdf")

    wait_for(lambda: OutboxMessage.objects.get(pk=job.pk).attempts == 1, 60, "the worker took the job")
    [child] = children_of(worker_process.pid)
    os.kill(child, signal.SIGSTOP)
    assert not Certificate.objects.get(pk=certificate.pk).pdf, "the PDF was made before the kill"
    os.kill(child, signal.SIGKILL)

    wait_for(lambda: OutboxMessage.objects.get(pk=job.pk).status == Status.DONE, 30, "the job ran again")
    certificate.refresh_from_db()
    assert certificate.pdf
    assert OutboxMessage.objects.get(pk=job.pk).attempts == 2
    assert [p.name for p in Path(certificate.pdf.path).parent.iterdir()] == [Path(certificate.pdf.name).name]
    assert Event.objects.filter(verb="certificate.pdf_rendered").count() == 1


# --- PostgreSQL connections terminated --------------------------------------------------


def terminate_own_backend():
    # The statement fails as its connection ends: that is the point.
    with connection.cursor() as cursor, contextlib.suppress(Exception):
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def test_a_job_whose_database_connection_is_terminated_fails_and_runs_again_after_its_backoff(
    applicant, organisation, manager, monkeypatch
):
    render = certificate_tasks.certificate_pdf

    def terminated_while_rendering(certificate):
        data = render(certificate)
        terminate_own_backend()
        return data

    monkeypatch.setattr(certificate_tasks, "certificate_pdf", terminated_while_rendering)
    certificate = issued_certificate(applicant, organisation, manager)

    job = OutboxMessage.objects.get(task_name="certificates.tasks.certificate_render_pdf")
    assert job.status == Status.QUEUED
    assert job.attempts == 1
    assert "terminat" in job.last_error or "connection" in job.last_error
    assert not Certificate.objects.get(pk=certificate.pk).pdf

    monkeypatch.setattr(certificate_tasks, "certificate_pdf", render)
    assert outbox_sweep() == 0  # not before its backoff
    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=1)):
        assert outbox_sweep() == 1
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert job.attempts == 2
    assert Certificate.objects.get(pk=certificate.pk).pdf


def served(path, query=""):
    """The status of `path` served by Django's WSGI handler as a server runs it:
    unlike the test client, with the request signals that manage connections."""
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    response.close()  # request_finished: where a server keeps or closes the connection
    return int(statuses[0].split()[0])


def test_a_page_answers_after_postgresql_ended_its_kept_open_connection():
    """CONN_HEALTH_CHECKS: a kept-open connection the server ended is replaced
    before the request uses it (a PostgreSQL restart does the same to all)."""
    path, query = reverse("certificates:verify"), "number=01626AS00001R0"
    assert served(path, query) == 200
    assert connection.connection is not None, "the connection was not kept open"
    backend = connection.connection.info.backend_pid

    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    other.close()

    assert served(path, query) == 200
