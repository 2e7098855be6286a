from io import StringIO

import pytest
from django.core.management import call_command

from applications.models import Case
from audits.models import Audit
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
}


def counts():
    return (User.objects.count(), Case.objects.count(), Audit.objects.count(), Event.objects.count())


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


def test_running_the_demo_twice_changes_nothing():
    output = StringIO()
    call_command("seed_demo", stdout=output)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert "manager@demo.certify.test" in output.getvalue()
