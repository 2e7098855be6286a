"""What the demo a newcomer sees holds. It is seeded once for these checks,
in a transaction rolled back after them: seeding takes half a minute."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase

from applications.models import Case
from audits.models import Audit
from certificates.models import Certificate, Decision
from certify.models import Event, User
from scoring.models import SchemeVersion
from tests.browser.demo import demo_folder, seeding
from tests.worlds import kept_for_module

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo")]

SEEDED_STATES = {
    "draft",
    "submitted",
    "under_review",
    "supplement_requested",
    "rejected",
    "accepted",
    "contract_sent",
    "contract_accepted",
    "withdrawn",
    "contract_signed",
    "document_review",
    "onsite_planned",
    "rectification",
    "decision_pending",
    "certified",
    "not_certified",
}


def counts():
    return (
        User.objects.count(),
        Case.objects.count(),
        Audit.objects.count(),
        Decision.objects.count(),
        Certificate.objects.count(),
        Event.objects.count(),
        SchemeVersion.objects.count(),
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded demo and what the command printed. Each test's own
    transaction nests inside this one. The run's copy of the demo for the
    screenshot tour is kept from it (tests/browser/demo.py)."""
    folder = demo_folder(tmp_path_factory)
    output = StringIO()
    with kept_for_module(django_db_blocker, folder / "media"):
        with seeding(folder), TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=output)
        yield output.getvalue()


def test_the_demo_shows_an_application_in_every_state_so_far(demo):
    assert set(Case.objects.values_list("status", flat=True)) == SEEDED_STATES
    assert set(Audit.objects.values_list("status", flat=True)) == {
        "planned",
        "in_progress",
        "report_submitted",
        "closed",
        "cancelled",
    }


def test_the_demo_shows_certificates_in_every_status_and_both_decisions(demo):
    assert set(Certificate.objects.values_list("status", flat=True)) == {
        "active",
        "suspended",
        "withdrawn",
        "cancelled",
        "expired",
        "superseded",
    }
    assert set(
        Certificate.objects.filter(status="active").values_list("level_code", flat=True)
    ) == {"star4", "star3"}
    suspended = Certificate.objects.get(status="suspended")
    assert suspended.status_reason.code == "S03"
    assert suspended.status_note
    assert Certificate.objects.get(status="withdrawn").status_reason.code == "W02"
    assert Certificate.objects.get(status="cancelled").status_reason.code == "C01"

    pending = Case.objects.get(status="decision_pending")
    assert not Decision.objects.filter(case=pending).exists()
    # The demo manager audited none of it, so they can decide it.
    manager = User.objects.get(email="manager@demo.certify.test")
    assert not pending.audits.filter(team__auditor=manager).exists()
    assert pending.audits.get(kind="onsite").recommendation == "star4"

    refused = Decision.objects.get(outcome="not_certified")
    assert refused.reason
    assert refused.case.status == "not_certified"
    assert not refused.certificates.exists()
    assert not Decision.objects.exclude(decided_by=manager).exists()


def test_running_the_demo_twice_changes_nothing(demo):
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first


def test_the_demo_prints_the_logins_and_the_second_factor_rule(demo):
    assert "manager@demo.certify.test" in demo
    assert "changsha@demo.certify.test" in demo
    assert "Second factor for staff: not required" in demo


def test_the_demo_has_an_appeal_and_complaints_for_the_uninvolved_manager(demo):
    from certificates.models import Complaint

    assert Complaint.objects.filter(kind="appeal", status="received").count() == 1
    assert Complaint.objects.filter(kind="complaint", about="organisation", status="received").count() == 1
    assert Complaint.objects.filter(kind="complaint", about="body", status="investigating").count() == 1


def test_the_demo_has_a_draft_scheme_version_for_the_editor(demo):
    assert SchemeVersion.objects.filter(status=SchemeVersion.Status.DRAFT).count() == 1
