from io import StringIO

import pytest
from django.core.management import call_command

from applications.models import Case
from audits.models import Audit
from certificates.models import Certificate, Decision
from certify.models import Event, User

pytestmark = pytest.mark.django_db

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
    )


def test_the_demo_shows_an_application_in_every_state_so_far():
    call_command("seed_demo", stdout=StringIO())
    assert set(Case.objects.values_list("status", flat=True)) == SEEDED_STATES
    assert set(Audit.objects.values_list("status", flat=True)) == {
        "planned",
        "in_progress",
        "report_submitted",
        "closed",
        "cancelled",
    }


def test_the_demo_shows_certificates_in_every_status_and_both_decisions():
    call_command("seed_demo", stdout=StringIO())
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


def test_running_the_demo_twice_changes_nothing():
    output = StringIO()
    call_command("seed_demo", stdout=output)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert "manager@demo.certify.test" in output.getvalue()
    assert "changsha@demo.certify.test" in output.getvalue()
    assert "Second factor for staff: not required" in output.getvalue()


def test_with_the_second_factor_required_the_demo_gives_its_staff_a_key(settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from certificates.management.commands.seed_demo import DEMO_USERS, Command

    settings.STAFF_OTP_REQUIRED = True
    for email, name, roles in DEMO_USERS:
        User.objects.create_user(email=email, password="x", full_name=name, **roles)
    output = StringIO()

    Command(stdout=output)._print_second_factor()

    staff = User.objects.filter(is_manager=True) | User.objects.filter(is_auditor=True)
    assert TOTPDevice.objects.filter(user__in=staff, confirmed=True).count() == staff.count() > 0
    assert "Second factor for staff: required" in output.getvalue()
    assert "manager@demo.certify.test" in output.getvalue().split("required")[1]


def test_the_demo_has_an_appeal_and_complaints_for_the_uninvolved_manager():
    from certificates.models import Complaint

    call_command("seed_demo", stdout=StringIO())
    assert Complaint.objects.filter(kind="appeal", status="received").count() == 1
    assert Complaint.objects.filter(kind="complaint", about="organisation", status="received").count() == 1
    assert Complaint.objects.filter(kind="complaint", about="body", status="investigating").count() == 1
