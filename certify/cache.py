"""Figures that are costly to compute and rarely change, cached under a
version that a change bumps once it is committed.

A reader takes the version first, so what it stores is never older than
the version it files it under; a bump sends the next reader to compute
again, and the old entry expires unread. A version key that expired or was
evicted starts again at a version never used before (the clock's
nanoseconds), so it cannot lead a reader back to an entry filed before a
change.
"""

import contextlib
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def versioned(name, compute, timeout=3600):
    version = cache.get_or_set(f"{name}:version", time.time_ns, timeout=timeout)
    key = f"{name}:{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


def changed(name):
    """The figure `name` is stale: the next reader computes it again."""
    # Without a version the next reader starts a new one, which no stored
    # entry is filed under.
    with contextlib.suppress(ValueError):
        cache.incr(f"{name}:version")


def changed_with(name, model):
    """Any save or deletion of a `model` row makes `name` stale once committed.
    `name` may be a function of the row, for a figure kept per row."""
    for event, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(
            lambda instance, **kwargs: transaction.on_commit(
                lambda: changed(name(instance) if callable(name) else name)
            ),
            sender=model,
            weak=False,
            dispatch_uid=f"{getattr(name, '__qualname__', name)}-{model._meta.label}-{event}",
        )
