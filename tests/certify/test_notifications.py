"""In-app notifications and the e-mail that goes with each."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from certify.models import Email, Notification
from certify.notifications import (
    email_deliver,
    email_queue,
    notification_list_for_user,
    notification_mark_read,
    notification_unread_count,
    notify,
)
from tests.factories import OrganisationFactory


@pytest.fixture
def new_organisation(db):
    return OrganisationFactory(legal_name="福建示例有限公司", uscc="91350100M000100Y43")


def notify_about(recipients, organisation, creator, **kwargs):
    return notify(
        recipients,
        template="organisation_created",
        context={"organisation": organisation, "creator": creator},
        **kwargs,
    )


def test_notify_creates_one_notification_per_recipient(
    manager, auditor, applicant, new_organisation
):
    notify_about([manager, auditor], new_organisation, applicant)

    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        manager.pk,
        auditor.pk,
    }


def test_notify_skips_a_deactivated_recipient(manager, applicant, new_organisation):
    manager.is_active = False
    manager.save()

    created = notify_about([manager], new_organisation, applicant)

    assert created == []
    assert not Notification.objects.exists()


def test_notify_renders_in_the_recipients_language(manager, applicant, new_organisation):
    manager.language = "en"
    manager.save()

    notification = notify_about([manager], new_organisation, applicant)[0]

    assert notification.title == "New organisation registered: 福建示例有限公司"
    assert "91350100M000100Y43" in notification.body


def test_notify_keeps_the_link_inside_the_app_and_absolute_in_the_email(
    manager, applicant, new_organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_about([manager], new_organisation, applicant, url="/manage/")[0]

    assert notification.url == "/manage/"
    assert "http://testserver/manage/" in mail.outbox[0].body


def test_notify_sends_the_email_after_commit(
    manager, applicant, new_organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_about([manager], new_organisation, applicant)

    assert [message.to for message in mail.outbox] == [[manager.email]]
    assert Email.objects.get().sent_at is not None


def test_notify_sends_no_email_before_commit(manager, applicant, new_organisation):
    notify_about([manager], new_organisation, applicant)

    assert mail.outbox == []


def test_notify_without_email_sends_none(
    manager, applicant, new_organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_about([manager], new_organisation, applicant, send_email=False)

    assert mail.outbox == []
    assert Notification.objects.count() == 1


def test_an_email_is_delivered_only_once(db):
    email = email_queue(to="someone@example.com", template="test", subject="Hello", body_text="Body")

    email_deliver(email.pk)
    email_deliver(email.pk)

    assert len(mail.outbox) == 1


def test_delivering_an_unknown_email_does_nothing(db):
    email_deliver(987654)

    assert mail.outbox == []


def test_a_failed_delivery_is_recorded_and_raised_for_the_outbox(db):
    email = email_queue(to="someone@example.com", template="test", subject="Hello", body_text="Body")

    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp down")
        ),
        pytest.raises(OSError),
    ):
        email_deliver(email.pk)

    email.refresh_from_db()
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.last_error == "smtp down"


def test_the_unread_count_counts_only_the_users_unread_notifications(
    manager, auditor, applicant, new_organisation
):
    notify_about([manager, auditor], new_organisation, applicant, send_email=False)
    notify_about([manager], new_organisation, applicant, send_email=False)

    assert notification_unread_count(manager) == 2


def test_marking_one_notification_read_leaves_the_others_unread(
    manager, applicant, new_organisation
):
    first, *_ = notify_about([manager], new_organisation, applicant, send_email=False)
    notify_about([manager], new_organisation, applicant, send_email=False)

    notification_mark_read(user=manager, notification_id=first.pk)

    assert notification_unread_count(manager) == 1


def test_marking_all_read_clears_the_count(manager, applicant, new_organisation):
    for _ in range(3):
        notify_about([manager], new_organisation, applicant, send_email=False)

    notification_mark_read(user=manager)

    assert notification_unread_count(manager) == 0


def test_a_user_cannot_mark_someone_elses_notification_read(
    manager, auditor, applicant, new_organisation
):
    notification = notify_about([manager], new_organisation, applicant, send_email=False)[0]

    assert notification_mark_read(user=auditor, notification_id=notification.pk) == 0
    assert notification_unread_count(manager) == 1


def test_the_list_shows_the_newest_first(manager, applicant, new_organisation):
    older = notify_about([manager], new_organisation, applicant, send_email=False)[0]
    newer = notify_about([manager], new_organisation, applicant, send_email=False)[0]

    assert list(notification_list_for_user(manager)) == [newer, older]


def test_the_bell_shows_the_unread_count(client, manager, applicant, new_organisation):
    for _ in range(2):
        notify_about([manager], new_organisation, applicant, send_email=False)
    client.force_login(manager)

    response = client.get(reverse("notification_list"))

    assert 'data-testid="unread-count">2<' in response.content.decode()


def test_reading_a_notification_follows_its_link(client, manager, applicant, new_organisation):
    notification = notify_about(
        [manager], new_organisation, applicant, url="/manage/", send_email=False
    )[0]
    client.force_login(manager)

    response = client.post(reverse("notification_read", args=[notification.pk]))

    assert response["Location"] == "/manage/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_reading_a_notification_never_follows_a_link_to_another_site(
    client, manager, applicant, new_organisation
):
    notification = notify_about(
        [manager], new_organisation, applicant, url="https://evil.example/", send_email=False
    )[0]
    client.force_login(manager)

    response = client.post(reverse("notification_read", args=[notification.pk]))

    assert response["Location"] == reverse("notification_list")


def test_reading_someone_elses_notification_changes_nothing(
    client, manager, auditor, applicant, new_organisation
):
    notification = notify_about([manager], new_organisation, applicant, send_email=False)[0]
    client.force_login(auditor)

    response = client.post(reverse("notification_read", args=[notification.pk]))

    assert response["Location"] == reverse("notification_list")
    notification.refresh_from_db()
    assert notification.read_at is None


def test_read_all_marks_every_notification_of_the_user_read(
    client, manager, applicant, new_organisation
):
    for _ in range(3):
        notify_about([manager], new_organisation, applicant, send_email=False)
    client.force_login(manager)

    client.post(reverse("notification_read_all"))

    assert notification_unread_count(manager) == 0
