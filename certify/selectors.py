"""Reads of the `certify` app."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certify.cache import versioned
from certify.jobs import job_label
from certify.models import BodyProfile, JobRun, OutboxMessage, User


def body_profile_get():
    """The body's profile; created with a placeholder name on first use so
    every page can print it."""
    profile = BodyProfile.objects.filter(pk=1).first()
    if profile is None:
        profile, _created = BodyProfile.objects.get_or_create(
            pk=1, defaults={"name_zh": _("Certification body (name not yet set)")}
        )
    return profile


BODY_PROFILE = "body-profile"


def body_profile_shown():
    """The profile as every page's header and footer print it: cached until
    it is next saved (wired in AppConfig.ready), as the public verification
    page, read on every QR scan, needs no query of its own."""
    return versioned(BODY_PROFILE, body_profile_get)


def staff_list(*, search=""):
    queryset = User.objects.filter(Q(is_auditor=True) | Q(is_manager=True))
    if search:
        queryset = queryset.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return queryset.order_by("full_name", "email")


def user_list(*, search="", role=""):
    queryset = User.objects.all()
    if role in User.Role.values:
        queryset = queryset.filter(**{f"is_{role}": True})
    if search:
        queryset = queryset.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return queryset.order_by("full_name", "email")


def active_managers():
    """Everyone told of work waiting for the body: the active managers."""
    return User.objects.filter(is_manager=True, is_active=True)


def background_work(*, listed=50):
    """What the managers' background-work page shows: the jobs waiting, those
    that failed (with their errors), and the periodic jobs' recent runs.
    Never an e-mail's body: a job shows its name and the ids it works on."""
    now = timezone.now()
    pending = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.PUBLISHED]
    )
    failed_jobs = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).order_by("-created_at")[:listed]
    )
    failed_runs = list(
        JobRun.objects.filter(outcome=JobRun.Outcome.FAILED, retried_at__isnull=True).order_by(
            "-started_at"
        )[:listed]
    )
    recent_runs = list(JobRun.objects.order_by("-started_at", "-id")[:20])
    for row in [*failed_jobs, *failed_runs, *recent_runs]:
        row.label = job_label(getattr(row, "task_name", None) or row.job)
    return {
        "waiting": pending.filter(status=OutboxMessage.Status.QUEUED).count(),
        # Waiting past its time: the broker or the worker is not taking jobs.
        "overdue": pending.filter(next_attempt_at__lt=now - timedelta(minutes=5)).count(),
        "with_worker": pending.filter(status=OutboxMessage.Status.PUBLISHED).count(),
        "failed_jobs": failed_jobs,
        "failed_runs": failed_runs,
        "failed_count": len(failed_jobs) + len(failed_runs),
        "recent_runs": recent_runs,
    }
