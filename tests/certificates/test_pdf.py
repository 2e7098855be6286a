"""The certificate PDF: rendered by a task after commit, stored once with
its SHA-256 (DESIGN.md "Documents")."""

import hashlib
import os
import shutil
import subprocess

import pytest
from django.contrib.contenttypes.models import ContentType

from certificates import services
from certificates.documents import certificate_pdf
from certificates.models import Certificate
from certify.models import Event
from tests.certificates.helpers import decision_pending_case

pytestmark = pytest.mark.django_db


def pdftotext_or_skip():
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is required in CI")
        pytest.skip("poppler-utils is not installed")


@pytest.fixture
def certificate(applicant, organisation, manager, django_capture_on_commit_callbacks):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_record(actor=manager, case=case, outcome="certified", level_code="star3")
    return Certificate.objects.get(decision=decision)


def test_the_pdf_is_rendered_after_the_decision_commits(certificate):
    assert certificate.pdf and certificate.pdf_rendered_at is not None


def test_the_pdf_is_stored_with_its_sha256(certificate):
    with certificate.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert len(certificate.pdf_sha256) == 64
    assert certificate.pdf_sha256 == hashlib.sha256(data).hexdigest()


def test_the_pdf_is_not_rendered_before_the_decision_commits(applicant, organisation, manager):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    decision = services.decision_record(actor=manager, case=case, outcome="certified", level_code="star3")
    assert not Certificate.objects.get(decision=decision).pdf


def test_the_pdf_shows_the_holder_the_number_and_the_level(certificate, organisation):
    pdftotext_or_skip()
    text = subprocess.run(
        ["pdftotext", certificate.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert organisation.legal_name in text
    assert certificate.number in text
    assert "三星级" in text


def test_storing_again_does_not_render_again(certificate):
    sha = certificate.pdf_sha256

    def render(_certificate):
        raise AssertionError("an issued PDF must not be rendered again")

    stored = services.certificate_pdf_store(certificate_id=certificate.pk, render=render)
    assert stored.pdf_sha256 == sha


def test_storing_again_writes_no_second_render_event(certificate):
    services.certificate_pdf_store(certificate_id=certificate.pk, render=certificate_pdf)
    rendered = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Certificate),
        object_id=certificate.pk,
        verb="certificate.pdf_rendered",
    )
    assert rendered.count() == 1
