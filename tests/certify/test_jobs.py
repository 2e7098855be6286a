"""Periodic jobs claim their period in the database: however many schedulers
fire, each period runs once, and each run is recorded."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from certify.jobs import DAY, period_of, periodic_run
from certify.models import JobRun

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Work:
    def __init__(self, fail=False):
        self.runs = 0
        self.fail = fail

    def __call__(self):
        self.runs += 1
        if self.fail:
            raise RuntimeError("the sweep broke")
        return "done"


@pytest.mark.django_db
def test_a_period_runs_once_however_often_the_job_fires():
    work = Work()

    first = periodic_run("job", work, every=60, period="p1")
    second = periodic_run("job", work, every=60, period="p1")

    assert (first, second, work.runs) == ("done", None, 1)
    assert JobRun.objects.get().outcome == JobRun.Outcome.DONE


@pytest.mark.django_db
def test_the_next_period_runs_again():
    work = Work()

    periodic_run("job", work, every=60, period="p1")
    periodic_run("job", work, every=60, period="p2")

    assert work.runs == 2


@pytest.mark.django_db
def test_a_failed_run_records_its_error_and_fails_visibly():
    with pytest.raises(RuntimeError):
        periodic_run("job", Work(fail=True), every=60, period="p1")

    run = JobRun.objects.get()
    assert (run.outcome, run.error) == (JobRun.Outcome.FAILED, "RuntimeError: the sweep broke")
    assert run.ended_at is not None


@pytest.mark.django_db
def test_a_run_left_running_by_a_dead_worker_is_taken_over_in_the_same_period(settings):
    JobRun.objects.create(
        job="job", period="p1", started_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    )
    work = Work()

    periodic_run("job", work, every=60, period="p1")

    assert work.runs == 1
    assert JobRun.objects.get().outcome == JobRun.Outcome.DONE


@pytest.mark.django_db
def test_a_run_still_within_its_time_limit_is_not_taken_over():
    JobRun.objects.create(job="job", period="p1")
    work = Work()

    assert periodic_run("job", work, every=60, period="p1") is None
    assert work.runs == 0


@pytest.mark.django_db
def test_a_run_a_dead_worker_left_in_a_past_period_is_recorded_as_failed_by_the_next_run_of_any_job(settings):
    killed = JobRun.objects.create(
        job="daily", period="2026-12-06", started_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    )

    periodic_run("sweep", Work(), every=60, period="p1")

    killed.refresh_from_db()
    assert killed.outcome == JobRun.Outcome.FAILED
    assert "Stopped without finishing" in killed.error


def test_a_daily_period_is_the_day_in_china():
    late_evening_utc = datetime(2026, 12, 7, 17, 0, tzinfo=ZoneInfo("UTC"))

    assert period_of(DAY, late_evening_utc) == "2026-12-08"


def test_an_interval_period_is_the_window_the_moment_falls_in():
    moment = datetime(2026, 12, 7, 8, 0, 59, tzinfo=SHANGHAI)

    assert period_of(60, moment) == period_of(60, moment - timedelta(seconds=59))
    assert period_of(60, moment) != period_of(60, moment + timedelta(seconds=1))


@pytest.mark.django_db
def test_the_scheduled_tasks_record_their_runs():
    from certificates.tasks import certificates_daily_task

    with time_machine.travel(datetime(2026, 12, 7, 8, 20, tzinfo=SHANGHAI)):
        certificates_daily_task()
        certificates_daily_task()

    [run] = JobRun.objects.all()
    assert (run.job, run.period) == ("certificates.tasks.certificates_daily", "2026-12-07")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_firing_at_once_run_the_period_once():
    work = Work()
    start = threading.Barrier(2)

    def scheduler():
        start.wait()
        try:
            periodic_run("job", work, every=1, period="same-second")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert work.runs == 1
    assert JobRun.objects.count() == 1
