"""Registration, verification, sign-in and its throttling, password reset and
change, and the language of pages. Bad input gets a message on the page,
never a 500. Text is asserted on English pages only: the Chinese catalogue
is still being written."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from certify import services
from certify.models import Email, OutboxMessage, User
from tests.factories import PASSWORD, ApplicantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_PASSWORD = "Plum-blossom-in-winter-42"


def registration(**changes):
    return {
        "full_name": "Chen Xiaoming",
        "email": "chen@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **changes,
    }


def sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def link_path(body, prefix):
    match = re.search(r"https?://testserver(" + re.escape(prefix) + r"\S+)", body)
    assert match, body
    return match.group(1)


@pytest.fixture
def client(english_client):
    return english_client


# Registration


def test_the_registration_page_shows_the_form(client):
    response = client.get(reverse("register"))

    assert response.status_code == 200
    assert 'name="password2"' in response.content.decode()


def test_registering_creates_an_unverified_applicant_and_says_to_check_the_mail(client):
    response = client.post(reverse("register"), registration())

    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    user = User.objects.get(email="chen@example.com")
    assert user.is_applicant is True
    assert user.email_verified_at is None


def test_registering_sends_the_verification_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register"), registration())

    assert [message.to for message in mail.outbox] == [["chen@example.com"]]


def test_the_link_in_the_verification_email_verifies_the_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register"), registration())

    response = client.get(link_path(mail.outbox[0].body, "/accounts/verify/"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Your e-mail address is verified" in response.content.decode()
    assert User.objects.get(email="chen@example.com").email_verified_at is not None


def test_registering_stores_the_language_the_page_was_shown_in(client):
    client.post(reverse("register"), registration())

    assert User.objects.get(email="chen@example.com").language == "en"


def test_registering_a_taken_address_shows_the_error_on_the_page(client, applicant):
    response = client.post(reverse("register"), registration(email=applicant.email.upper()))

    assert response.status_code == 200
    assert "An account with this e-mail address already exists" in response.content.decode()
    assert User.objects.filter(email=applicant.email).count() == 1


def test_a_common_password_is_refused_on_the_page(client):
    response = client.post(
        reverse("register"), registration(password1="password", password2="password")
    )

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(email="chen@example.com").exists()


def test_a_short_numeric_password_is_refused_on_the_page(client):
    response = client.post(reverse("register"), registration(password1="1234", password2="1234"))

    content = response.content.decode()
    assert "This password is too short" in content
    assert "This password is entirely numeric." in content


def test_a_password_like_the_email_address_is_refused_on_the_page(client):
    response = client.post(
        reverse("register"),
        registration(
            email="chenxiaoming2024@example.com",
            password1="chenxiaoming2024",
            password2="chenxiaoming2024",
        ),
    )

    assert "too similar" in response.content.decode()


def test_mismatched_passwords_are_refused_on_the_page(client):
    response = client.post(reverse("register"), registration(password2=NEW_PASSWORD + "x"))

    assert response.status_code == 200
    assert "The two passwords do not match." in response.content.decode()
    assert not User.objects.filter(email="chen@example.com").exists()


def test_a_malformed_email_address_is_refused_on_the_page(client):
    response = client.post(reverse("register"), registration(email="not-an-address"))

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_a_signed_in_person_is_sent_home_from_registration(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("register"))["Location"] == reverse("home")


# Verification


def test_a_forged_verification_link_shows_an_error_page_not_a_500(client):
    response = client.get(reverse("email_verify", args=["forged-token"]))

    assert response.status_code == 400
    assert "This verification link is not valid." in response.content.decode()


def test_asking_for_a_new_link_sends_one_to_an_unverified_address(
    client, django_capture_on_commit_callbacks
):
    services.user_register(email="chen@example.com", full_name="Chen", password=NEW_PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("verification_resend"), {"email": "chen@example.com"})

    assert response["Location"] == reverse("login")
    assert [message.to for message in mail.outbox] == [["chen@example.com"]]


# Sign-in


def test_sign_in_before_verification_is_refused_with_a_clear_message(client):
    services.user_register(email="chen@example.com", full_name="Chen", password=NEW_PASSWORD)

    response = sign_in(client, "chen@example.com", NEW_PASSWORD)

    assert response.status_code == 200
    assert "Please verify your e-mail address first" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_sign_in_works_after_verification(client):
    user = services.user_register(email="chen@example.com", full_name="Chen", password=NEW_PASSWORD)
    services.user_verify_email(token=services.email_verification_token(user))

    response = sign_in(client, "chen@example.com", NEW_PASSWORD)

    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_email_address_at_sign_in_is_case_insensitive(client, applicant):
    response = sign_in(client, applicant.email.upper(), PASSWORD)

    assert response.status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, applicant):
    response = sign_in(client, applicant.email, "wrong-password")

    assert response.status_code == 200
    assert "The e-mail address or the password is wrong." in response.content.decode()


def test_a_deactivated_account_cannot_sign_in(client, applicant):
    applicant.is_active = False
    applicant.save()

    response = sign_in(client, applicant.email, PASSWORD)

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_five_wrong_passwords_lock_the_account_out_with_429(client, applicant):
    statuses = [sign_in(client, applicant.email, f"wrong-{n}").status_code for n in range(5)]

    assert statuses == [200, 200, 200, 200, 429]


def test_the_lockout_page_says_why_and_offers_a_reset(client, applicant):
    for n in range(5):
        response = sign_in(client, applicant.email, f"wrong-{n}")

    content = response.content.decode()
    assert "Too many failed sign-in attempts" in content
    assert reverse("password_reset") in content


def test_a_locked_out_account_stays_locked_with_the_right_password(client, applicant):
    for n in range(5):
        sign_in(client, applicant.email, f"wrong-{n}")

    response = sign_in(client, applicant.email, PASSWORD)

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_changing_the_case_of_the_address_does_not_escape_the_lockout(client, applicant):
    variants = [applicant.email, applicant.email.upper(), applicant.email.title()]
    for n in range(5):
        sign_in(client, variants[n % 3], f"wrong-{n}")

    assert sign_in(client, applicant.email, PASSWORD).status_code == 429


def test_a_lockout_of_one_account_leaves_another_account_alone(client, applicant, outsider):
    for n in range(5):
        sign_in(client, applicant.email, f"wrong-{n}")

    assert sign_in(client, outsider.email, PASSWORD).status_code == 302


def test_four_wrong_passwords_then_the_right_one_sign_in(client, applicant):
    for n in range(4):
        sign_in(client, applicant.email, f"wrong-{n}")

    assert sign_in(client, applicant.email, PASSWORD).status_code == 302


def test_a_signed_in_person_is_sent_home_from_the_sign_in_page(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("login"))["Location"] == reverse("home")


# Password reset and change


def test_a_password_reset_email_goes_through_the_outbox(
    client, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": applicant.email})

    assert response["Location"] == reverse("password_reset_done")
    assert OutboxMessage.objects.get().published_at is not None
    assert Email.objects.get().to == applicant.email
    assert [message.to for message in mail.outbox] == [[applicant.email]]


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_password_reset_link_sets_a_new_password(
    client, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": applicant.email})
    form_page = client.get(link_path(mail.outbox[0].body, "/accounts/password/reset/"), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == reverse("password_reset_complete")
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)


def test_a_signed_in_person_changes_the_password(client, applicant):
    client.force_login(applicant)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == reverse("password_change_done")
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)


def test_a_password_change_with_a_wrong_old_password_is_refused_on_the_page(client, applicant):
    client.force_login(applicant)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()


# Language


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_pages_are_chinese_by_default(client):
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]

    response = client.get(reverse("login"))

    assert html_lang(response) == "zh-CN"
    assert response["Content-Language"] == "zh-hans"


def test_a_browser_asking_for_english_gets_english(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"


def test_a_browser_asking_for_an_unsupported_language_gets_chinese(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr")

    assert html_lang(response) == "zh-CN"


def test_switching_the_language_stores_it_and_sets_the_cookie(client, applicant):
    client.force_login(applicant)

    response = client.post(
        reverse("language_set"), {"language": "zh-hans", "next": reverse("profile")}
    )

    assert response["Location"] == reverse("profile")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    applicant.refresh_from_db()
    assert applicant.language == "zh-hans"


def test_the_stored_language_wins_over_the_browsers(client):
    person = ApplicantFactory(language="zh-hans")
    client.force_login(person)

    response = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en")

    assert html_lang(response) == "zh-CN"


def test_an_anonymous_visitor_switching_gets_the_cookie_and_the_language(client):
    client.post(reverse("language_set"), {"language": "zh-hans", "next": reverse("login")})

    response = client.get(reverse("login"))

    assert html_lang(response) == "zh-CN"


def test_an_unknown_language_is_refused_without_a_cookie(client, applicant):
    client.force_login(applicant)

    response = client.post(reverse("language_set"), {"language": "fr", "next": reverse("profile")})

    assert response["Location"] == reverse("profile")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    applicant.refresh_from_db()
    assert applicant.language == ""


def test_switching_the_language_never_redirects_to_another_site(client):
    response = client.post(
        reverse("language_set"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


def test_the_profile_form_stores_the_language(client, applicant):
    client.force_login(applicant)

    client.post(reverse("profile"), {"full_name": "Applicant Zhang", "phone": "", "language": "en"})

    applicant.refresh_from_db()
    assert applicant.language == "en"
