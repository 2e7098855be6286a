"""Limits on abuse-sensitive submissions, counted in the database.

Each submission of a limited form counts once against each of its keys (the
client's address, the e-mail address it names); over any key's limit the
form answers 429 and says when to try again. The cache may be down, so these
never count there (DESIGN.md "Background work").
"""

import functools
import hashlib
from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from certify.client import client_ip
from certify.models import RateHit
from certify.ratelimit import parse_rate


def _hashed(scope, value):
    return hashlib.sha256(f"{settings.SECRET_KEY}|{scope}|{value}".encode()).hexdigest()


def over_limit(scope, values, rate):
    """Count one submission against each of `values`; True when any of them
    has used up `rate` ("5/h") within its window."""
    allowed, window = parse_rate(rate)
    since = timezone.now() - timedelta(seconds=window)
    keys = [_hashed(scope, value) for value in values if value]
    exceeded = any(
        RateHit.objects.filter(scope=scope, key=key, created_at__gt=since).count() >= allowed
        for key in keys
    )
    if not exceeded:
        RateHit.objects.bulk_create(RateHit(scope=scope, key=key) for key in keys)
    return exceeded


def post_limited(scope, *, ip_rate_setting, email_rate_setting=None, email_field="email"):
    """Limit a view's POSTs per client address (and per the e-mail address
    the form names, when `email_rate_setting` is given)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                checks = [(f"{scope}:ip", [client_ip(request)], getattr(settings, ip_rate_setting))]
                if email_rate_setting:
                    email = request.POST.get(email_field, "").strip().lower()
                    checks.append((f"{scope}:email", [email], getattr(settings, email_rate_setting)))
                for check_scope, values, rate in checks:
                    if over_limit(check_scope, values, rate):
                        response = render(request, "429.html", {"rate": rate}, status=429)
                        response["Retry-After"] = str(parse_rate(rate)[1])
                        return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
