"""A NUL character, which PostgreSQL refuses in any text, is answered 400
wherever it comes from (address, query, form, cookie, header), never 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/verify/ab%00cd/",
        "/invitations/ab%00cd/",
        "/accounts/verify/ab%00cd/",
        "/about/ab%00cd/",
    ],
)
def test_a_nul_in_the_address_is_a_bad_request(client, path):
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("name", ["certificates:public_register", "certificates:verify", "register"])
def test_a_nul_in_a_public_search_is_a_bad_request(client, name):
    response = client.get(reverse(name), {"q": "ab\x00cd", "number": "ab\x00cd"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "name",
    [
        "user_list",
        "applications:case_list",
        "applications:organisation_list",
        "certificates:certificate_list",
    ],
)
def test_a_nul_in_a_staff_search_is_a_bad_request(client, manager, name):
    client.force_login(manager)

    assert client.get(reverse(name), {"q": "ab\x00cd"}).status_code == 400


def test_a_nul_in_a_posted_form_is_a_bad_request(client):
    response = client.post(reverse("login"), {"username": "a\x00@example.com", "password": "x"})

    assert response.status_code == 400


def test_a_nul_in_the_session_cookie_is_a_bad_request(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"

    assert client.get(reverse("certificates:public_register")).status_code == 400


def test_a_nul_in_the_user_agent_at_sign_in_is_a_bad_request(client, applicant):
    response = client.post(
        reverse("login"),
        {"username": applicant.email, "password": "wrong"},
        HTTP_USER_AGENT="agent\x00",
    )

    assert response.status_code == 400


def test_the_bad_request_page_says_what_to_do_in_the_visitors_language(client):
    response = client.get("/verify/ab%00cd/", HTTP_ACCEPT_LANGUAGE="en")

    assert "characters that are not allowed" in response.content.decode()
