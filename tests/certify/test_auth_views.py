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
    return {"full_name": "Chen Xiaoming", "email": "chen@example.com", **changes}


def choose_password(**changes):
    return {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, **changes}


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


def test_the_registration_page_asks_for_the_name_and_address_only(client):
    response = client.get(reverse("register"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="email"' in content
    assert 'type="password"' not in content


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


@pytest.fixture
def verification_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register"), registration())
    return link_path(mail.outbox[0].body, "/accounts/verify/")


def test_the_link_in_the_verification_email_asks_for_the_password(client, verification_link):
    response = client.get(verification_link)

    assert response.status_code == 200
    assert 'name="new_password1"' in response.content.decode()


def test_choosing_the_password_verifies_the_address_and_sends_to_sign_in(
    client, verification_link
):
    response = client.post(verification_link, choose_password(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Your password is set and your e-mail address verified" in response.content.decode()
    user = User.objects.get(email="chen@example.com")
    assert user.email_verified_at is not None
    assert user.check_password(NEW_PASSWORD)


def test_registering_stores_the_language_the_page_was_shown_in(client):
    client.post(reverse("register"), registration())

    assert User.objects.get(email="chen@example.com").language == "en"


def test_registering_a_taken_address_answers_as_for_a_new_one(client, applicant):
    response = client.post(reverse("register"), registration(email=applicant.email.upper()))

    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    assert "already exists" not in response.content.decode()
    assert User.objects.filter(email=applicant.email).count() == 1


def test_a_common_password_is_refused_on_the_page(client, verification_link):
    response = client.post(
        verification_link, choose_password(new_password1="password", new_password2="password")
    )

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert User.objects.get(email="chen@example.com").email_verified_at is None


def test_a_short_numeric_password_is_refused_on_the_page(client, verification_link):
    response = client.post(
        verification_link, choose_password(new_password1="1234", new_password2="1234")
    )

    content = response.content.decode()
    assert "This password is too short" in content
    assert "This password is entirely numeric." in content


def test_a_password_like_the_email_address_is_refused_on_the_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register"), registration(email="chenxiaoming2024@example.com"))
    link = link_path(mail.outbox[0].body, "/accounts/verify/")

    response = client.post(
        link, choose_password(new_password1="chenxiaoming2024", new_password2="chenxiaoming2024")
    )

    assert "too similar" in response.content.decode()


def test_mismatched_passwords_are_refused_on_the_page(client, verification_link):
    response = client.post(verification_link, choose_password(new_password2=NEW_PASSWORD + "x"))

    assert response.status_code == 200
    assert "The two password fields" in response.content.decode()
    assert User.objects.get(email="chen@example.com").email_verified_at is None


def test_a_malformed_email_address_is_refused_on_the_page(client):
    response = client.post(reverse("register"), registration(email="not-an-address"))

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_a_signed_in_person_is_sent_home_from_registration(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("register"))["Location"] == reverse("home")


def test_registrations_from_one_address_are_limited(client, settings):
    settings.ACCOUNT_RATE_LIMIT_PER_ADDRESS = "2/h"
    for _attempt in range(2):
        client.post(reverse("register"), registration())

    response = client.post(reverse("register"), registration())

    assert response.status_code == 429


def test_registrations_from_one_client_are_limited_whatever_the_address(client, settings):
    settings.ACCOUNT_RATE_LIMIT_PER_IP = "2/h"
    for number in range(2):
        client.post(reverse("register"), registration(email=f"person{number}@example.com"))

    response = client.post(reverse("register"), registration(email="another@example.com"))

    assert response.status_code == 429
    assert not User.objects.filter(email="another@example.com").exists()


# Verification


def test_a_forged_verification_link_shows_an_error_page_not_a_500(client):
    response = client.get(reverse("email_verify", args=["forged-token"]))

    assert response.status_code == 400
    assert "This verification link is not valid." in response.content.decode()


def test_a_used_verification_link_cannot_set_the_password_again(client, verification_link):
    client.post(verification_link, choose_password())

    response = client.post(
        verification_link, choose_password(new_password1="x-Other-pass-9", new_password2="x-Other-pass-9")
    )

    assert response["Location"] == reverse("login")
    assert User.objects.get(email="chen@example.com").check_password(NEW_PASSWORD)


def test_asking_for_a_new_link_sends_one_to_an_unverified_address(
    client, django_capture_on_commit_callbacks
):
    services.user_register(email="chen@example.com", full_name="Chen")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("verification_resend"), {"email": "chen@example.com"})

    assert response["Location"] == reverse("login")
    assert [message.to for message in mail.outbox] == [["chen@example.com"]]


def test_asking_for_new_links_is_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMIT_PER_ADDRESS = "1/h"
    client.post(reverse("verification_resend"), {"email": "chen@example.com"})

    response = client.post(reverse("verification_resend"), {"email": "chen@example.com"})

    assert response.status_code == 429


# Sign-in


def test_sign_in_before_verification_is_refused_with_a_clear_message(client):
    ApplicantFactory(email="chen@example.com", password=NEW_PASSWORD, email_verified_at=None)

    response = sign_in(client, "chen@example.com", NEW_PASSWORD)

    assert response.status_code == 200
    assert "Please verify your e-mail address first" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_sign_in_works_after_verification(client):
    user = services.user_register(email="chen@example.com", full_name="Chen")
    services.user_verify_email(token=services.email_verification_token(user), password=NEW_PASSWORD)

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


def test_a_password_reset_for_an_unknown_address_says_so_by_email_and_the_same_on_the_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert response["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == ["nobody@example.com"]
    assert "no account uses it" in message.body
    assert "/accounts/password/reset/" not in message.body


def test_a_password_reset_does_the_same_work_for_a_known_and_an_unknown_address(client, applicant):
    client.post(reverse("password_reset"), {"email": applicant.email})
    client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert OutboxMessage.objects.count() == 2
    assert sorted(Email.objects.values_list("to", flat=True)) == sorted(
        [applicant.email, "nobody@example.com"]
    )


def test_password_resets_are_limited_per_address(client, settings, applicant):
    settings.ACCOUNT_RATE_LIMIT_PER_ADDRESS = "2/h"
    for _attempt in range(2):
        client.post(reverse("password_reset"), {"email": applicant.email})

    response = client.post(reverse("password_reset"), {"email": applicant.email})

    assert response.status_code == 429
    assert Email.objects.count() == 2


def test_a_completed_reset_lifts_the_login_lockout(
    client, applicant, settings, django_capture_on_commit_callbacks
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, applicant.email, "wrong")
    assert sign_in(client, applicant.email, PASSWORD).status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": applicant.email})
    form_page = client.get(link_path(mail.outbox[0].body, "/accounts/password/reset/"), follow=True)
    client.post(form_page.redirect_chain[-1][0], choose_password())

    response = sign_in(client, applicant.email, NEW_PASSWORD)

    assert response["Location"] == reverse("home")


def test_an_account_that_never_chose_a_password_finishes_through_a_reset(
    client, django_capture_on_commit_callbacks
):
    user = services.user_register(email="chen@example.com", full_name="Chen")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "chen@example.com"})
    form_page = client.get(link_path(mail.outbox[-1].body, "/accounts/password/reset/"), follow=True)

    client.post(form_page.redirect_chain[-1][0], choose_password())

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.email_verified_at is not None


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
