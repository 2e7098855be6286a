"""No secret link (verification, password, invitation) can be read by anyone
once its e-mail is sent: the message carries it, the stored copy does not."""

import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from applications.services import invitation_create
from certify import services
from certify.models import Email, Event
from certify.notifications import SECRET_END, SECRET_START, email_deliver, email_queue

pytestmark = pytest.mark.django_db


def _sent_and_stored(template):
    email = Email.objects.get(template=template)
    [message] = [m for m in mail.outbox if m.to == [email.to] and m.subject == email.subject]
    return message.body, email.body_text


def _assert_link_sent_but_not_kept(sent, stored, path):
    assert re.search(r"http://testserver" + re.escape(path) + r"\S+", sent)
    assert SECRET_START not in sent and SECRET_END not in sent
    assert path not in stored
    assert "[link removed]" in stored


def test_the_verification_link_is_sent_and_then_removed_from_the_stored_email(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_register(email="new@example.com", full_name="New")

    sent, stored = _sent_and_stored("email_verification")
    _assert_link_sent_but_not_kept(sent, stored, "/accounts/verify/")


def test_the_password_reset_link_is_sent_and_then_removed_from_the_stored_email(
    client, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": applicant.email})

    sent, stored = _sent_and_stored("password_reset")
    _assert_link_sent_but_not_kept(sent, stored, "/accounts/password/reset/")


def test_the_staff_password_link_is_sent_and_then_removed_from_the_stored_email(
    manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_create(
            actor=manager, email="li@example.com", full_name="Li", is_auditor=True, is_manager=False
        )

    sent, stored = _sent_and_stored("staff_welcome")
    _assert_link_sent_but_not_kept(sent, stored, "/accounts/password/reset/")


def test_the_invitation_link_is_sent_and_then_removed_from_the_stored_email(
    applicant, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=applicant, organisation=organisation, email="colleague@example.com")

    sent, stored = _sent_and_stored("invitation")
    _assert_link_sent_but_not_kept(sent, stored, "/invitations/")


def test_an_unsent_email_keeps_its_link_for_the_next_attempt():
    email = email_queue(
        to="a@example.com",
        template="email_verification",
        subject="Verify",
        body_text=f"Open {SECRET_START}http://testserver/accounts/verify/abc/{SECRET_END}\n",
    )

    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")),
        pytest.raises(OSError),
    ):
        email_deliver(email.pk)

    email.refresh_from_db()
    assert "/accounts/verify/abc/" in email.body_text


def test_a_sent_notice_is_recorded_in_the_event_log_with_recipient_subject_and_template():
    email = email_queue(to="a@example.com", template="case_submitted", subject="Submitted", body_text="Body")

    email_deliver(email.pk)

    event = Event.objects.get(verb="email.sent")
    assert event.data["to"] == "a@example.com"
    assert event.data["subject"] == "Submitted"
    assert event.data["template"] == "case_submitted"


def test_a_sent_account_email_records_no_event():
    email = email_queue(to="a@example.com", template="password_reset", subject="Reset", body_text="Body")

    email_deliver(email.pk)

    assert not Event.objects.filter(verb="email.sent").exists()
