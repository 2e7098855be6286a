"""Every page of certify/urls.py for every role, and the mutating views'
method and role gates (STYLE.md B6)."""

from datetime import date

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from certify import services, urls
from certify.models import Notification, User, WorkingDayOverride
from certify.selectors import body_profile_get
from tests.access import (
    client_as,
    everyone,
    expect,
    managers_only,
    matrix_params,
    signed_in,
    url_names,
)

PAGES = {
    "home": everyone(302),
    "healthz": everyone(200),
    "healthz_live": everyone(200),
    "register": expect(200, 302, 302, 302, 302, 302),
    # A new account chooses its password on the page its link opens.
    "email_verify": everyone(200),
    "verification_resend": everyone(200),
    "login": expect(200, 302, 302, 302, 302, 302),
    "logout": everyone(405),
    "password_reset": everyone(200),
    "password_reset_done": everyone(200),
    "password_reset_confirm": everyone(200),
    "password_reset_complete": everyone(200),
    "password_change": signed_in(200),
    "password_change_done": signed_in(200),
    "profile": signed_in(200),
    "api_token_create": signed_in(405),
    "api_token_revoke": signed_in(405),
    # Staff only: with the second factor optional (as in tests) it offers the set-up.
    "second_factor": expect(302, 404, 404, 404, 200, 200),
    "second_factor_reset": expect(302, 403, 403, 403, 403, 405),
    "language_set": everyone(405),
    "notification_list": signed_in(200),
    "notification_read": signed_in(405),
    "notification_read_all": signed_in(405),
    "user_list": managers_only(),
    "staff_create": managers_only(),
    "user_roles": managers_only(),
    "body_profile": managers_only(),
    "body_logo": signed_in(404),
    "calendar": managers_only(),
    "background_work": managers_only(),
    "background_job_retry": expect(302, 403, 403, 403, 403, 405),
    "job_run_retry": expect(302, 403, 403, 403, 403, 405),
    "calendar_override_delete": expect(302, 403, 403, 403, 403, 405),
    "webhook_list": managers_only(),
    "webhook_disable": expect(302, 403, 403, 403, 403, 405),
    "webhook_resend": expect(302, 403, 403, 403, 403, 405),
    # The admin is Django's; its index stands for it. Non-managers are sent
    # to the admin's sign-in page.
    "admin:index": expect(302, 302, 302, 302, 302, 200),
}


@pytest.fixture
def page_url(db, applicant):
    unverified = services.user_register(email="unverified@example.com", full_name="Unverified")
    arguments = {
        "email_verify": {"token": services.email_verification_token(unverified)},
        "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-token"},
        "notification_read": {"notification_id": 1},
        "user_roles": {"public_id": applicant.public_id},
        "second_factor_reset": {"public_id": applicant.public_id},
        "api_token_revoke": {"token_id": 1},
        "calendar_override_delete": {"override_id": 1},
        "webhook_disable": {"endpoint_id": 1},
        "webhook_resend": {"delivery_id": 1},
        "background_job_retry": {"message_id": 1},
        "job_run_retry": {"run_id": 1},
    }
    return lambda name: reverse(name, kwargs=arguments.get(name))


def test_the_matrix_covers_every_page_of_certify():
    # A new page fails here until its row of expected statuses is added.
    missing = url_names(urls.urlpatterns) - set(PAGES)

    assert missing == set(), f"pages missing from the access matrix: {sorted(missing)}"


@pytest.mark.parametrize(("name", "role", "status"), matrix_params(PAGES))
def test_page_answers_each_role_as_expected(client, request, page_url, name, role, status):
    client = client_as(client, request, role)

    response = client.get(page_url(name))

    assert response.status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client, page_url):
    response = client.get(page_url("user_list"))

    assert response["Location"] == f"{reverse('login')}?next={reverse('user_list')}"


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("applicant", "applications:applicant_home"),
        ("applicant_without_organisation", "applications:applicant_home"),
        ("auditor", "audits:my_audits"),
        ("manager", "applications:manager_home"),
    ],
)
def test_home_sends_each_role_to_its_own_home(client, request, role, home):
    client = client_as(client, request, role)

    assert client.get(reverse("home"))["Location"] == reverse(home)


def test_a_manager_who_is_also_an_auditor_may_open_the_auditors_home(client, manager):
    manager.is_auditor = True
    manager.save()
    client.force_login(manager)

    assert client.get(reverse("audits:my_audits")).status_code == 200


