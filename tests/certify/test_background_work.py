"""The managers' background-work page: failed jobs and runs, with their
errors but never an e-mail's body, and a way to try them again."""

from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certify import services
from certify.exceptions import CertifyError, NotAllowed
from certify.models import Email, Event, JobRun, OutboxMessage
from certify.notifications import SECRET_END, SECRET_START, email_queue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def failed_email(settings, django_capture_on_commit_callbacks):
    """A verification e-mail whose sending failed for good."""
    settings.OUTBOX_MAX_ATTEMPTS = 1
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email_queue(
            to="new@example.com",
            template="email_verification",
            subject="Confirm",
            body_text=f"Open {SECRET_START}http://testserver/accounts/verify/SECRET-TOKEN/{SECRET_END}",
        )
    return OutboxMessage.objects.get()


@pytest.fixture
def failed_run():
    return JobRun.objects.create(
        job="certificates.tasks.certificates_daily", period="2026-12-07", outcome="failed", error="boom"
    )


def test_the_page_lists_a_failed_job_with_its_error_but_not_the_emails_body(
    english_client, manager, failed_email
):
    english_client.force_login(manager)

    content = english_client.get(reverse("background_work")).content.decode()

    assert "Send an e-mail" in content
    assert "OSError: smtp down" in content
    assert "SECRET-TOKEN" not in content
    assert "Open" not in content.split('data-testid="failed-job"')[1].split("</tr>")[0]


def test_the_page_lists_a_failed_periodic_run(english_client, manager, failed_run):
    english_client.force_login(manager)

    content = english_client.get(reverse("background_work")).content.decode()

    assert "Surveillance, renewal and suspension reminders" in content
    assert "boom" in content


def test_trying_a_failed_job_again_sends_the_email_and_records_who_asked(
    english_client, manager, failed_email, django_capture_on_commit_callbacks
):
    english_client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = english_client.post(reverse("background_job_retry", args=[failed_email.pk]), follow=True)

    assert "The job will be tried again." in response.content.decode()
    failed_email.refresh_from_db()
    assert failed_email.status == OutboxMessage.Status.DONE
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert Event.objects.get(verb="background.job_retried").actor == manager


def test_a_job_that_has_not_failed_cannot_be_tried_again(manager, failed_email):
    OutboxMessage.objects.filter(pk=failed_email.pk).update(status="done")

    with pytest.raises(CertifyError, match="has not failed"):
        services.background_job_retry(actor=manager, message_id=failed_email.pk)


def test_only_a_manager_tries_a_job_again(auditor, failed_email):
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        services.background_job_retry(actor=auditor, message_id=failed_email.pk)


def test_running_a_failed_periodic_job_again_runs_it_once_outside_the_schedule(
    manager, failed_run, django_capture_on_commit_callbacks
):
    with (
        mock.patch("certificates.tasks.certificates_daily") as daily,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.job_run_retry(actor=manager, run_id=failed_run.pk)

    daily.assert_called_once()
    failed_run.refresh_from_db()
    assert failed_run.retried_at is not None
    assert JobRun.objects.filter(job=failed_run.job, outcome="done").count() == 1
    with pytest.raises(CertifyError, match="has not failed"):
        services.job_run_retry(actor=manager, run_id=failed_run.pk)


def test_the_page_runs_the_same_queries_for_3_and_30_failed_jobs(english_client, manager):
    english_client.force_login(manager)
    english_client.get(reverse("background_work"))  # what a process reads once is read

    def failures(count):
        OutboxMessage.objects.bulk_create(
            OutboxMessage(task_name="certify.tasks.email_send", args=[n], status="failed") for n in range(count)
        )
        JobRun.objects.bulk_create(
            JobRun(job="certify.tasks.housekeeping", period=f"p{count}-{n}", outcome="failed") for n in range(count)
        )

    failures(3)
    with CaptureQueriesContext(connection) as small:
        english_client.get(reverse("background_work"))
    failures(27)
    with CaptureQueriesContext(connection) as large:
        english_client.get(reverse("background_work"))

    assert len(small) == len(large)
    assert not Email.objects.exists()
