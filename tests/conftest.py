"""Shared fixtures: one person per role (tests/worlds.py's Cast).

Whatever the environment says, tests run Celery eagerly with a local-memory
cache and e-mail outbox; only tests marked `services` use the real broker.
"""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from certify.celery import app as celery_app
from certify.redis_guard import broker_breaker, cache_breaker
from certify.views import health
from tests import brokers
from tests.worlds import TEST_SETTINGS, Cast


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)
    settings.MEDIA_ROOT = tmp_path / "media"
    # A local-memory cache outlives a test: start each with no rate-limit
    # counts left by an earlier one (every test client has one address).
    cache.clear()
    # Kept in the process: a test starts with no memoised health report and
    # with Redis not skipped.
    health._memo["body"] = None
    cache_breaker.reset()
    broker_breaker.reset()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def cast(db):
    """The people of the test; a module sharing a world (tests/worlds.py)
    has its own."""
    return Cast()


@pytest.fixture
def manager(cast):
    return cast.manager


@pytest.fixture
def auditor(cast):
    return cast.auditor


@pytest.fixture
def applicant(cast):
    return cast.applicant


@pytest.fixture
def organisation(cast):
    return cast.organisation


@pytest.fixture
def outsider(cast):
    """An applicant of another organisation: must never see `organisation`."""
    return cast.outsider


@pytest.fixture
def applicant_without_organisation(cast):
    return cast.applicant_without_organisation


@pytest.fixture
def english():
    """Messages in English, whatever the state of the Chinese catalogue, so
    tests can assert on their text."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client):
    """A test client whose browser asks for English pages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_broker_url():
    """The Redis broker from CELERY_BROKER_URL (else the local default).

    Tests marked `services` use it; when Redis does not answer they skip, or
    fail with REQUIRE_SERVICES=1 (CI), so a missing service is never mistaken
    for a pass.
    """
    import os

    import redis

    url = os.environ.get("CELERY_BROKER_URL") or DEFAULT_REDIS_URL
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError) as exc:
        message = f"Redis at {url} is unreachable: {exc}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message} (REQUIRE_SERVICES=1)")
        pytest.skip(message)
    return url


@pytest.fixture
def shipped_data(transactional_db):
    """Reload the data migrations ship (schemes, material types, reason codes,
    the body's public pages): a transactional test's flush empties every
    table, and pytest-django runs those tests last, so each one reloads them
    with the migrations' loaders."""
    from applications.catalogue import load_material_types
    from certificates.catalogue import load_reason_codes
    from certificates.catalogue_pages import load_public_pages
    from scoring.catalogue import load_shipped_schemes

    load_shipped_schemes()
    load_material_types()
    load_reason_codes()
    load_public_pages()


@pytest.fixture
def self_assessment(applicant, organisation):
    """A self-assessment of `organisation` against the shipped GB/T 27922 scheme."""
    from applications.services import self_assessment_create
    from scoring.catalogue import GBT27922
    from scoring.selectors import scheme_version_latest_published

    return self_assessment_create(
        actor=applicant,
        organisation=organisation,
        version=scheme_version_latest_published(GBT27922),
        title="2026 自评",
        target_level="star4",
    )


@pytest.fixture
def self_assessment_with_evidence(self_assessment, applicant):
    """The self-assessment with one marked item carrying a PDF."""
    from scoring.models import Item
    from scoring.services import mark_evidence_add, mark_set
    from tests.samples import MINIMAL_PDF

    item = Item.objects.get(indicator__category__version=self_assessment.sheet.version, code="A1.1")
    mark_set(actor=applicant, sheet=self_assessment.sheet, item_id=item.pk, result="conforming")
    evidence = mark_evidence_add(
        actor=applicant,
        sheet=self_assessment.sheet,
        item_id=item.pk,
        upload=SimpleUploadedFile("组织机构图.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    return self_assessment, evidence


@pytest.fixture
def use_broker(monkeypatch):
    """Switch the Celery app to a real broker URL (non-eager), on a queue of
    the test's own; undone afterwards."""
    yield from brokers.broker_switcher(monkeypatch)


@pytest.fixture
def task_log():
    """What the worker ran (tests.brokers.TaskLog)."""
    yield from brokers.task_log_connected()


@pytest.fixture
def own_redis(tmp_path_factory):
    """A redis-server of the test's own, on a free port: a fault test stops and
    pauses it without touching anyone else's Redis."""
    import os
    import shutil

    if shutil.which("redis-server") is None:
        message = "redis-server is not installed"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message} (REQUIRE_SERVICES=1)")
        pytest.skip(message)
    server = brokers.RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


# The longest tests, by their measured time: started first among the
# transactional tests (which pytest-django runs after all others), so that
# one worker runs each while the others share the rest, instead of one of
# them running alone at the end of the suite.
TOUR = "tests/browser/test_tour.py::test_every_page_of_the_role_is_reached_and_looks_finished"
LONGEST_FIRST = (
    # Tour tests load the run's copy of the demo (tests/browser/demo.py),
    # seeded by the first test that needed it; a worker taking a tour test
    # while another seeds waits, so the next tests are others.
    f"{TOUR}[manager]",
    "tests/browser/test_audit_journey.py::",
    f"{TOUR}[applicant]",
    "tests/browser/test_application_journey.py::",
    "tests/browser/test_tour.py::",
)


def _transactional(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    start = next((index for index, item in enumerate(items) if _transactional(item)), None)
    if start is None:
        return
    longest = [item for item in items[start:] if item.nodeid.startswith(LONGEST_FIRST)]
    longest.sort(key=lambda item: next(i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)))
    rest = [item for item in items[start:] if item not in longest]
    items[start:] = longest + rest
