"""The manager's lists run the same number of queries at any size, so an N+1
cannot hide."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MembershipFactory


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    # The first request warms per-process caches (content types, the session).
    client.get(reverse("applications:manager_home"))
    return client


@pytest.mark.parametrize(
    "page_name", ["applications:organisation_list", "applications:manager_home"]
)
def test_a_managers_page_runs_as_many_queries_for_30_organisations_as_for_3(
    manager_client, page_name
):
    MembershipFactory.create_batch(3)
    with_3 = queries_for(manager_client, reverse(page_name))

    MembershipFactory.create_batch(27)
    with_30 = queries_for(manager_client, reverse(page_name))

    assert with_30 == with_3


def test_the_organisation_list_shows_each_member_count(manager_client):
    membership = MembershipFactory()
    MembershipFactory(organisation=membership.organisation, role="member")

    response = manager_client.get(reverse("applications:organisation_list"))

    assert [organisation.member_count for organisation in response.context["page"]] == [2]
