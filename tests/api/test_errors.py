"""Errors outside the REST framework's views (unknown addresses, bodies
that cannot be read) are problem details too under /api/, pages elsewhere."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BROKEN_MULTIPART = {"content_type": "multipart/form-data", "data": b"--x\r\nnot a part"}


def test_an_unknown_api_address_is_a_404_problem(client):
    response = client.get("/api/v1/no-such-thing/")
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (
        404,
        "application/problem+json",
        "not_found",
    )


def test_a_body_that_cannot_be_read_is_a_400_problem(client):
    response = client.post(reverse("api:organisations"), **BROKEN_MULTIPART)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_a_page_posted_a_body_that_cannot_be_read_answers_400(client):
    response = client.post(reverse("login"), **BROKEN_MULTIPART)
    assert (response.status_code, response["Content-Type"].split(";")[0]) == (400, "text/html")


def test_a_json_array_is_a_400_asking_for_an_object(english_client, applicant_without_organisation):
    english_client.force_login(applicant_without_organisation)
    response = english_client.post(reverse("api:organisations"), [1, 2], content_type="application/json")
    assert response.json()["errors"] == {"non_field_errors": ["Send the fields as a JSON object."]}
