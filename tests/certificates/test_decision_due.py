"""The decision's deadline: the scheme's working days after the case became
ready for it, shown to managers and watched by the daily job."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from applications.models import Case
from applications.services import case_rectification_done
from applications.services.deadlines import case_deadlines_notify
from certify.calendar import add_working_days
from certify.events import event_record
from certify.models import Event, Notification
from tests.certificates.helpers import case_row, decision_pending_case
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


def due_after(day, case):
    return add_working_days(day, case.version.decision_working_days)


def test_a_case_ready_for_its_decision_is_due_the_schemes_working_days_later(applicant, organisation, manager):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    assert case.decision_due == due_after(timezone.localdate(), case)


def test_a_case_whose_rectification_is_done_is_due_the_schemes_working_days_later(manager, organisation):
    case = case_row(organisation, manager, status=Case.Status.RECTIFICATION)
    case = case_rectification_done(actor=manager, case=case)
    assert (case.status, case.decision_due) == (Case.Status.DECISION_PENDING, due_after(timezone.localdate(), case))


def waiting(organisation, manager, due):
    case = case_row(organisation, manager)
    Case.objects.filter(pk=case.pk).update(decision_due=due)
    return case


def test_the_decision_queue_lists_the_soonest_due_first(client, manager, organisation):
    today = timezone.localdate()
    later = waiting(organisation, manager, today + datetime.timedelta(days=9))
    sooner = waiting(organisation, manager, today + datetime.timedelta(days=2))
    client.force_login(manager)
    response = client.get(reverse("certificates:decision_queue"))
    assert [case.pk for case, _audited in response.context["cases"]] == [sooner.pk, later.pk]


def test_the_decision_queue_marks_an_overdue_decision(client, manager, organisation):
    waiting(organisation, manager, timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(manager)
    content = client.get(reverse("certificates:decision_queue")).content.decode()
    assert '<span class="text-danger fw-semibold" data-testid="decision-due">' in content


def test_the_case_page_shows_managers_when_the_decision_is_due(client, manager, organisation):
    due = timezone.localdate() + datetime.timedelta(days=5)
    case = waiting(organisation, manager, due)
    client.force_login(manager)
    response = client.get(reverse("applications:case_detail", args=[case.public_id]))
    assert response.context["deadline"] == due


def test_an_overdue_decision_is_flagged_to_the_managers_once(manager, organisation, django_capture_on_commit_callbacks):
    due = timezone.localdate()
    case = waiting(organisation, manager, due)
    with django_capture_on_commit_callbacks(execute=True):
        assert case_deadlines_notify(today=due + datetime.timedelta(days=1)) == 1
        assert case_deadlines_notify(today=due + datetime.timedelta(days=1)) == 0
    assert Event.objects.filter(object_id=case.pk, verb="case.decision_overdue").count() == 1
    assert [notice.recipient for notice in Notification.objects.filter(kind="case_decision_overdue")] == [manager]


def test_a_decision_within_its_deadline_is_not_flagged(manager, organisation):
    due = timezone.localdate()
    waiting(organisation, manager, due)
    assert case_deadlines_notify(today=due) == 0


def test_a_case_already_waiting_gets_its_due_date_from_when_it_became_ready(manager, organisation):
    case = case_row(organisation, manager)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        event_record(actor=manager, obj=case, verb="case.decision_pending", to_state=Case.Status.DECISION_PENDING)
    migration = importlib.import_module("applications.migrations.0012_case_decision_due")
    migration.decision_due_from_events(apps, None)
    case.refresh_from_db()
    assert case.decision_due == due_after(datetime.date(2026, 3, 2), case)


def test_the_case_list_of_overdue_cases_includes_an_overdue_decision(client, manager, organisation):
    late = waiting(organisation, manager, timezone.localdate() - datetime.timedelta(days=1))
    waiting(organisation, manager, timezone.localdate() + datetime.timedelta(days=1))
    client.force_login(manager)
    response = client.get(reverse("applications:case_list"), {"overdue": "on"})
    assert [case.pk for case in response.context["page"]] == [late.pk]


def test_the_decision_page_shows_when_the_decision_is_due(client, manager, organisation):
    due = timezone.localdate() + datetime.timedelta(days=5)
    case = waiting(organisation, manager, due)
    client.force_login(ManagerFactory())
    content = client.get(reverse("certificates:decision", args=[case.public_id])).content.decode()
    assert 'data-testid="decision-due"' in content and due.isoformat() in content
