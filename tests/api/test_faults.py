"""Verification with the cache's Redis stopped or hung, tried for real on a
redis-server of the test's own: answers come from the database, the rate
limit fails open, and a change made while Redis was away is never hidden
by a record cached before it."""

import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from certificates import services
from tests.certificates.helpers import certificate_row, reason

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def redis_cache(own_redis, settings):
    settings.CACHES = {"default": {**django_settings.REDIS_CACHE, "LOCATION": own_redis.url(1)}}
    settings.REDIS_PAUSE_SECONDS = 1
    return own_redis


@pytest.fixture
def certificate(organisation, manager):
    return certificate_row(organisation, manager)


def status(client, certificate):
    response = client.get(reverse("api:verify_qr", args=[certificate.token]))
    assert response.status_code == 200
    return response.json()["status"]


def test_verification_answers_with_redis_stopped_and_its_rate_limit_fails_open(client, settings, redis_cache, certificate):
    settings.PUBLIC_RATE_LIMIT = "1/m"
    redis_cache.stop()
    started = time.monotonic()
    assert [status(client, certificate) for _ in range(3)] == ["有效"] * 3
    assert time.monotonic() - started < 2


def test_a_withdrawal_made_while_redis_hung_is_answered_once_redis_is_back(
    client, redis_cache, manager, certificate, django_capture_on_commit_callbacks
):
    assert status(client, certificate) == "有效"
    redis_cache.pause()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_withdraw(actor=manager, certificate=certificate, reason_code=reason("withdraw"))
    assert status(client, certificate) == "撤销"
    redis_cache.resume()
    time.sleep(django_settings.REDIS_PAUSE_SECONDS + 0.2)
    assert status(client, certificate) == "撤销"
