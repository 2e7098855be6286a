"""Webhooks posted to a receiver of the test's own (a local HTTP server,
allowed by WEBHOOK_ALLOW_LOCAL): signed, sent once committed through the
outbox and tried again after a failure, never following a redirect, and
refused for local hosts without the setting; the managers' page."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates import services as certificate_services
from certify import services
from certify.exceptions import CertifyError
from certify.models import OutboxMessage, WebhookDelivery
from certify.outbox import outbox_sweep
from tests.certificates.helpers import certificate_row, reason

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server that records what is posted and answers
    `status` (with `headers`) after `delay` seconds."""

    def __init__(self):
        self.requests, self.status, self.headers, self.delay, self.body = [], 200, {}, 0, b"ok"
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                receiver.requests.append((dict(self.headers), self.rfile.read(length)))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def subscribed(receiver, manager):
    endpoint, secret = services.webhook_endpoint_create(
        actor=manager, url=receiver.url, events=["certificate.suspended"], description="ERP"
    )
    return endpoint, secret


def suspend(manager, certificate, capture):
    with capture(execute=True):
        certificate_services.certificate_suspend(actor=manager, certificate=certificate, reason_code=reason("suspend"))


def test_a_subscribed_event_is_posted_signed_once_committed(
    receiver, subscribed, manager, organisation, django_capture_on_commit_callbacks
):
    _endpoint, secret = subscribed
    certificate = certificate_row(organisation, manager)
    suspend(manager, certificate, django_capture_on_commit_callbacks)
    [(headers, body)] = receiver.requests
    expected = hmac.new(secret.encode(), f"{headers['X-Certify-Timestamp']}.".encode() + body, hashlib.sha256)
    assert headers["X-Certify-Signature"] == f"sha256={expected.hexdigest()}"
    assert (headers["X-Certify-Event"], json.loads(body)["data"]["id"]) == (
        "certificate.suspended",
        str(certificate.public_id),
    )
    assert set(json.loads(body)) == {"id", "event", "created_at", "data"}


def test_the_delivery_is_recorded_with_the_receivers_answer(
    receiver, subscribed, manager, organisation, django_capture_on_commit_callbacks
):
    suspend(manager, certificate_row(organisation, manager), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.response_status, delivery.response_body, delivery.delivered_at is not None) == (200, "ok", True)


def test_an_event_not_subscribed_to_is_not_posted(
    receiver, subscribed, manager, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificate_cancel(
            actor=manager, certificate=certificate_row(organisation, manager), reason_code=reason("cancel")
        )
    assert receiver.requests == []


def test_a_failed_delivery_is_tried_again_by_the_outbox_until_it_is_delivered(
    receiver, subscribed, manager, organisation, django_capture_on_commit_callbacks
):
    receiver.status = 500
    suspend(manager, certificate_row(organisation, manager), django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.get().response_status == 500
    receiver.status = 200
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        outbox_sweep()
    delivery = WebhookDelivery.objects.get()
    assert (len(receiver.requests), delivery.attempts, delivery.delivered_at is not None) == (2, 2, True)
    assert OutboxMessage.objects.get(task_name="certify.tasks.webhook_deliver").status == OutboxMessage.Status.DONE


def test_a_redirect_is_not_followed(receiver, subscribed, manager, organisation, django_capture_on_commit_callbacks):
    receiver.status, receiver.headers = 302, {"Location": "http://169.254.169.254/latest/meta-data/"}
    suspend(manager, certificate_row(organisation, manager), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (len(receiver.requests), delivery.response_status, delivery.delivered_at) == (1, 302, None)


def test_a_receiver_slower_than_the_timeout_is_not_waited_for(
    receiver, subscribed, manager, organisation, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    receiver.delay = 1
    suspend(manager, certificate_row(organisation, manager), django_capture_on_commit_callbacks)
    assert "timed out" in WebhookDelivery.objects.get().error


def test_only_the_first_kilobyte_of_the_answer_is_kept(
    receiver, subscribed, manager, organisation, django_capture_on_commit_callbacks
):
    receiver.body = b"x" * 5000
    suspend(manager, certificate_row(organisation, manager), django_capture_on_commit_callbacks)
    assert len(WebhookDelivery.objects.get().response_body) == 1024


def test_a_local_address_is_refused_without_the_setting(manager, english):
    with pytest.raises(CertifyError, match="private or local host"):
        services.webhook_endpoint_create(actor=manager, url="https://127.0.0.1/hooks", events=["certificate.issued"])


def test_a_plain_http_address_is_refused_without_the_setting(manager, english):
    with pytest.raises(CertifyError, match="Use an https:// address"):
        services.webhook_endpoint_create(actor=manager, url="http://erp.example.com/", events=["certificate.issued"])


def test_an_unknown_event_is_refused(receiver, manager, english):
    with pytest.raises(CertifyError, match="Choose the events"):
        services.webhook_endpoint_create(actor=manager, url=receiver.url, events=["certificate.painted"])


def test_only_a_manager_registers_a_webhook(receiver, auditor, english):
    with pytest.raises(CertifyError, match="Only a manager"):
        services.webhook_endpoint_create(actor=auditor, url=receiver.url, events=["certificate.issued"])


# --- The page -----------------------------------------------------------------------------


def test_a_manager_registers_a_webhook_and_sees_its_secret_once(client, receiver, manager):
    client.force_login(manager)
    client.post(reverse("webhook_list"), {"url": receiver.url, "events": ["certificate.issued"]})
    first = client.get(reverse("webhook_list")).content.decode()
    again = client.get(reverse("webhook_list")).content.decode()
    assert 'data-testid="new-secret"' in first and 'data-testid="new-secret"' not in again


def test_a_webhook_without_events_is_refused_on_the_form(english_client, receiver, manager):
    english_client.force_login(manager)
    response = english_client.post(reverse("webhook_list"), {"url": receiver.url})
    assert (response.status_code, "This field is required." in response.content.decode()) == (200, True)


def test_a_delivery_sent_again_is_a_new_delivery_of_the_same_event(
    client, receiver, subscribed, manager, organisation, django_capture_on_commit_callbacks
):
    suspend(manager, certificate_row(organisation, manager), django_capture_on_commit_callbacks)
    original = WebhookDelivery.objects.get()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhook_resend", args=[original.pk]))
    [first, second] = [json.loads(body) for _headers, body in receiver.requests]
    assert first["id"] == second["id"]
    assert receiver.requests[0][0]["X-Certify-Delivery"] != receiver.requests[1][0]["X-Certify-Delivery"]


def test_a_disabled_webhook_is_sent_nothing(
    client, receiver, subscribed, manager, organisation, django_capture_on_commit_callbacks
):
    endpoint, _secret = subscribed
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhook_disable", args=[endpoint.pk]))
    suspend(manager, certificate_row(organisation, manager), django_capture_on_commit_callbacks)
    assert receiver.requests == []


def test_the_page_reads_as_many_queries_for_2_deliveries_as_for_20(
    client, receiver, subscribed, manager, django_assert_num_queries
):
    endpoint, _secret = subscribed
    client.force_login(manager)
    for _ in range(2):
        WebhookDelivery.objects.create(endpoint=endpoint, event="certificate.suspended", payload={})
    client.get(reverse("webhook_list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("webhook_list"))
    for _ in range(18):
        WebhookDelivery.objects.create(endpoint=endpoint, event="certificate.suspended", payload={})
    with django_assert_num_queries(len(small)):
        client.get(reverse("webhook_list"))
