"""Writes of nonconformities: raise, answer, verify (accept or reject),
escalate, and the reminders sweep (DOMAIN.md 5.4; DESIGN.md "Deadlines").

Each transition locks the nonconformity, consults
`Nonconformity.ALLOWED_TRANSITIONS`, treats a repeat as a no-op, writes one
event on the nonconformity and sends its notifications after commit.
"""

from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case
from applications.selectors.organisation import is_member, organisation_members
from audits.models import (
    Audit,
    Finding,
    Nonconformity,
    NonconformityAnswer,
    NonconformityEvidence,
    NonconformityReminder,
    TeamMember,
)
from audits.selectors.nonconformity import nonconformity_can_verify
from audits.verbs import Verb
from certify import transitions, uploads
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import User
from certify.notifications import notify
from certify.selectors import active_managers
from certify.uploads import validate_upload
from scoring.models import Indicator, Item
from scoring.selectors import process_settings_get

RAISE_FROM = {Audit.Status.IN_PROGRESS, Audit.Status.REPORT_SUBMITTED}
# Days before the due date on which the organisation is reminded, most
# urgent last; the sweep sends the most urgent one that applies.
REMINDER_DAYS = [(7, NonconformityReminder.Kind.DUE_SOON), (1, NonconformityReminder.Kind.DUE_TOMORROW)]


def nonconformity_url(nonconformity):
    return reverse("audits:nonconformity_detail", args=[nonconformity.public_id])


def _organisation_members(case):
    return organisation_members(case.organisation_id)


def _team(audit):
    return list(User.objects.filter(audit_assignments__audit=audit, is_active=True))


def _notify_after_commit(recipients, *, template, nonconformity, **context):
    """Notifications go out once the change is committed (DESIGN.md step 4)."""
    transaction.on_commit(
        partial(
            notify,
            recipients,
            template=template,
            context={"nc": nonconformity, "case": nonconformity.audit.case, **context},
            url=nonconformity_url(nonconformity),
        )
    )


def _check_files(files):
    files = [f for f in files or () if f]
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            raise CertifyError(" ".join(exc.messages)) from exc
    return files


def _store_files(nonconformity, files, actor, answer=None):
    for upload in files:
        NonconformityEvidence.objects.create(
            nonconformity=nonconformity,
            answer=answer,
            file=upload,
            original_name=upload.name[:255],
            uploaded_by=actor,
        )


def _locked(nonconformity):
    nonconformity = (
        Nonconformity.objects.select_for_update()
        .select_related("audit__case__organisation", "audit__case__version")
        .get(pk=nonconformity.pk)
    )
    if nonconformity.audit.case.status == Case.Status.WITHDRAWN:
        raise InvalidTransition(_("The application was withdrawn; its audits are closed to further work."))
    return nonconformity


def nonconformity_due_date(version, severity, today=None):
    """A minor one is answered within the version's calendar days; a major
    one has no deadline of its own (its follow-up audit decides)."""
    if severity != Nonconformity.Severity.MINOR:
        return None
    today = today or timezone.localdate()
    return today + timedelta(days=process_settings_get(version).minor_nc_days)


def nonconformity_raise(
    *,
    actor,
    audit,
    severity,
    description,
    clause="",
    item=None,
    indicator=None,
    finding=None,
    from_special_deduction=False,
    files=(),
):
    """A member of the audit's team raises a nonconformity while the audit is
    in progress or its report is submitted. The organisation is notified.

    Raises NotAllowed for anyone off the team, InvalidTransition for an audit
    in another state, CertifyError for a missing description or an item,
    indicator or finding that is not this audit's.
    """
    if severity not in Nonconformity.Severity.values:
        raise CertifyError(_("Choose minor or major."))
    if not (description or "").strip():
        raise CertifyError(_("Describe the nonconformity."))
    files = _check_files(files)
    with uploads.atomic():
        audit = (
            Audit.objects.select_for_update()
            .select_related("case__organisation", "case__version")
            .get(pk=audit.pk)
        )
        if not TeamMember.objects.filter(audit=audit, auditor=actor).exists():
            raise NotAllowed(_("Only the audit team may raise nonconformities."))
        if audit.case.status == Case.Status.WITHDRAWN:
            raise InvalidTransition(_("The application was withdrawn; its audits are closed to further work."))
        if audit.status not in RAISE_FROM:
            raise InvalidTransition(
                _("Nonconformities are raised while the audit is in progress or its report is submitted.")
            )
        version_id = audit.case.version_id
        if item is not None and not Item.objects.filter(
            pk=item.pk, indicator__category__version_id=version_id
        ).exists():
            raise CertifyError(_("This item is not part of the application's scheme."))
        if indicator is not None and not Indicator.objects.filter(
            pk=indicator.pk, category__version_id=version_id
        ).exists():
            raise CertifyError(_("This indicator is not part of the application's scheme."))
        if finding is not None and not Finding.objects.filter(pk=finding.pk, audit=audit).exists():
            raise CertifyError(_("This finding belongs to another audit."))
        if item is not None and indicator is None:
            indicator = item.indicator
        if not clause.strip():
            clause = (item.clause if item is not None else "") or (
                indicator.clause if indicator is not None else ""
            )
        nonconformity = Nonconformity.objects.create(
            audit=audit,
            finding=finding,
            item=item,
            indicator=indicator,
            clause=clause.strip()[:60],
            severity=severity,
            description=description.strip(),
            due_date=nonconformity_due_date(audit.case.version, severity),
            requires_follow_up=severity == Nonconformity.Severity.MAJOR,
            from_special_deduction=from_special_deduction,
            raised_by=actor,
        )
        _store_files(nonconformity, files, actor)
        event_record(
            actor=actor,
            obj=nonconformity,
            verb=Verb.NONCONFORMITY_RAISED,
            to_state=nonconformity.status,
            data={
                "audit": audit.pk,
                "severity": severity,
                "due": nonconformity.due_date.isoformat() if nonconformity.due_date else None,
                "special_deduction": from_special_deduction,
                "files": len(files),
            },
        )
        _notify_after_commit(
            _organisation_members(audit.case), template="nonconformity_raised", nonconformity=nonconformity
        )
    return nonconformity


