"""Redis is an optimisation, never a dependency (DESIGN.md "Background work").

Every use of Redis, the cache and the broker, goes through a `Breaker`: a
call that fails or times out (connect 0.3 s, read 0.5 s, no retries: the
settings' CACHES and CELERY_BROKER_TRANSPORT_OPTIONS) answers its
fallback, and the process then leaves that Redis alone for
REDIS_PAUSE_SECONDS, so Redis down or hung costs a request at most one short
timeout and never a 500. The cache's fallback is a miss (the figure is
computed without it); the broker's is to leave the job in the outbox, where
the sweep finds it once Redis is back.
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a Redis that is down, hung or refusing raises, through redis-py or kombu.
SERVICE_ERRORS = (RedisError, OSError, KombuError)


class Breaker:
    """Skip a service for a while after it failed once."""

    def __init__(self, name):
        self.name = name
        self._closed_until = 0.0
        # Set on a failure, cleared by the first use after it: what the
        # service holds may predate changes made while it was skipped.
        self.missed_changes = False

    @property
    def is_open(self):
        return time.monotonic() < self._closed_until

    def reset(self):
        self._closed_until = 0.0
        self.missed_changes = False

    def trip(self, exc):
        self._closed_until = time.monotonic() + settings.REDIS_PAUSE_SECONDS
        self.missed_changes = True
        logger.warning(
            "%s unavailable (%s: %s); not used for %s s",
            self.name,
            type(exc).__name__,
            exc,
            settings.REDIS_PAUSE_SECONDS,
        )

    def call(self, action, fallback):
        """`action()`, or `fallback()` when the service is skipped or fails."""
        if self.is_open:
            return fallback()
        try:
            return action()
        except SERVICE_ERRORS as exc:
            self.trip(exc)
            return fallback()


cache_breaker = Breaker("Redis cache")
broker_breaker = Breaker("Redis broker")


def _miss(value=None):
    return lambda: value


class GuardedRedisCache(RedisCache):
    """Django's Redis cache that never raises: a Redis error is a miss, a
    write that did not happen, or (for `incr`) a missing key."""

    def _guarded(self, name, fallback, *args, **kwargs):
        def action():
            if cache_breaker.missed_changes:
                # While Redis was skipped, `certify.cache.changed()` could not
                # mark figures stale: start again from an empty cache.
                RedisCache.clear(self)
                cache_breaker.missed_changes = False
            return getattr(RedisCache, name)(self, *args, **kwargs)

        return cache_breaker.call(action, fallback)

    def get(self, key, default=None, version=None):
        return self._guarded("get", _miss(default), key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", _miss(False), key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", _miss(False), key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", _miss(None), key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", lambda: list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", _miss(False), key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", _miss(False), key, version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", _miss(None), keys, version)

    def clear(self):
        return self._guarded("clear", _miss(None))

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is not available).")

        return self._guarded("incr", missing, key, delta, version)
