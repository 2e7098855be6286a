"""Settings from the environment, checked in a fresh interpreter each time:
the settings module is read once per process."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

REAL_KEY = "k3y-" + "x7Qp9LmZ2vB8nR4tW6yH1jK5cF0dS3gA" * 2

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
}))
"""

REDIRECT_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
print(json.dumps({
    "healthz": client.get("/healthz").status_code,
    "login": client.get("/accounts/login/").status_code,
    "login_location": client.get("/accounts/login/").get("Location", ""),
}))
"""


def run_python(code, tmp_path, **environment):
    """Run `code` with only the given settings variables in the environment."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "SECRET_KEY",
            "DEBUG",
            "HTTPS",
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "CACHE_URL",
            "ALLOWED_HOSTS",
            "EMAIL_HOST",
        }
    }
    env["DJANGO_SETTINGS_MODULE"] = "certify.settings"
    # A throwaway database, so probing never touches the developer's.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'probe.sqlite3'}"
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_a_secret_key_refuses_to_start(tmp_path):
    result = run_python(
        "import django; from django.conf import settings; settings.SECRET_KEY",
        tmp_path,
        DEBUG="0",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_with_an_empty_secret_key_refuses_to_start(tmp_path):
    result = run_python(
        "import django; from django.conf import settings; settings.SECRET_KEY",
        tmp_path,
        DEBUG="0",
        SECRET_KEY="",
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_manage_py_check_refuses_to_run_without_a_secret_key(tmp_path):
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        " execute_from_command_line(['manage.py', 'check'])",
        tmp_path,
        DEBUG="0",
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_with_a_short_secret_key_refuses_to_start(tmp_path):
    result = run_python(
        "import django; from django.conf import settings; settings.SECRET_KEY",
        tmp_path,
        DEBUG="0",
        SECRET_KEY="too-short",
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be a random string of at least 50 characters" in result.stderr


def test_debug_off_with_the_development_key_refuses_to_start(tmp_path):
    result = run_python(
        "import django; from django.conf import settings; settings.SECRET_KEY",
        tmp_path,
        DEBUG="0",
        SECRET_KEY="development-only-secret-key-never-use-in-production-0123456789",
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_an_invalid_boolean_is_refused_by_name(tmp_path):
    result = run_python(
        "import django; from django.conf import settings; settings.DEBUG",
        tmp_path,
        DEBUG="maybe",
    )

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def probe(tmp_path, **environment):
    result = run_python(PROBE, tmp_path, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_debug_off_with_a_real_key_turns_https_on_by_default(tmp_path):
    values = probe(tmp_path, DEBUG="0", SECRET_KEY=REAL_KEY)

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] > 0


def test_https_0_turns_the_https_settings_off_in_production(tmp_path):
    values = probe(tmp_path, DEBUG="0", SECRET_KEY=REAL_KEY, HTTPS="0")

    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_debug_on_leaves_https_off(tmp_path):
    values = probe(tmp_path, DEBUG="1")

    assert values["SECURE_SSL_REDIRECT"] is False


def test_without_a_broker_url_celery_runs_eagerly(tmp_path):
    values = probe(tmp_path)

    assert values["CELERY_TASK_ALWAYS_EAGER"] is True


def test_in_production_healthz_is_exempt_from_the_https_redirect(tmp_path):
    result = run_python(
        REDIRECT_PROBE, tmp_path, DEBUG="0", SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="testserver"
    )
    assert result.returncode == 0, result.stderr
    statuses = json.loads(result.stdout.strip().splitlines()[-1])

    assert statuses["healthz"] == 200
    assert statuses["login"] == 301
    assert statuses["login_location"].startswith("https://")


@pytest.mark.django_db
def test_the_redirect_exemption_lets_healthz_answer_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
