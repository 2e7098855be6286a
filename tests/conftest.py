"""Shared fixtures: one person per role, as healthchecks' alice/bob/charlie.

Whatever the environment says, tests run Celery eagerly with a local-memory
cache and e-mail outbox; only tests marked `services` use the real broker.
"""

import pytest

from certify.celery import app as celery_app
from tests.factories import (
    ApplicantFactory,
    AuditorFactory,
    ManagerFactory,
    MembershipFactory,
)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.SITE_URL = "http://testserver"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def manager(db):
    return ManagerFactory(full_name="Manager Wang")


@pytest.fixture
def auditor(db):
    return AuditorFactory(full_name="Auditor Li")


@pytest.fixture
def applicant(db):
    return MembershipFactory(user__full_name="Applicant Zhang").user


@pytest.fixture
def organisation(applicant):
    return applicant.memberships.get().organisation


@pytest.fixture
def outsider(db):
    """An applicant of another organisation: must never see `organisation`."""
    return MembershipFactory(user__full_name="Outsider Zhao").user


@pytest.fixture
def applicant_without_organisation(db):
    return ApplicantFactory(full_name="Newcomer Qian")
