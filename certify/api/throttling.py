"""The API's rate limits, counted by certify.ratelimit in the guarded cache
(the REST framework's own throttles call the cache directly, and would
answer 500 with Redis down): signed-in callers per person, anonymous ones
per address and per group of endpoints."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from certify.ratelimit import over_limit, parse_rate


class RateLimit(BaseThrottle):
    def allow_request(self, request, view):
        user = request.user
        if user is not None and user.is_authenticated:
            group, rate, client = "api", settings.API_RATE_LIMIT, f"user:{user.pk}"
        else:
            group, rate, client = getattr(view, "rate_group", "api"), settings.PUBLIC_RATE_LIMIT, None
        self.window = parse_rate(rate)[1]
        return not over_limit(request, group, rate, client=client)

    def wait(self):
        return self.window
