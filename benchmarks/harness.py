"""Measure the key pages on whatever database the settings point at: the
median and p95 server time over repeated requests and the number of SQL
queries, beside the floor view measured in the same run."""

import statistics
import time
from dataclasses import asdict, dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from applications.models import Case
from audits.models import Audit
from certificates.models import Certificate
from certify.models import User
from certify.second_factor import authenticator_ensure

# DEBUG off, no HTTPS redirect, the public rate limit out of the way, and
# static URLs that need no collectstatic run.
BENCH_SETTINGS = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["*"],
    "SECURE_SSL_REDIRECT": False,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    "PUBLIC_RATE_LIMIT": "100000000/m",
    "STAFF_OTP_REQUIRED": True,
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
}


@dataclass
class Result:
    name: str
    url: str
    queries: int
    median_ms: float
    p95_ms: float


class NoData(Exception):
    pass


def _first(queryset, what):
    found = queryset.first()
    if found is None:
        raise NoData(f"No {what} in the database: run seed_scale first.")
    return found


def key_pages():
    """(name, URL, signed in as a manager?) for each page the issue names."""
    case = _first(Case.objects.filter(status=Case.Status.CERTIFIED).order_by("pk"), "certified case")
    # The workspace with everything in it: all items marked, 20 call-backs
    # and its nonconformities.
    audit = _first(
        Audit.objects.filter(
            kind=Audit.Kind.ONSITE, status=Audit.Status.CLOSED, sheet__isnull=False, customer_list__isnull=False
        ).order_by("pk"),
        "closed on-site audit with call-backs",
    )
    # A certificate with revisions, as the public page lists none of them
    # but must not grow with them either.
    valid = Certificate.objects.filter(status=Certificate.Status.ACTIVE).order_by("-revision", "pk")
    certificate = _first(valid, "valid certificate")
    return [
        ("floor", reverse("bench_floor"), True),
        ("manager pipeline", reverse("applications:manager_home"), True),
        ("review queue", reverse("applications:review_queue"), True),
        ("case list, filtered", reverse("applications:case_list") + "?status=certified", True),
        ("case detail with timeline", reverse("applications:case_detail", args=[case.public_id]), True),
        # The workspace is a page per part; each is measured.
        ("audit workspace", reverse("audits:audit_detail", args=[audit.public_id]), True),
        ("audit workspace: call-backs", reverse("audits:callbacks", args=[audit.public_id]), True),
        ("audit workspace: nonconformities", reverse("audits:nonconformities", args=[audit.public_id]), True),
        ("audit workspace: report", reverse("audits:audit_report", args=[audit.public_id]), True),
        ("scoring page", reverse("audits:audit_scoring", args=[audit.public_id]), True),
        ("certificate list", reverse("certificates:certificate_list"), True),
        ("public verification", reverse("certificates:verify_certificate", args=[certificate.token]), False),
        ("register, number prefix", reverse("certificates:public_register") + f"?q={certificate.number[:8]}", False),
    ]


def _get(client, name, url):
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"{name}: {url} answered {response.status_code}")


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Counted now: every request starts by emptying the connection's log.
    return len(captured)


def _percentile(times, fraction):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure_pages(repeat=30, warmup=3):
    """Every key page and the floor, as dicts, in the order of key_pages().

    The pages take turns, one request each per round, so a machine that
    slows down or speeds up during the run moves every page and the floor
    alike instead of whichever page was being measured then.
    """
    with override_settings(ROOT_URLCONF="benchmarks.urls", **BENCH_SETTINGS):
        manager = _first(User.objects.filter(is_manager=True, is_active=True).order_by("pk"), "manager")
        signed_in = Client()
        signed_in.force_login(manager)
        # Signed in as production requires (STAFF_OTP_REQUIRED): verified
        # with a second factor, so the middleware's check is in the figures.
        session = signed_in.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_ensure(manager).persistent_id
        session.save()
        anonymous = Client()
        pages = [(name, url, signed_in if as_manager else anonymous) for name, url, as_manager in key_pages()]
        for name, url, client in pages:
            for _ in range(warmup):
                _get(client, name, url)
        queries = {name: _queries(client, url) for name, url, client in pages}
        times = {name: [] for name, _url, _client in pages}
        for _ in range(repeat):
            for name, url, client in pages:
                started = time.perf_counter()
                client.get(url)
                times[name].append((time.perf_counter() - started) * 1000)
        return [
            asdict(
                Result(
                    name,
                    url,
                    queries[name],
                    round(statistics.median(times[name]), 2),
                    round(_percentile(times[name], 0.95), 2),
                )
            )
            for name, url, _client in pages
        ]
