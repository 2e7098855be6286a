"""The case's moves that other apps make: the audits app through the document
review and the on-site audit to the decision, the certificates app to its
outcome (they call these; never the reverse)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    Case,
    CaseAccess,
)
from applications.services._base import (
    case_locked,
    case_members,
    case_url,
    require_case_member,
)
from applications.verbs import Verb
from certify import transitions
from certify.calendar import add_working_days
from certify.exceptions import NotAllowed
from certify.models import User
from certify.notifications import notify
from certify.permissions import require_manager
from certify.selectors import active_managers
from scoring.selectors import process_settings_get


def case_document_review_begin(*, actor, case):
    """The manager planned the document review: the case leaves contract_signed."""
    require_manager(actor)
    with transaction.atomic():
        case = case_locked(case)
        transitions.apply(case, Case.Status.DOCUMENT_REVIEW, actor=actor, verb=Verb.CASE_DOCUMENT_REVIEW_STARTED)
    return case



def case_document_revision_request(*, actor, case, due, note=""):
    """The lead auditor asks for revised system documents by `due`."""
    with transaction.atomic():
        case = case_locked(case)
        if not transitions.apply(
            case,
            Case.Status.DOCUMENT_REVISION,
            actor=actor,
            verb=Verb.CASE_DOCUMENT_REVISION_REQUESTED,
            note=note,
            data={"due": due.isoformat()},
            changes={"supplement_due": due, "overdue_notified_at": None},
        ):
            return case
        notify(
            case_members(case),
            template="case_document_revision_requested",
            context={"case": case, "due": due, "note": note},
            url=case_url(case),
        )
    return case



def case_documents_revised(*, actor, case):
    """The applicant reports the documents revised; the review repeats."""
    require_case_member(actor, case)
    with transaction.atomic():
        case = case_locked(case)
        if not transitions.apply(
            case, Case.Status.DOCUMENT_REVIEW, actor=actor, verb=Verb.CASE_DOCUMENTS_REVISED, changes={"supplement_due": None}
        ):
            return case
        staff = User.objects.filter(
            pk__in=CaseAccess.objects.filter(case=case).values("user_id"), is_active=True
        )
        notify(
            list(staff) + list(active_managers().exclude(pk__in=staff.values("pk"))),
            template="case_documents_revised",
            context={"case": case},
            url=case_url(case),
        )
    return case



def case_document_review_pass(*, actor, case):
    """The document review passed: the on-site audit can be planned."""
    with transaction.atomic():
        case = case_locked(case)
        if transitions.apply(case, Case.Status.ONSITE_PLANNED, actor=actor, verb=Verb.CASE_DOCUMENT_REVIEW_PASSED):
            notify(active_managers(), template="case_document_review_passed", context={"case": case}, url=case_url(case))
    return case



def case_onsite_start(*, actor, case):
    """The lead auditor started the on-site audit."""
    with transaction.atomic():
        case = case_locked(case)
        transitions.apply(case, Case.Status.ONSITE_IN_PROGRESS, actor=actor, verb=Verb.CASE_ONSITE_STARTED)
    return case



def case_onsite_done(*, actor, case, nonconformities_raised):
    """The on-site report is in: on to rectification when nonconformities were
    raised, otherwise straight to the decision."""
    with transaction.atomic():
        case = case_locked(case)
        if case.status in (Case.Status.RECTIFICATION, Case.Status.DECISION_PENDING):
            return case
        transitions.apply(case, Case.Status.ONSITE_DONE, actor=actor, verb=Verb.CASE_ONSITE_DONE)
        if nonconformities_raised:
            transitions.apply(case, Case.Status.RECTIFICATION, actor=actor, verb=Verb.CASE_RECTIFICATION_STARTED)
        else:
            _to_decision(case, actor)
        notify(case_members(case), template="case_onsite_done", context={"case": case}, url=case_url(case))
        if case.status == Case.Status.DECISION_PENDING:
            notify(active_managers(), template="case_decision_pending", context={"case": case}, url=case_url(case))
    return case



def case_rectification_done(*, actor, case):
    """Every nonconformity is verified and the final score given."""
    with transaction.atomic():
        case = case_locked(case)
        if _to_decision(case, actor):
            notify(active_managers(), template="case_decision_pending", context={"case": case}, url=case_url(case))
    return case



def _to_decision(case, actor):
    """Move to decision_pending with the scheme's working days for the
    decision (DOMAIN.md: 5–10 working days after the audit)."""
    due = add_working_days(timezone.localdate(), process_settings_get(case.version).decision_working_days)
    return transitions.apply(
        case,
        Case.Status.DECISION_PENDING,
        actor=actor,
        verb=Verb.CASE_DECISION_PENDING,
        changes={"decision_due": due, "overdue_notified_at": None},
    )



def case_decide(*, actor, case, decision):
    """Record the certification decision on the case (decision_pending →
    certified or not_certified). Only the certificates app's decision service
    calls this, with the decision it has just written after checking the
    decider's impartiality and the level: the case moves only with a
    decision of its own, by the same manager."""
    require_manager(actor)
    if decision.case_id != case.pk or decision.decided_by_id != actor.pk:
        raise NotAllowed(_("A case moves to its decision only with a decision on it by the same manager."))
    certified = decision.outcome == Case.Status.CERTIFIED
    to_state = Case.Status.CERTIFIED if certified else Case.Status.NOT_CERTIFIED
    with transaction.atomic():
        case = case_locked(case)
        transitions.apply(case, to_state, actor=actor, verb=Verb.CASE_DECIDED, note=decision.reason)
    return case