def nonconformity_answer(*, actor, nonconformity, correction, root_cause, corrective_action, files=()):
    """A member of the case's organisation answers an open nonconformity with
    the correction, its root cause and the corrective action (all required),
    and evidence. A second submission of an answered one changes nothing.
    The audit team is notified."""
    texts = {
        "correction": (correction or "").strip(),
        "root_cause": (root_cause or "").strip(),
        "corrective_action": (corrective_action or "").strip(),
    }
    if not is_member(actor, nonconformity.audit.case.organisation_id):
        raise NotAllowed(_("Only members of the applying organisation may answer."))
    if not all(texts.values()):
        raise CertifyError(_("Give the correction, the root cause and the corrective action."))
    files = _check_files(files)
    with uploads.atomic():
        nonconformity = _locked(nonconformity)
        if nonconformity.status == Nonconformity.Status.ANSWERED:
            transitions.already_moved(nonconformity, Nonconformity.Status.ANSWERED)
            return nonconformity.answers.order_by("-number").first()
        transitions.require_allowed(nonconformity, Nonconformity.Status.ANSWERED)
        number = (nonconformity.answers.aggregate(top=Max("number"))["top"] or 0) + 1
        now = timezone.now()
        answer = NonconformityAnswer.objects.create(
            nonconformity=nonconformity, number=number, answered_by=actor, answered_at=now, **texts
        )
        _store_files(nonconformity, files, actor, answer=answer)
        transitions.apply(
            nonconformity,
            Nonconformity.Status.ANSWERED,
            actor=actor,
            verb=Verb.NONCONFORMITY_ANSWERED,
            data={"answer": number, "files": len(files)},
            changes={"answered_at": now},
        )
        _notify_after_commit(
            _team(nonconformity.audit), template="nonconformity_answered", nonconformity=nonconformity
        )
    return answer


def nonconformity_verify(*, actor, nonconformity, accepted, comment=""):
    """The auditor's verdict on the latest answer: accepted closes the
    nonconformity (verified); rejected, with a comment, reopens it. The same
    verdict again changes nothing. The organisation is notified."""
    comment = (comment or "").strip()
    if not nonconformity_can_verify(actor, nonconformity):
        raise NotAllowed(
            _("Only the audit's lead auditor or the follow-up audit's team may verify answers.")
        )
    if not accepted and not comment:
        raise CertifyError(_("Say why the answer is rejected."))
    target = Nonconformity.Status.VERIFIED if accepted else Nonconformity.Status.OPEN
    with transaction.atomic():
        nonconformity = _locked(nonconformity)
        latest = nonconformity.answers.order_by("-number").first()
        if nonconformity.status == target and latest is not None and latest.verdict == (
            NonconformityAnswer.Verdict.ACCEPTED if accepted else NonconformityAnswer.Verdict.REJECTED
        ):
            return nonconformity
        # Rejecting an open one would be a "repeat" to apply; the table refuses it.
        if not transitions.allowed(nonconformity, target):
            raise InvalidTransition(transitions.refusal(nonconformity, target))
        now = timezone.now()
        latest.verdict = (
            NonconformityAnswer.Verdict.ACCEPTED if accepted else NonconformityAnswer.Verdict.REJECTED
        )
        latest.verdict_comment = comment
        latest.verified_by = actor
        latest.verified_at = now
        latest.save(update_fields=["verdict", "verdict_comment", "verified_by", "verified_at"])
        transitions.apply(
            nonconformity,
            target,
            actor=actor,
            verb=Verb.NONCONFORMITY_ACCEPTED if accepted else Verb.NONCONFORMITY_REJECTED,
            note=comment,
            data={"answer": latest.number},
            changes={"verified_at": now, "verified_by": actor} if accepted else {},
        )
        _notify_after_commit(
            _organisation_members(nonconformity.audit.case),
            template="nonconformity_accepted" if accepted else "nonconformity_rejected",
            nonconformity=nonconformity,
            comment=comment,
        )
    return nonconformity


