"""The people list runs the same number of queries at any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ApplicantFactory, AuditorFactory


def queries_for(client, url, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    client.get(reverse("user_list"))
    return client


@pytest.mark.parametrize("params", [{}, {"role": "auditor"}, {"q": "person"}], ids=str)
def test_the_user_list_runs_as_many_queries_for_30_people_as_for_3(manager_client, params):
    AuditorFactory.create_batch(3)
    with_3 = queries_for(manager_client, reverse("user_list"), **params)

    AuditorFactory.create_batch(27)
    with_30 = queries_for(manager_client, reverse("user_list"), **params)

    assert with_30 == with_3


def test_the_user_list_filters_by_role(manager_client, manager):
    auditor = AuditorFactory()
    ApplicantFactory()

    response = manager_client.get(reverse("user_list"), {"role": "auditor"})

    assert list(response.context["page"]) == [auditor]


def test_the_user_list_pages_by_25(manager_client):
    AuditorFactory.create_batch(30)

    response = manager_client.get(reverse("user_list"))

    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 31
