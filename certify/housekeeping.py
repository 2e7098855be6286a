"""The daily pruning: what was kept only for a while is removed.

Account e-mails (verification, password, invitation) and login attempts
after their retention; other e-mails once sent and past theirs (each left an
"email.sent" event when it went out); done jobs, finished periodic runs and
rate-limit counts once nobody needs them.
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

from certify.models import Email, JobRun, OutboxMessage, RateHit
from certify.notifications import ACCOUNT_TEMPLATES


def _days_ago(now, days):
    return now - timedelta(days=days)


def housekeeping(now=None):
    """Prune what is past its retention; return how many rows went, by kind."""
    now = now or timezone.now()
    account_before = _days_ago(now, settings.ACCOUNT_EMAIL_RETENTION_DAYS)
    login_before = _days_ago(now, settings.LOGIN_ATTEMPT_RETENTION_DAYS)
    jobs_before = _days_ago(now, settings.OUTBOX_RETENTION_DAYS)
    pruned = {
        "account_emails": Email.objects.filter(
            template__in=ACCOUNT_TEMPLATES, created_at__lt=account_before
        ).delete()[0],
        "emails": Email.objects.exclude(template__in=ACCOUNT_TEMPLATES)
        .filter(sent_at__lt=_days_ago(now, settings.EMAIL_RETENTION_DAYS))
        .delete()[0],
        "login_attempts": sum(
            model.objects.filter(attempt_time__lt=login_before).delete()[0]
            for model in (AccessAttempt, AccessLog, AccessFailureLog)
        ),
        "jobs": OutboxMessage.objects.filter(
            status=OutboxMessage.Status.DONE, done_at__lt=jobs_before
        ).delete()[0],
        "job_runs": JobRun.objects.filter(
            outcome=JobRun.Outcome.DONE, ended_at__lt=jobs_before
        ).delete()[0],
        "rate_counts": RateHit.objects.filter(created_at__lt=_days_ago(now, 2)).delete()[0],
    }
    return pruned