def nonconformity_escalate(*, actor, nonconformity, reason, today=None):
    """A manager makes an overdue minor nonconformity major: it then needs a
    follow-up audit. Already major: nothing changes."""
    if not (actor.is_authenticated and actor.is_active and actor.is_manager):
        raise NotAllowed(_("Only a manager may do this."))
    reason = (reason or "").strip()
    if not reason:
        raise CertifyError(_("Give the reason for the escalation."))
    today = today or timezone.localdate()
    with transaction.atomic():
        nonconformity = _locked(nonconformity)
        if nonconformity.severity == Nonconformity.Severity.MAJOR:
            return nonconformity
        if not nonconformity.is_overdue(today):
            raise InvalidTransition(_("Only an open minor nonconformity past its due date can be escalated."))
        nonconformity.severity = Nonconformity.Severity.MAJOR
        nonconformity.requires_follow_up = True
        nonconformity.escalated_at = timezone.now()
        nonconformity.escalated_by = actor
        nonconformity.escalation_reason = reason
        nonconformity.save(
            update_fields=["severity", "requires_follow_up", "escalated_at", "escalated_by", "escalation_reason"]
        )
        event_record(
            actor=actor,
            obj=nonconformity,
            verb=Verb.NONCONFORMITY_ESCALATED,
            note=reason,
            data={"from": Nonconformity.Severity.MINOR, "to": Nonconformity.Severity.MAJOR},
        )
        _notify_after_commit(
            _organisation_members(nonconformity.audit.case) + _team(nonconformity.audit),
            template="nonconformity_escalated",
            nonconformity=nonconformity,
            reason=reason,
        )
    return nonconformity


def _reminder_kind(nonconformity, today):
    days_left = (nonconformity.due_date - today).days
    if days_left < 0:
        return NonconformityReminder.Kind.OVERDUE, days_left
    kind = None
    for days, candidate in REMINDER_DAYS:
        if days_left <= days:
            kind = candidate
    return kind, days_left


def nonconformity_reminders(*, today=None):
    """Remind the organisation before a minor nonconformity's answer is due
    (7 days and 1 day before) and tell it, the lead and the managers when it
    is overdue. Each reminder goes once: the reminder row is the claim.

    Returns how many reminders were sent.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(days for days, _kind in REMINDER_DAYS))
    candidates = (
        Nonconformity.objects.filter(
            status=Nonconformity.Status.OPEN,
            severity=Nonconformity.Severity.MINOR,
            due_date__lte=horizon,
        )
        .exclude(audit__case__status=Case.Status.WITHDRAWN)
        .select_related("audit__case__organisation")
    )
    sent = 0
    for nonconformity in candidates:
        kind, days_left = _reminder_kind(nonconformity, today)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                _reminder, created = NonconformityReminder.objects.get_or_create(
                    nonconformity=nonconformity, kind=kind, due_date=nonconformity.due_date
                )
                if not created:
                    continue
                recipients = _organisation_members(nonconformity.audit.case)
                if kind == NonconformityReminder.Kind.OVERDUE:
                    lead = list(
                        User.objects.filter(
                            audit_assignments__audit_id=nonconformity.audit_id,
                            audit_assignments__role=TeamMember.Role.LEAD,
                        )
                    )
                    recipients += [u for u in lead + list(active_managers()) if u not in recipients]
                    event_record(
                        actor=None,
                        obj=nonconformity,
                        verb=Verb.NONCONFORMITY_OVERDUE,
                        data={"due": nonconformity.due_date.isoformat()},
                    )
                _notify_after_commit(
                    recipients,
                    template="nonconformity_overdue"
                    if kind == NonconformityReminder.Kind.OVERDUE
                    else "nonconformity_reminder",
                    nonconformity=nonconformity,
                    days_left=days_left,
                )
        except IntegrityError:
            # Another sweep claimed it at the same moment.
            continue
        sent += 1
    return sent
