"""Who is on the other end of a request."""

import ipaddress

from django.conf import settings


def _ip_or_empty(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_ip(request):
    """The address of the person's browser, for rate limits, login throttling
    and the record of a contract's acceptance.

    With TRUSTED_PROXY_COUNT proxies in front, each appends the address it
    received the request from to X-Forwarded-For, so the entry the outermost
    trusted proxy appended is the client's. Entries left of it were written
    by the client and prove nothing; with no proxy the header is ignored.
    """
    remote = _ip_or_empty(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # Not through the proxies (a direct request inside the network).
        return remote
    return _ip_or_empty(forwarded[-count]) or remote
