"""Personal API tokens: made, stored as a digest, checked, revoked; the
operator's command; errors as problem details."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from certify.exceptions import CertifyError, NotAllowed
from certify.models import ApiToken, Event
from certify.services import api_token_create, api_token_digest, api_token_revoke

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def token_for(user, **options):
    return api_token_create(actor=user, user=user, name="ERP", **options)


def test_only_the_digest_of_a_token_is_stored(applicant):
    row, token = token_for(applicant)
    stored = ApiToken.objects.filter(pk=row.pk).values().get()
    assert token not in str(stored)
    assert stored["secret_sha256"] == api_token_digest(token)


def test_making_a_token_writes_an_event_without_the_token(applicant):
    row, token = token_for(applicant)
    event = Event.objects.get(verb="api_token.created", object_id=row.pk)
    assert token not in str(event.data)


def test_a_token_answers_as_its_person(client, applicant):
    _row, token = token_for(applicant)
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert (response.json()["email"], response.json()["token_scope"]) == (applicant.email, "read")


def test_a_bearer_token_is_accepted_too(client, auditor):
    _row, token = token_for(auditor, scope="write")
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (response.status_code, response.json()["roles"]) == (200, ["auditor"])


def test_a_token_request_is_not_asked_for_the_second_factor(client, settings, manager):
    settings.STAFF_OTP_REQUIRED = True
    _row, token = token_for(manager)
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def _refused(client, token):
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    return response.status_code, response["Content-Type"], response.json()["code"], response["WWW-Authenticate"]


def test_a_revoked_token_is_refused_as_a_problem(client, applicant):
    row, token = token_for(applicant)
    api_token_revoke(actor=applicant, token_id=row.pk)
    assert _refused(client, token) == (401, "application/problem+json", "authentication_failed", "Token")


def test_an_expired_token_is_refused(client, applicant):
    row, token = token_for(applicant)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _refused(client, token)[0] == 401


def test_the_token_of_a_deactivated_account_is_refused(client, applicant):
    _row, token = token_for(applicant)
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])
    assert _refused(client, token)[0] == 401


@pytest.mark.parametrize("token", ["ctk_unknown_secret", "ctk_", "nonsense", "ctk_{key_id}_wrong-secret"])
def test_a_wrong_token_is_refused(client, applicant, token):
    row, _token = token_for(applicant)
    assert _refused(client, token.format(key_id=row.key_id))[0] == 401


def test_a_call_without_a_token_or_session_is_told_to_authenticate_in_its_language(client):
    response = client.get(ME, HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.json()
    assert (response.status_code, body["code"], body["type"]) == (
        401,
        "not_authenticated",
        "urn:certify:problem:not_authenticated",
    )
    assert body["detail"] == "身份认证信息未提供。"


def test_the_last_use_of_a_token_is_recorded(client, applicant):
    row, token = token_for(applicant)
    client.get(ME, HTTP_AUTHORIZATION=f"Token {token}")
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_nobody_makes_a_token_for_someone_else(english, applicant, manager):
    with pytest.raises(NotAllowed, match="Only the person themselves may make their API tokens."):
        api_token_create(actor=manager, user=applicant, name="ERP")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        ({"name": " "}, "Give the token a name"),
        ({"name": "ERP", "days": 0}, "A token is valid for 1 to 366 days."),
        ({"name": "ERP", "days": 367}, "A token is valid for 1 to 366 days."),
        ({"name": "ERP", "scope": "admin"}, "Choose the token's scope"),
    ],
)
def test_a_token_with_bad_settings_is_refused(english, applicant, options, refusal):
    with pytest.raises(CertifyError, match=refusal):
        api_token_create(actor=applicant, user=applicant, **options)


def test_revoking_twice_writes_one_event(applicant):
    row, _token = token_for(applicant)
    api_token_revoke(actor=applicant, token_id=row.pk)
    api_token_revoke(actor=applicant, token_id=row.pk)
    assert Event.objects.filter(verb="api_token.revoked", object_id=row.pk).count() == 1


def test_nobody_revokes_someone_elses_token(english, applicant, outsider):
    row, _token = token_for(applicant)
    with pytest.raises(NotAllowed, match="This is not one of your API tokens."):
        api_token_revoke(actor=outsider, token_id=row.pk)
    row.refresh_from_db()
    assert row.revoked_at is None


# --- The operator's command ---------------------------------------------------


def test_the_command_prints_exactly_a_working_token(client, manager):
    out, err = StringIO(), StringIO()
    call_command("api_token", manager.email, stdout=out, stderr=err)
    token = out.getvalue()
    assert token.endswith("\n") and token.count("\n") == 1
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {token.strip()}").status_code == 200
    row = ApiToken.objects.get(user=manager)
    assert (row.scope, row.name) == ("read", f"cli {timezone.localdate():%Y-%m-%d}")
    assert timedelta(days=89) < row.expires_at - timezone.now() <= timedelta(days=90)


def test_the_command_takes_a_name_scope_and_days(manager):
    call_command("api_token", manager.email, name="财务系统", scope="write", days=30, stdout=StringIO(), stderr=StringIO())
    row = ApiToken.objects.get(user=manager)
    assert (row.name, row.scope) == ("财务系统", "write")


def test_the_command_refuses_an_unknown_address():
    with pytest.raises(CommandError, match="No user with the e-mail address nobody@example.com."):
        call_command("api_token", "nobody@example.com", stdout=StringIO(), stderr=StringIO())


def test_the_command_refuses_a_deactivated_account(applicant):
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="deactivated"):
        call_command("api_token", applicant.email, stdout=StringIO(), stderr=StringIO())