def test_the_roles_page_of_an_unknown_person_is_404(client, manager):
    client.force_login(manager)

    response = client.get(
        reverse("user_roles", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    )

    assert response.status_code == 404


def test_a_deactivated_manager_is_signed_out(client, manager):
    client.force_login(manager)
    User.objects.filter(pk=manager.pk).update(is_active=False)

    assert client.get(reverse("user_list")).status_code == 302


# Mutating views: GET is 405, the allowed role works, a forbidden role gets
# 403, an anonymous visitor is sent to sign in.


@pytest.fixture
def override(manager):
    return services.working_day_override_set(
        actor=manager, date=date(2027, 2, 20), is_working_day=True
    )


def test_a_manager_removes_an_override_by_post(client, manager, override):
    client.force_login(manager)

    response = client.post(reverse("calendar_override_delete", args=[override.pk]))

    assert response["Location"] == reverse("calendar")
    assert not WorkingDayOverride.objects.exists()


@pytest.mark.parametrize("role", ["applicant", "auditor"])
def test_a_non_manager_may_not_remove_an_override(client, request, override, role):
    client = client_as(client, request, role)

    response = client.post(reverse("calendar_override_delete", args=[override.pk]))

    assert response.status_code == 403
    assert WorkingDayOverride.objects.exists()


def test_an_anonymous_visitor_removing_an_override_is_sent_to_sign_in(client, override):
    response = client.post(reverse("calendar_override_delete", args=[override.pk]))

    assert response["Location"].startswith(reverse("login"))
    assert WorkingDayOverride.objects.exists()


def test_a_get_does_not_remove_an_override(client, manager, override):
    client.force_login(manager)

    assert client.get(reverse("calendar_override_delete", args=[override.pk])).status_code == 405
    assert WorkingDayOverride.objects.exists()


@pytest.fixture
def notification(applicant):
    return Notification.objects.create(recipient=applicant, kind="test", title="Hello")


def test_the_recipient_marks_a_notification_read_by_post(client, applicant, notification):
    client.force_login(applicant)

    client.post(reverse("notification_read", args=[notification.pk]))

    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_get_does_not_mark_a_notification_read(client, applicant, notification):
    client.force_login(applicant)

    assert client.get(reverse("notification_read", args=[notification.pk])).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_an_anonymous_visitor_marking_read_is_sent_to_sign_in(client, notification):
    response = client.post(reverse("notification_read", args=[notification.pk]))

    assert response["Location"].startswith(reverse("login"))


def test_an_anonymous_visitor_marking_all_read_is_sent_to_sign_in(client, notification):
    response = client.post(reverse("notification_read_all"))

    assert response["Location"].startswith(reverse("login"))


def test_signing_out_takes_a_post(client, applicant):
    client.force_login(applicant)

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


STAFF_FORM = {"full_name": "New Auditor", "email": "new.auditor@example.com", "is_auditor": "on"}


def test_a_manager_creates_staff_through_the_form(client, manager):
    client.force_login(manager)

    response = client.post(reverse("staff_create"), STAFF_FORM)

    assert response["Location"] == reverse("user_list")
    assert User.objects.get(email="new.auditor@example.com").is_auditor is True


@pytest.mark.parametrize("role", ["applicant", "auditor"])
def test_a_non_manager_posting_the_staff_form_gets_403(client, request, role):
    client = client_as(client, request, role)

    assert client.post(reverse("staff_create"), STAFF_FORM).status_code == 403
    assert not User.objects.filter(email="new.auditor@example.com").exists()


def test_an_anonymous_visitor_posting_the_staff_form_is_sent_to_sign_in(client, db):
    response = client.post(reverse("staff_create"), STAFF_FORM)

    assert response["Location"].startswith(reverse("login"))
    assert not User.objects.filter(email="new.auditor@example.com").exists()


def test_a_manager_grants_a_role_through_the_form(client, manager, auditor):
    client.force_login(manager)

    response = client.post(
        reverse("user_roles", args=[auditor.public_id]),
        {"is_auditor": "on", "is_manager": "on", "is_active": "on"},
    )

    assert response.status_code == 302
    auditor.refresh_from_db()
    assert auditor.is_manager is True


@pytest.mark.usefixtures("english")
def test_the_roles_form_shows_the_refusal_of_self_demotion(english_client, manager):
    english_client.force_login(manager)

    response = english_client.post(
        reverse("user_roles", args=[manager.public_id]), {"is_active": "on"}
    )

    assert response.status_code == 200
    assert "You cannot remove your own manager role" in response.content.decode()


def test_an_auditor_posting_the_roles_form_gets_403(client, auditor, applicant):
    client.force_login(auditor)

    response = client.post(
        reverse("user_roles", args=[applicant.public_id]), {"is_manager": "on", "is_active": "on"}
    )

    assert response.status_code == 403
    applicant.refresh_from_db()
    assert applicant.is_manager is False


def test_a_manager_saves_the_body_profile_through_the_form(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("body_profile"),
        {
            "name_zh": "福建示例认证有限公司",
            "body_code": "001",
            "approval_number": "cnca-r-2002-001",
            "certificate_number_template": "{cb_code}{yy}{scheme_code}{serial:05}R{cycle}",
        },
    )

    assert response["Location"] == reverse("body_profile")
    assert body_profile_get().approval_number == "CNCA-R-2002-001"


def test_an_auditor_posting_the_body_profile_gets_403(client, auditor):
    client.force_login(auditor)

    response = client.post(reverse("body_profile"), {"name_zh": "篡改"})

    assert response.status_code == 403


def test_a_manager_sets_an_override_through_the_form(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("calendar"), {"date": "2027-02-20", "is_working_day": "1", "note": "调休"}
    )

    assert response["Location"] == reverse("calendar")
    assert WorkingDayOverride.objects.get().is_working_day is True


def test_an_auditor_posting_an_override_gets_403(client, auditor):
    client.force_login(auditor)

    response = client.post(reverse("calendar"), {"date": "2027-02-20", "is_working_day": "1"})

    assert response.status_code == 403
    assert not WorkingDayOverride.objects.exists()


def test_the_calendar_page_answers_a_question_about_a_day(client, manager):
    client.force_login(manager)

    response = client.get(reverse("calendar"), {"day": "2026-02-16"})

    assert response.context["probe_is_working_day"] is False
    assert response.context["probe_plus_10"] == date(2026, 3, 6)


def test_the_calendar_page_explains_a_malformed_day(client, manager):
    client.force_login(manager)

    response = client.get(reverse("calendar"), {"day": "16/02/2026"})

    assert response.status_code == 200
    assert response.context["probe_error"]


def test_the_calendar_page_refuses_the_last_day_of_the_calendar_without_a_500(client, manager):
    client.force_login(manager)

    response = client.get(reverse("calendar"), {"day": "9999-12-31"})

    assert response.status_code == 200
    assert response.context["probe_error"]
