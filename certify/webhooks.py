"""Webhooks: the body's other systems told of lifecycle events as they
happen (README "Webhooks").

An event the apps registered as a webhook event (AppConfig.ready) becomes
one delivery per active endpoint subscribed to it, written in the event's
transaction and sent through the outbox after commit, with its retries.
Each delivery is a POST of {"id", "event", "created_at", "data"} signed
with the endpoint's secret: X-Certify-Signature is
sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>. No redirect is
followed, an attempt waits at most WEBHOOK_TIMEOUT_SECONDS, and an address
that resolves to a private, loopback or link-local host is refused unless
WEBHOOK_ALLOW_LOCAL says otherwise.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from certify.cache import versioned
from certify.models import WebhookDelivery, WebhookEndpoint
from certify.outbox import enqueue

ENDPOINTS = "webhook-endpoints"
_EVENTS = {}


def webhook_events_register(labels):
    """Each app names the verbs other systems may subscribe to, with labels."""
    _EVENTS.update(labels)


def webhook_event_choices():
    return sorted(_EVENTS.items())


def _active_endpoints():
    """The active endpoints and their events, cached until one changes
    (wired in AppConfig.ready): every lifecycle event asks."""
    return list(WebhookEndpoint.objects.filter(active=True).values_list("pk", "events"))


def webhooks_queue(event, obj):
    """Queue the deliveries of `event` (just written about `obj`) to every
    active endpoint subscribed to it; sent once the transaction commits."""
    if event.verb not in _EVENTS:
        return
    endpoints = [pk for pk, events in versioned(ENDPOINTS, _active_endpoints) if event.verb in events]
    if not endpoints:
        return
    payload = {
        "id": f"evt_{event.pk}",
        "event": event.verb,
        "created_at": event.created_at.isoformat(),
        "data": {
            "object": obj._meta.label_lower,
            "id": str(getattr(obj, "public_id", obj.pk)),
            "from_state": event.from_state,
            "to_state": event.to_state,
            "details": event.data,
        },
    }
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    for endpoint_id in endpoints:
        delivery = WebhookDelivery.objects.create(endpoint_id=endpoint_id, event=event.verb, payload=payload)
        enqueue("certify.tasks.webhook_deliver", delivery.pk)


def signature(secret, timestamp, body):
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class Refused(Exception):
    """An address this body does not post to."""


def _address(host, port):
    """The address to connect to: the host's first, refused when any of its
    addresses is private, loopback or link-local (and the setting does not
    allow them). Connecting to the address checked, not resolving again,
    leaves no window for the name to change in between."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(_("The address's host name cannot be resolved.")) from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    local = [a for a in addresses if a.is_private or a.is_loopback or a.is_link_local or a.is_reserved or a.is_multicast or a.is_unspecified]
    if local and not settings.WEBHOOK_ALLOW_LOCAL:
        raise Refused(_("The address resolves to a private or local host: %(address)s.") % {"address": local[0]})
    return str(addresses[0])


def address_refusal(url):
    """Why an endpoint's address is refused, or None."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (settings.WEBHOOK_ALLOW_LOCAL and parts.scheme == "http"):
        return _("Use an https:// address.")
    if not parts.hostname:
        return _("Enter the receiver's full address.")
    try:
        _address(parts.hostname, parts.port or 443)
    except Refused as exc:
        return str(exc)
    return None


def _post(url, body, headers):
    """POST to `url` without following redirects; (status, first kilobyte)."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = _address(parts.hostname, port)
    connection_class = http.client.HTTPSConnection if https else http.client.HTTPConnection
    connection = connection_class(parts.hostname, port, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    # The certificate is checked against the host name; the socket goes to
    # the address checked above.
    connection._create_connection = lambda _target, timeout, source: socket.create_connection(
        (address, port), timeout, source
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(1024).decode("utf-8", "replace")
    finally:
        connection.close()


class NotDelivered(Exception):
    """The receiver did not answer 2xx: the outbox tries again later."""


def webhook_deliver(delivery_id):
    """Post one delivery and record the attempt (the outbox's job; at least
    once, so a delivered one is not posted again)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at is not None:
        return
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Certify-Webhooks/1",
        "X-Certify-Event": delivery.event,
        "X-Certify-Delivery": str(delivery.delivery_id),
        "X-Certify-Timestamp": timestamp,
        "X-Certify-Signature": signature(delivery.endpoint.secret, timestamp, body),
    }
    outcome = {"attempts": delivery.attempts + 1, "last_attempt_at": timezone.now()}
    try:
        status, response_body = _post(delivery.endpoint.url, body, headers)
    except Refused as exc:
        # Not worth another attempt: the address itself is refused.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**outcome, error=str(exc), response_status=None)
        return
    except OSError as exc:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            **outcome, error=f"{type(exc).__name__}: {exc}"[:1000], response_status=None, response_body=""
        )
        raise NotDelivered(str(exc)) from exc
    delivered = 200 <= status < 300
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        **outcome,
        response_status=status,
        response_body=response_body,
        error="",
        delivered_at=timezone.now() if delivered else None,
    )
    if not delivered:
        raise NotDelivered(f"HTTP {status}")
