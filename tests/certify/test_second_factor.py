"""Staff sign in with a second factor (issue 13, item 12)."""

from base64 import b32encode
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from certify.models import Event, User
from certify.second_factor import authenticator_ensure
from tests.factories import ManagerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PAGE = "/accounts/second-factor/"


@pytest.fixture
def required(settings):
    settings.STAFF_OTP_REQUIRED = True


def code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def enrol(english_client, user):
    """Sign in with the password and set up the authenticator; return the device and recovery codes."""
    english_client.force_login(user)
    english_client.get(PAGE)
    device = TOTPDevice.objects.get(user=user)
    response = english_client.post(PAGE, {"code": code(device), "next": "/"})
    return device, response.context["codes"]


# --- the gate ---------------------------------------------------------------------------


@pytest.mark.usefixtures("required")
def test_a_manager_signed_in_with_a_password_is_sent_to_the_second_factor_page(english_client, manager):
    english_client.force_login(manager)

    response = english_client.get("/manage/")

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?next=/manage/"


@pytest.mark.usefixtures("required")
def test_the_admin_follows_the_same_rule(english_client, manager):
    english_client.force_login(manager)

    assert english_client.get("/admin/")["Location"].startswith(PAGE)


@pytest.mark.usefixtures("required")
def test_a_json_caller_gets_a_403_saying_what_to_do(english_client, auditor):
    english_client.force_login(auditor)

    response = english_client.get("/audits/", HTTP_ACCEPT="application/json")

    assert (response.status_code, response["Content-Type"]) == (403, "application/problem+json")
    assert (response.json()["code"], response.json()["detail"]) == (
        "second_factor_required",
        "Verify your second factor first.",
    )


@pytest.mark.usefixtures("required")
def test_the_api_asks_a_staff_session_for_the_second_factor(english_client, manager):
    english_client.force_login(manager)

    response = english_client.get("/api/v1/me/")

    assert (response.status_code, response.json()["code"]) == (403, "second_factor_required")


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("path", ["/verify/", "/register/", "/complaints/new/", "/healthz/live"])
def test_public_pages_stay_open_before_verifying(english_client, manager, path):
    english_client.force_login(manager)

    assert english_client.get(path).status_code == 200


@pytest.mark.usefixtures("required")
def test_the_language_switch_and_logout_stay_open(english_client, manager):
    english_client.force_login(manager)

    assert english_client.post("/language/", {"language": "en", "next": "/verify/"})["Location"] == "/verify/"
    assert english_client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in english_client.session


@pytest.mark.usefixtures("required")
def test_an_unverified_manager_sees_no_role_navigation(english_client, manager):
    english_client.force_login(manager)

    content = english_client.get(PAGE).content.decode()

    assert reverse("applications:case_list") not in content
    assert reverse("logout") in content


@pytest.mark.usefixtures("required")
def test_an_applicant_is_never_asked(english_client, applicant):
    english_client.force_login(applicant)

    assert english_client.get(reverse("applications:applicant_home")).status_code == 200


def test_when_optional_staff_without_an_authenticator_are_not_asked(english_client, manager):
    english_client.force_login(manager)

    assert english_client.get("/manage/").status_code == 200


def test_when_optional_staff_who_set_one_up_are_asked_for_its_code(english_client, manager):
    authenticator_ensure(manager)
    english_client.force_login(manager)

    assert english_client.get("/manage/")["Location"] == f"{PAGE}?next=/manage/"


# --- enrolment and verification ------------------------------------------------------------


@pytest.mark.usefixtures("required")
def test_the_set_up_page_shows_a_qr_code_and_the_key_as_text(english_client, manager):
    english_client.force_login(manager)

    content = english_client.get(PAGE).content.decode()

    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert "<svg" in content
    key = content.split('data-testid="totp-key">')[1].split("<")[0].replace(" ", "")
    assert key == b32encode(device.bin_key).decode().rstrip("=")


@pytest.mark.usefixtures("required")
def test_the_first_code_confirms_the_authenticator_and_shows_ten_recovery_codes_once(english_client, manager):
    device, codes = enrol(english_client, manager)

    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=manager).count()
    assert english_client.get("/manage/").status_code == 200
    assert Event.objects.filter(verb="user.second_factor_enrolled", object_id=manager.pk).count() == 1
    assert english_client.get(PAGE)["Location"] == "/"  # verified: the codes are not shown again


