"""Verification with the cache's Redis stopped or hung, tried for real on a
redis-server of the test's own: answers come from the database, the rate
limit fails open, and a change made while Redis was away is never hidden
by a record cached before it."""

import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from certificates import services
from certify.models import OutboxMessage, WebhookDelivery
from certify.services import api_token_create, webhook_endpoint_create
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


def test_an_api_write_answers_with_redis_stopped_and_its_webhook_waits_in_the_outbox(
    client, settings, own_redis, use_broker, manager, organisation, django_capture_on_commit_callbacks
):
    settings.CACHES = {"default": {**django_settings.REDIS_CACHE, "LOCATION": own_redis.url(1)}}
    settings.WEBHOOK_ALLOW_LOCAL = True
    use_broker(own_redis.url(0))
    endpoint, _secret = webhook_endpoint_create(
        actor=manager, url="http://127.0.0.1:9/hooks", events=["certificate.suspended"]
    )
    certificate = certificate_row(organisation, manager)
    _row, token = api_token_create(actor=manager, user=manager, name="erp", scope="write", days=1)
    own_redis.stop()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("api:certificate_suspend", args=[certificate.public_id]),
            {"reason_code": reason("suspend")},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
    assert (response.status_code, response.json()["status"]) == (200, "暂停")
    assert time.monotonic() - started < 2
    # Not lost: the sweep hands it to the worker once Redis is back.
    job = OutboxMessage.objects.get(task_name="certify.tasks.webhook_deliver")
    assert (job.status, WebhookDelivery.objects.get(endpoint=endpoint).attempts) == (OutboxMessage.Status.QUEUED, 0)
