"""The daily pruning removes what was kept only for a while, and nothing else."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from certify.housekeeping import housekeeping
from certify.models import Email, JobRun, OutboxMessage, RateHit

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def email(template, *, created_days_ago, sent_days_ago=None):
    return Email.objects.create(
        to="a@example.com",
        template=template,
        subject="s",
        body_text="b",
        created_at=days_ago(created_days_ago),
        sent_at=days_ago(sent_days_ago) if sent_days_ago is not None else None,
    )


def test_account_emails_go_after_their_retention(settings):
    settings.ACCOUNT_EMAIL_RETENTION_DAYS = 30
    old = email("password_reset", created_days_ago=31, sent_days_ago=31)
    recent = email("email_verification", created_days_ago=29)

    housekeeping()

    assert list(Email.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Email.objects.filter(pk=old.pk).exists()


def test_other_emails_go_only_once_sent_and_past_their_retention(settings):
    settings.EMAIL_RETENTION_DAYS = 365
    sent_long_ago = email("case_submitted", created_days_ago=400, sent_days_ago=400)
    never_sent = email("case_submitted", created_days_ago=400)
    sent_recently = email("case_submitted", created_days_ago=10, sent_days_ago=10)

    housekeeping()

    remaining = set(Email.objects.values_list("pk", flat=True))
    assert remaining == {never_sent.pk, sent_recently.pk}
    assert sent_long_ago.pk not in remaining


def test_login_attempts_go_after_their_retention(settings):
    settings.LOGIN_ATTEMPT_RETENTION_DAYS = 90
    old = AccessAttempt.objects.create(username="a@example.com", failures_since_start=1)
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=days_ago(91))
    AccessAttempt.objects.create(username="b@example.com", failures_since_start=1)

    housekeeping()

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["b@example.com"]


def test_done_jobs_and_runs_go_but_waiting_and_failed_ones_stay(settings):
    settings.OUTBOX_RETENTION_DAYS = 14
    OutboxMessage.objects.create(task_name="t", status="done", done_at=days_ago(15))
    waiting = OutboxMessage.objects.create(task_name="t", status="queued", created_at=days_ago(30))
    failed = OutboxMessage.objects.create(task_name="t", status="failed", created_at=days_ago(30))
    JobRun.objects.create(job="j", period="old", outcome="done", ended_at=days_ago(15))
    failed_run = JobRun.objects.create(job="j", period="failed", outcome="failed", ended_at=days_ago(15))

    housekeeping()

    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {waiting.pk, failed.pk}
    assert list(JobRun.objects.values_list("pk", flat=True)) == [failed_run.pk]


def test_rate_limit_counts_older_than_two_days_go():
    RateHit.objects.create(scope="register:ip", key="k", created_at=days_ago(3))
    recent = RateHit.objects.create(scope="register:ip", key="k")

    housekeeping()

    assert list(RateHit.objects.values_list("pk", flat=True)) == [recent.pk]