@pytest.mark.usefixtures("required")
def test_a_wrong_code_is_an_error_on_the_page(english_client, manager):
    english_client.force_login(manager)
    english_client.get(PAGE)

    response = english_client.post(PAGE, {"code": "000000"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=manager).confirmed


@pytest.mark.usefixtures("required")
def test_repeated_wrong_codes_are_throttled_even_before_the_right_one(english_client, manager):
    device, _codes = enrol(english_client, manager)
    english_client.logout()
    english_client.force_login(manager)
    english_client.post(PAGE, {"code": "000000"})
    english_client.post(PAGE, {"code": "000001"})

    response = english_client.post(PAGE, {"code": code(device)})

    assert "Too many wrong codes" in response.content.decode()
    assert english_client.get("/manage/").status_code == 302


@pytest.mark.usefixtures("required")
def test_a_code_from_the_app_finishes_signing_in(english_client, manager):
    device, _codes = enrol(english_client, manager)
    english_client.logout()
    english_client.force_login(manager)
    # The enrolment used this time step's code; a code is accepted once.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)

    response = english_client.post(PAGE, {"code": code(device), "next": "/manage/"})

    assert response["Location"] == "/manage/"
    assert english_client.get("/manage/").status_code == 200


@pytest.mark.usefixtures("required")
def test_a_recovery_code_signs_in_once(english_client, manager):
    _device, codes = enrol(english_client, manager)
    english_client.logout()
    english_client.force_login(manager)

    response = english_client.post(PAGE, {"code": codes[0], "next": "/manage/"}, follow=True)

    assert "recovery code; 9 are left" in response.content.decode()
    assert english_client.get("/manage/").status_code == 200
    english_client.logout()
    english_client.force_login(manager)
    assert "not right, or it was used already" in english_client.post(PAGE, {"code": codes[0]}).content.decode()
    assert Event.objects.filter(verb="user.recovery_code_used").count() == 1


def test_an_applicant_has_no_second_factor_page(english_client, applicant):
    english_client.force_login(applicant)

    assert english_client.get(PAGE).status_code == 404


def test_the_profile_offers_the_set_up_when_optional(english_client, auditor):
    english_client.force_login(auditor)

    content = english_client.get(reverse("profile")).content.decode()

    assert "Set up a second factor" in content


# --- reset ------------------------------------------------------------------------------


@pytest.fixture
def enrolled_auditor(auditor):
    authenticator_ensure(auditor)
    StaticDevice.objects.create(user=auditor, name="recovery", confirmed=True)
    return auditor


def test_a_manager_resets_another_staff_members_second_factor(english_client, manager, enrolled_auditor):
    english_client.force_login(manager)

    response = english_client.post(reverse("second_factor_reset", args=[enrolled_auditor.public_id]), follow=True)

    assert "second factor is reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=enrolled_auditor).exists()
    assert not StaticDevice.objects.filter(user=enrolled_auditor).exists()
    event = Event.objects.get(verb="user.second_factor_reset")
    assert (event.actor, event.object_id) == (manager, enrolled_auditor.pk)


def test_a_manager_cannot_reset_their_own_second_factor(english_client, manager):
    english_client.force_login(manager)
    session = english_client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_ensure(manager).persistent_id
    session.save()

    response = english_client.post(reverse("second_factor_reset", args=[manager.public_id]), follow=True)

    assert "Another manager must reset your second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(user=manager).exists()


def test_the_command_resets_the_last_manager(enrolled_auditor):
    last = ManagerFactory(email="last@example.com")
    authenticator_ensure(last)
    out = StringIO()

    call_command("otp_reset", "LAST@example.com", stdout=out)

    assert "Reset the second factor of last@example.com" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=last).exists()
    assert TOTPDevice.objects.filter(user=enrolled_auditor).exists()


def test_the_command_names_an_unknown_address(db):
    with pytest.raises(CommandError, match="No account has the address"):
        call_command("otp_reset", "nobody@example.com")


@pytest.mark.usefixtures("required")
def test_wrong_recovery_codes_are_throttled_too(english_client, manager):
    _device, codes = enrol(english_client, manager)
    english_client.logout()
    english_client.force_login(manager)
    english_client.post(PAGE, {"code": "wrongcode"})

    response = english_client.post(PAGE, {"code": codes[0]})

    assert "Too many wrong codes in a row" in response.content.decode()
    assert StaticToken.objects.filter(token=codes[0]).exists()


@pytest.mark.usefixtures("required")
def test_each_session_sets_up_its_own_key(english_client, manager):
    client = Client()
    english_client.force_login(manager)
    client.force_login(manager)

    first = english_client.get(PAGE).content.decode().split('data-testid="totp-key">')[1].split("<")[0]
    second = client.get(PAGE).content.decode().split('data-testid="totp-key">')[1].split("<")[0]

    assert first != second
    assert TOTPDevice.objects.filter(user=manager).count() == 1
    # The first session's key is gone: it can no longer confirm it.
    device_key = b32encode(TOTPDevice.objects.get(user=manager).bin_key).decode().rstrip("=")
    assert first.replace(" ", "") != device_key


def test_a_factor_set_up_in_another_browser_closes_a_session_already_signed_in(english_client, manager):
    client = Client()
    client.force_login(manager)
    assert client.get("/manage/").status_code == 200

    enrol(english_client, manager)

    assert client.get("/manage/")["Location"] == f"{PAGE}?next=/manage/"


@pytest.mark.usefixtures("required")
def test_an_unverified_manager_sees_no_role_navigation_on_a_missing_page(english_client, manager):
    english_client.force_login(manager)

    response = english_client.get("/no-such-page/")

    assert response.status_code == 404
    assert reverse("applications:case_list") not in response.content.decode()


def test_with_the_second_factor_required_the_demo_gives_its_staff_a_key(settings):
    from certificates.management.commands.seed_demo import DEMO_USERS, Command

    settings.STAFF_OTP_REQUIRED = True
    for email, name, roles in DEMO_USERS:
        User.objects.create_user(email=email, password="x", full_name=name, **roles)
    output = StringIO()

    Command(stdout=output)._print_second_factor()

    staff = User.objects.filter(is_manager=True) | User.objects.filter(is_auditor=True)
    assert TOTPDevice.objects.filter(user__in=staff, confirmed=True).count() == staff.count() > 0
    assert "Second factor for staff: required" in output.getvalue()
    assert "manager@demo.certify.test" in output.getvalue().split("required")[1]
