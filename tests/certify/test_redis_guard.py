"""Redis is an optimisation, never a dependency: with the cache's Redis
refusing connections every page still answers, computing without it, and the
process leaves that Redis alone for a while. (A stopped and a hung Redis are
tried for real in tests/certify/test_faults.py.)"""

import socket
import time

import pytest
from django.core.cache import cache

from certify.cache import changed, versioned
from certify.redis_guard import cache_breaker


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/1"


@pytest.fixture
def redis_cache_down(settings):
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    settings.CACHES = {
        "default": {
            "BACKEND": "certify.redis_guard.GuardedRedisCache",
            "LOCATION": closed_port_url(),
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5, "retry": Retry(NoBackoff(), 0)},
        }
    }


def test_a_read_is_a_miss_and_the_cache_is_then_left_alone(redis_cache_down):
    started = time.monotonic()

    assert cache.get("anything", "default") == "default"
    assert cache_breaker.is_open
    assert cache.get("anything") is None
    assert time.monotonic() - started < 0.5


def test_writes_do_nothing_and_raise_nothing(redis_cache_down):
    cache.set("a", 1)
    cache.set_many({"b": 2})
    cache.delete("a")

    assert cache.add("c", 3) is False


def test_incr_behaves_as_for_a_missing_key(redis_cache_down):
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_a_cached_figure_is_computed_without_the_cache(redis_cache_down):
    changed("figure")

    assert versioned("figure", lambda: 42) == 42


@pytest.mark.django_db
def test_public_pages_answer_and_their_rate_limit_fails_open(client, redis_cache_down, settings):
    settings.PUBLIC_RATE_LIMIT = "1/m"

    statuses = [client.get("/register/").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]


@pytest.mark.django_db
def test_the_managers_pages_answer(client, redis_cache_down, manager):
    client.force_login(manager)

    assert client.get("/manage/").status_code == 200


@pytest.mark.services
def test_the_first_use_of_the_cache_after_an_outage_empties_it(own_redis, settings):
    """A change made while Redis was skipped could not mark cached figures
    stale; they must not be served once it is back."""
    from django.conf import settings as django_settings

    settings.CACHES = {"default": {**django_settings.REDIS_CACHE, "LOCATION": own_redis.url(1)}}
    cache.set("figure", "before the outage")
    cache_breaker.trip(ConnectionError("Redis went away"))
    cache_breaker._closed_until = 0.0  # the pause is over

    assert cache.get("figure") is None
    cache.set("figure", "after")
    assert cache.get("figure") == "after"
