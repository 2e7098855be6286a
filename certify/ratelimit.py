"""Per-client limits on public pages, counted in the shared cache.

A fixed window per client address and page group: `cache.add` starts the
window and `cache.incr` counts in it, atomically on Redis (production). The
library that does this for Django refuses the embedded default's file cache
in its system checks, and DESIGN.md wants every library's checks to pass
there, hence these few lines.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from certify.client import client_ip


def parse_rate(rate):
    """"60/m" → (60, 60): requests allowed and window seconds."""
    count, _slash, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[-1:] or "m"]
    multiplier = int(period[:-1]) if period[:-1] else 1
    return int(count), seconds * multiplier


def over_limit(request, group, rate, *, client=None):
    """Count this request; True when the client (by default its address)
    has used up its window."""
    allowed, window = parse_rate(rate)
    window_start = int(time.time() // window)
    key = f"rl:{group}:{client or client_ip(request)}:{window_start}"
    if cache.add(key, 1, timeout=window + 1):
        return allowed < 1
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return count > allowed


def rate_limited(group, *, setting="PUBLIC_RATE_LIMIT"):
    """Answer 429 with a page saying when to try again once the client has
    used up `settings.<setting>` for `group`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if over_limit(request, group, getattr(settings, setting)):
                response = render(request, "429.html", {"rate": getattr(settings, setting)}, status=429)
                response["Retry-After"] = str(parse_rate(getattr(settings, setting))[1])
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
