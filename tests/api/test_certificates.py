"""Certificates through the API for signed-in callers: listed as the pages
list them, moved by a manager with a reason code, and issued by the
decision on a case."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate
from tests.api.test_cases import caller, post
from tests.certificates.helpers import certificate_row, decision_pending_case, reason

pytestmark = pytest.mark.django_db


def test_a_manager_suspends_a_certificate_with_a_reason_code(client, manager, organisation):
    certificate = certificate_row(organisation, manager)
    body = post(
        caller(client, manager),
        reverse("api:certificate_suspend", args=[certificate.public_id]),
        {"reason_code": reason("suspend"), "note": "监督审核未按期进行"},
    ).json()
    assert (body["stored_status"], body["status"], body["status_note"]) == ("suspended", "暂停", "监督审核未按期进行")


def test_a_reason_code_of_another_action_is_a_400(client, manager, organisation):
    certificate = certificate_row(organisation, manager)
    response = post(
        caller(client, manager),
        reverse("api:certificate_suspend", args=[certificate.public_id]),
        {"reason_code": reason("cancel")},
    )
    assert (response.status_code, list(response.json()["errors"])) == (400, ["reason_code"])


def test_the_decision_issues_the_certificate(client, applicant, organisation, manager):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    body = post(
        caller(client, manager),
        reverse("api:case_decision", args=[case.public_id]),
        {"outcome": "certified", "level_code": "star3"},
    ).json()
    certificate = Certificate.objects.get(public_id=body["certificate_id"])
    assert (body["outcome"], certificate.level_code) == ("certified", "star3")


def test_a_level_the_basis_does_not_allow_is_a_400(client, applicant, organisation, manager):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    response = post(
        caller(client, manager),
        reverse("api:case_decision", args=[case.public_id]),
        {"outcome": "certified", "level_code": "star5"},
    )
    assert (response.status_code, list(response.json()["errors"])) == (400, ["level_code"])


def test_an_applicant_lists_their_certificates_by_status(client, applicant, organisation, manager, outsider):
    suspended = certificate_row(organisation, manager, status="suspended")
    certificate_row(organisation, manager)
    certificate_row(outsider.memberships.get().organisation, manager, status="suspended")
    listed = caller(client, applicant).get(reverse("api:certificates"), {"status": "suspended"}).json()["results"]
    assert [row["number"] for row in listed] == [suspended.number]


def test_the_list_reads_as_many_queries_for_3_certificates_as_for_30(client, manager, organisation, django_assert_num_queries):
    api = caller(client, manager)
    for _ in range(3):
        certificate_row(organisation, manager)
    api.get(reverse("api:certificates"))
    with CaptureQueriesContext(connection) as small:
        api.get(reverse("api:certificates"))
    for _ in range(27):
        certificate_row(organisation, manager)
    with django_assert_num_queries(len(small)):
        api.get(reverse("api:certificates"))
