"""A backup restores into an empty database with the same certificates and
files (PostgreSQL: the backup is pg_dump's)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from certificates.models import Certificate
from certify.backup import media_hashes
from tests.certificates.helpers import issued_certificate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only(shipped_data):
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL (DATABASE_URL)")


@pytest.fixture
def empty_database():
    """A new, empty database on the same server; dropped afterwards."""
    name = f"certify_restore_{uuid.uuid4().hex[:8]}"
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def certificates_in(database):
    params = {**connection.get_connection_params(), "dbname": database}
    with psycopg2.connect(**params) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT number, status, pdf, pdf_sha256 FROM certificates_certificate ORDER BY number")
        rows = cursor.fetchall()
    restored.close()
    return rows


def manage(*args, database, media_root):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}",
        "MEDIA_ROOT": str(media_root),
        "CELERY_BROKER_URL": "",
        "CACHE_URL": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_backup_restored_into_an_empty_database_has_the_same_certificates_and_files(
    applicant, organisation, manager, empty_database, tmp_path, capsys
):
    certificate = issued_certificate(applicant, organisation, manager)
    assert Certificate.objects.get(pk=certificate.pk).pdf
    call_command("backup", "--output", str(tmp_path / "backups"))
    backup = Path(capsys.readouterr().out.strip())
    restored_media = tmp_path / "restored-media"

    result = manage("restore", str(backup), database=empty_database, media_root=restored_media)

    assert result.returncode == 0, result.stderr
    expected = list(Certificate.objects.order_by("number").values_list("number", "status", "pdf", "pdf_sha256"))
    assert certificates_in(empty_database) == expected
    assert media_hashes(restored_media) == media_hashes(settings.MEDIA_ROOT)
    assert len(media_hashes(restored_media)) >= 5  # the materials and the PDFs


def test_a_restore_refuses_a_database_that_is_not_empty(applicant, organisation, tmp_path, capsys):
    call_command("backup", "--output", str(tmp_path))
    backup = capsys.readouterr().out.strip()

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", backup)
