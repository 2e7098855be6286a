"""The people of the tests, and worlds a whole module starts from.

A `Cast` is one person per role, as healthchecks' alice/bob/charlie; each
is made when a test first asks for them (tests/conftest.py's fixtures
`manager`, `applicant`, … read them from the fixture `cast`).

`shared_world(build)` is for a module whose tests all start from the same
data, such as an access matrix asking a hundred times whether one role may
open one page of one case: the cast and what `build(cast)` makes are built
once for the module, files and all, and rolled back after its last test.
Each test still runs in its own transaction (a savepoint inside the
module's), so what it changes is gone before the next one, and it reads the
world's rows again instead of sharing Python objects with other tests.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import TestCase, override_settings

from certify.celery import app as celery_app
from tests.factories import ApplicantFactory, AuditorFactory, ManagerFactory, MembershipFactory

# Whatever the environment says: fast password hashing, e-mail kept in
# memory, a local-memory cache (only tests marked `services` reach Redis),
# uploads removed again when their transaction rolls back, no second factor
# (except in its own tests, tests/certify/test_second_factor.py).
TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "STORAGES": {
        "default": {"BACKEND": "certify.uploads.TransactionFileStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "SECURE_SSL_REDIRECT": False,
    "SITE_URL": "http://testserver",
    "STAFF_OTP_REQUIRED": False,
}


class Cast:
    """One person per role, made when first asked for."""

    @cached_property
    def manager(self):
        return ManagerFactory(full_name="Manager Wang")

    @cached_property
    def auditor(self):
        return AuditorFactory(full_name="Auditor Li")

    @cached_property
    def applicant(self):
        return MembershipFactory(user__full_name="Applicant Zhang").user

    @cached_property
    def organisation(self):
        return self.applicant.memberships.get().organisation

    @cached_property
    def outsider(self):
        """An applicant of another organisation: must never see `organisation`."""
        return MembershipFactory(user__full_name="Outsider Zhao").user

    @cached_property
    def applicant_without_organisation(self):
        return ApplicantFactory(full_name="Newcomer Qian")

    def everyone(self):
        """Every person made now (a shared world makes them once)."""
        for role in ("manager", "auditor", "applicant", "organisation", "outsider", "applicant_without_organisation"):
            getattr(self, role)
        return self

    def reloaded(self):
        """The same people read again: a test's changes to them in memory
        never reach the next test."""
        again = Cast()
        for name, person in vars(self).items():
            again.__dict__[name] = reloaded(person)
        return again


def reloaded(instance):
    return type(instance)._default_manager.get(pk=instance.pk)


@dataclass
class World:
    cast: Cast
    media_root: Path
    built: Any


@contextmanager
def kept_for_module(django_db_blocker, media_root):
    """The test settings, Celery eager and the database open, in one
    transaction that is rolled back at the end."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(**TEST_SETTINGS, MEDIA_ROOT=media_root),
            transaction.atomic(),
        ):
            yield
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = eager


def shared_world(build):
    """The fixtures `world` and `cast` of a module whose tests start from
    what `build(cast)` makes; assign them to those two names."""

    @pytest.fixture(scope="module", name="world")
    def world_fixture(django_db_setup, django_db_blocker, tmp_path_factory):
        media_root = tmp_path_factory.mktemp("world-media")
        with kept_for_module(django_db_blocker, media_root):
            cast = Cast().everyone()
            # As if committed: the work done after commit (stored PDFs,
            # notifications) is done before the first test.
            with TestCase.captureOnCommitCallbacks(execute=True):
                built = build(cast)
            yield World(cast, media_root, built)

    @pytest.fixture(name="cast")
    def cast_fixture(world, db, settings, _test_settings):
        settings.MEDIA_ROOT = world.media_root
        return world.cast.reloaded()

    return world_fixture, cast_fixture
