"""Figures that are costly to compute and rarely change, cached under a
version that a change bumps once it is committed.

A reader takes the version first, so what it stores is never older than
the version it files it under; a bump sends the next reader to compute
again, and the old entry expires unread.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def versioned(name, compute, timeout=3600):
    version = cache.get_or_set(f"{name}:version", 1)
    key = f"{name}:{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


def changed(name):
    """The figure `name` is stale: the next reader computes it again."""
    try:
        cache.incr(f"{name}:version")
    except ValueError:
        cache.set(f"{name}:version", 2)


def changed_with(name, model):
    """Any save or deletion of a `model` row makes `name` stale once committed."""
    for event, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(
            lambda **kwargs: transaction.on_commit(lambda: changed(name)),
            sender=model,
            weak=False,
            dispatch_uid=f"{name}-{event}",
        )
