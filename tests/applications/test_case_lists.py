"""The managers' case lists: the same queries for 5 and 50 cases, and their
filters under bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Case
from tests.applications.case_helpers import submitted_case
from tests.factories import MembershipFactory


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _cases(count):
    for _ in range(count):
        member = MembershipFactory().user
        submitted_case(member, member.memberships.get().organisation)


@pytest.mark.parametrize("name", ["applications:review_queue", "applications:case_list"])
def test_manager_case_lists_run_the_same_queries_for_5_and_50_cases(client, manager, name):
    client.force_login(manager)
    _cases(5)
    url = reverse(name)
    _queries(client, url)
    small = _queries(client, url)
    _cases(45)
    assert _queries(client, url) == small


def test_the_filtered_case_list_runs_the_same_queries_for_5_and_50_cases(client, manager):
    client.force_login(manager)
    _cases(5)
    url = reverse("applications:case_list") + "?status=submitted&overdue=&q=示例"
    _queries(client, url)
    small = _queries(client, url)
    _cases(45)
    assert _queries(client, url) == small


def test_a_case_list_filtered_by_an_unreadable_date_lists_no_case_and_says_why(client, manager):
    client.force_login(manager)
    _cases(2)
    response = client.get(reverse("applications:case_list"), {"due_by": "2026-13-45"})
    assert response.status_code == 200
    assert (len(response.context["page"]), response.context["filter"].errors.keys()) == (0, {"due_by"})


def test_the_case_list_due_by_a_day_leaves_out_closed_cases_with_an_old_review_date(client, manager):
    client.force_login(manager)
    _cases(2)
    waiting, closed = Case.objects.order_by("pk")
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CERTIFIED)
    response = client.get(reverse("applications:case_list"), {"due_by": waiting.review_due.isoformat()})
    assert [case.pk for case in response.context["page"]] == [waiting.pk]


def test_a_case_list_filtered_by_an_unknown_state_says_so_on_the_field(english_client, manager):
    english_client.force_login(manager)
    content = english_client.get(reverse("applications:case_list"), {"status": "bogus"}).content.decode()
    assert "Select a valid choice. bogus is not one of the available choices." in content
