"""The API tokens on the profile page: made and shown once, listed,
revoked; bad input and other people's tokens refused with a message."""

import pytest
from django.urls import reverse

from certify.models import ApiToken
from certify.services import api_token_create

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def make(client, **data):
    return client.post(reverse("api_token_create"), {"name": "ERP", "scope": "read", "days": "30", **data}, follow=True)


def test_a_new_token_is_shown_once_and_works(english_client, applicant):
    english_client.force_login(applicant)
    response = make(english_client)
    shown = response.context["new_api_token"]
    assert shown in response.content.decode()
    assert "Copy it now: it is not shown again." in response.content.decode()
    assert english_client.get(PROFILE).context["new_api_token"] is None
    assert english_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {shown}").status_code == 200


def test_the_profile_lists_the_tokens_by_name_and_key_id_never_the_secret(english_client, applicant):
    row, token = api_token_create(actor=applicant, user=applicant, name="财务系统")
    english_client.force_login(applicant)
    content = english_client.get(PROFILE).content.decode()
    assert "财务系统" in content and row.key_id in content
    assert token not in content


def test_a_token_with_too_many_days_is_refused_on_the_page(english_client, applicant):
    english_client.force_login(applicant)
    response = make(english_client, days="400")
    assert "Ensure this value is less than or equal to 366." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_without_a_name_is_refused_on_the_page(english_client, applicant):
    english_client.force_login(applicant)
    response = make(english_client, name="")
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_on_the_page(english_client, applicant):
    row, token = api_token_create(actor=applicant, user=applicant, name="ERP")
    english_client.force_login(applicant)
    response = english_client.post(reverse("api_token_revoke", args=[row.pk]), follow=True)
    assert "The token is revoked" in response.content.decode()
    english_client.logout()
    assert english_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_someone_elses_token_is_not_revoked(english_client, applicant, outsider):
    row, _token = api_token_create(actor=applicant, user=applicant, name="ERP")
    english_client.force_login(outsider)
    response = english_client.post(reverse("api_token_revoke", args=[row.pk]), follow=True)
    assert "This is not one of your API tokens." in response.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None


def test_staff_make_no_token_before_the_second_factor_when_it_is_required(client, settings, manager):
    settings.STAFF_OTP_REQUIRED = True
    client.force_login(manager)
    response = make(client)
    assert response.redirect_chain[0][0].startswith(reverse("second_factor"))
    assert not ApiToken.objects.exists()
