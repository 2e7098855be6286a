"""The daily watch over application deadlines (also `manage.py case_deadlines`)."""

from django.db import transaction
from django.utils import timezone

from applications.models import Case
from applications.selectors.case import overdue_condition
from applications.services._base import case_members, case_url
from applications.verbs import Verb
from certify.events import event_record
from certify.notifications import notify
from certify.selectors import active_managers


def _claim(case_id, now):
    """Mark a case notified unless another run already did (idempotent)."""
    return Case.objects.filter(pk=case_id, overdue_notified_at__isnull=True).update(
        overdue_notified_at=now
    ) == 1


def case_deadlines_notify(*, today=None):
    """Notify once about every review, supplement answer or decision that is overdue.

    Returns how many cases were flagged. Running it twice notifies once: the
    claim on `overdue_notified_at` is reset when the case moves on.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    overdue = Case.objects.filter(overdue_notified_at__isnull=True).filter(overdue_condition(today))
    flagged = 0
    for case in overdue.select_related("organisation"):
        with transaction.atomic():
            if not _claim(case.pk, now):
                continue
            flagged += 1
            if case.status == Case.Status.SUPPLEMENT_REQUESTED:
                event_record(
                    actor=None, obj=case, verb=Verb.CASE_SUPPLEMENT_OVERDUE, data={"due": case.supplement_due.isoformat()}
                )
                recipients = list(case_members(case)) + list(active_managers())
                notify(recipients, template="case_supplement_overdue", context={"case": case}, url=case_url(case))
            elif case.status == Case.Status.DECISION_PENDING:
                event_record(
                    actor=None, obj=case, verb=Verb.CASE_DECISION_OVERDUE, data={"due": case.decision_due.isoformat()}
                )
                notify(active_managers(), template="case_decision_overdue", context={"case": case}, url=case_url(case))
            else:
                event_record(
                    actor=None, obj=case, verb=Verb.CASE_REVIEW_OVERDUE, data={"due": case.review_due.isoformat()}
                )
                notify(active_managers(), template="case_review_overdue", context={"case": case}, url=case_url(case))
    return flagged
