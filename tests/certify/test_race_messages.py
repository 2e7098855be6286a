"""The loser of a race gets a clear message on the page it submitted: who made
the move and when, and that their own submission was not recorded."""

import pytest
from django.urls import reverse

from applications import services as case_services
from certificates import services as certificate_services
from certificates.models import Decision
from certify.models import Event
from tests.applications.case_helpers import submitted_case
from tests.certificates.helpers import decision_pending_case
from tests.factories import ManagerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def other_manager(db):
    return ManagerFactory(full_name="Manager Zhou")


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_the_second_manager_starting_a_review_is_told_who_started_it_and_when(
    english_client, applicant, organisation, manager, other_manager
):
    case = submitted_case(applicant, organisation)
    case_services.case_review_start(actor=other_manager, case=case)
    english_client.force_login(manager)

    response = english_client.post(
        reverse("applications:case_review_start", args=[case.public_id]), follow=True
    )

    [message] = messages_of(response)
    assert message.startswith("Manager Zhou already did this at ")
    assert message.endswith("; your submission was not recorded.")
    assert Event.objects.filter(verb="case.review_started").count() == 1


@pytest.fixture
def pending(applicant, organisation, manager):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    return case


def test_the_second_manager_making_the_same_decision_is_told_it_was_not_recorded(
    english_client, pending, manager, other_manager
):
    certificate_services.decision_record(
        actor=other_manager, case=pending, outcome="certified", level_code="star3"
    )
    english_client.force_login(manager)

    response = english_client.post(
        reverse("certificates:decision", args=[pending.public_id]),
        {"outcome": "certified", "level_code": "star3", "reason": ""},
        follow=True,
    )

    [message] = messages_of(response)
    assert "Manager Zhou already did this at " in message
    assert "your submission was not recorded" in message
    assert Decision.objects.get(case=pending).decided_by == other_manager


def test_the_second_manager_making_another_decision_is_told_who_decided_and_when(
    english_client, pending, manager, other_manager
):
    certificate_services.decision_record(
        actor=other_manager, case=pending, outcome="certified", level_code="star3"
    )
    english_client.force_login(manager)

    response = english_client.post(
        reverse("certificates:decision", args=[pending.public_id]),
        {"outcome": "not_certified", "level_code": "", "reason": "证据不足"},
        follow=True,
    )

    [message] = messages_of(response)
    assert message.startswith("Manager Zhou decided this application at ")
    assert message.endswith("your decision was not recorded.")
    assert Decision.objects.get(case=pending).outcome == "certified"
