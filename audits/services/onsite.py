"""The on-site audit: start, the team's findings and special deductions, the
lead's report, the re-score after rectification, the final recommendation
and the follow-up audit's close."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as case_services
from audits.models import (
    Audit,
    Finding,
    FindingEvidence,
)
from audits.selectors.audit import audit_sheet_open
from audits.selectors.nonconformity import case_rectification_state
from audits.services._base import SCORED_KINDS, audit_locked, require_lead, require_team
from audits.services.nonconformity import nonconformity_raise
from audits.verbs import Verb
from certify import transitions, uploads
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from certify.outbox import enqueue
from certify.pdf import pdf_store_once
from certify.uploads import validate_upload
from scoring.services import (
    mark_evidence_add,
    mark_set,
    score_sheet_correct,
    score_sheet_create,
    score_sheet_submit,
    special_bonus_set,
    special_deduction_add,
)


def audit_start(*, actor, audit):
    with transaction.atomic():
        audit = audit_locked(audit)
        require_lead(actor, audit)
        if audit.status == Audit.Status.IN_PROGRESS:
            transitions.already_moved(audit, Audit.Status.IN_PROGRESS)
            return audit
        transitions.require_allowed(audit, Audit.Status.IN_PROGRESS)
        changes = {"started_at": timezone.now()}
        if audit.kind in SCORED_KINDS:
            changes["sheet"] = score_sheet_create(actor=actor, version=audit.case.version)
        transitions.apply(audit, Audit.Status.IN_PROGRESS, actor=actor, verb=Verb.AUDIT_STARTED, changes=changes)
        if audit.kind == Audit.Kind.ONSITE:
            case_services.case_onsite_start(actor=actor, case=audit.case)
    return audit



def audit_team_check(*, actor, audit, sheet_work=False):
    """The audit must be open for work and the actor on its team; with
    `sheet_work`, a re-score during rectification counts as open too.
    Returns the locked audit."""
    audit = audit_locked(audit)
    require_team(actor, audit)
    if not (audit.status == Audit.Status.IN_PROGRESS or (sheet_work and audit_sheet_open(audit))):
        raise InvalidTransition(_("The audit is not in progress."))
    return audit



# --- The audit's score sheet: the team marks it while the audit is open -------------
# The scoring app knows nothing of audits; these decide who may write.


def _sheet_write(actor, audit, write):
    with transaction.atomic():
        audit = audit_team_check(actor=actor, audit=audit, sheet_work=True)
        return write(audit.sheet)


def audit_mark_set(*, actor, audit, item_id, result, samples=None, conforming=None, deletion_reason="", note=""):
    """A team member marks one item of the audit's sheet."""
    return _sheet_write(
        actor,
        audit,
        lambda sheet: mark_set(
            actor=actor,
            sheet=sheet,
            item_id=item_id,
            result=result,
            samples=samples,
            conforming=conforming,
            deletion_reason=deletion_reason,
            note=note,
        ),
    )


def audit_mark_evidence_add(*, actor, audit, item_id, upload):
    """A team member attaches evidence to one item's mark."""
    return _sheet_write(
        actor, audit, lambda sheet: mark_evidence_add(actor=actor, sheet=sheet, item_id=item_id, upload=upload)
    )


def audit_bonus_set(*, actor, audit, bonus, reason=""):
    """A team member sets the sheet's special bonus, with its reason."""
    return _sheet_write(
        actor, audit, lambda sheet: special_bonus_set(actor=actor, sheet=sheet, bonus=bonus, reason=reason)
    )


def finding_add(*, actor, audit, description, internal_note="", item=None, indicator=None, files=()):
    """Record a finding, with photos or files as evidence."""
    description = (description or "").strip()
    if not description:
        raise CertifyError(_("Describe what was found."))
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            raise CertifyError(" ".join(exc.messages)) from exc
    with uploads.atomic():
        audit = audit_team_check(actor=actor, audit=audit)
        version_id = audit.case.version_id
        if item is not None and item.indicator.category.version_id != version_id:
            raise CertifyError(_("This item is not part of the application's scheme."))
        if indicator is not None and indicator.category.version_id != version_id:
            raise CertifyError(_("This indicator is not part of the application's scheme."))
        finding = Finding.objects.create(
            audit=audit,
            item=item,
            indicator=indicator or (item.indicator if item else None),
            description=description,
            internal_note=(internal_note or "").strip(),
            created_by=actor,
        )
        for upload in files:
            FindingEvidence.objects.create(
                finding=finding, file=upload, original_name=upload.name[:255], uploaded_by=actor
            )
        event_record(actor=actor, obj=audit, verb=Verb.AUDIT_FINDING_ADDED, data={"finding": finding.pk})
    return finding



def special_deduction_record(*, actor, audit, rule, reason, item=None):
    """A special deduction on the audit's sheet (−1, R4); it must be
    rectified, so it raises a nonconformity at once."""
    with transaction.atomic():
        audit = audit_team_check(actor=actor, audit=audit)
        deduction = special_deduction_add(
            actor=actor, sheet=audit.sheet, rule=rule, reason=reason, item_id=item.pk if item else None
        )
        nonconformity_raise(
            actor=actor,
            audit=audit,
            severity="minor",
            description=reason.strip(),
            clause=item.clause if item else "",
            item=item,
            from_special_deduction=True,
        )
        event_record(actor=actor, obj=audit, verb=Verb.AUDIT_SPECIAL_DEDUCTION, data={"rule": rule})
    return deduction



NOT_CERTIFIED = "not_certified"



def _check_recommendation(audit, sheet, recommendation, reason):
    """A recommended level no higher than the scored one, or not certified,
    always with the reason."""
    if not (reason or "").strip():
        raise CertifyError(_("Give the reason for your recommendation."))
    if recommendation == NOT_CERTIFIED:
        return
    levels = list(audit.case.version.levels.order_by("position", "id").values_list("code", flat=True))
    if recommendation not in levels:
        raise CertifyError(_("Choose a level of the scheme, or recommend not certifying."))
    if sheet.level_code not in levels or levels.index(recommendation) > levels.index(sheet.level_code):
        raise CertifyError(_("The recommendation cannot be higher than the level the score reaches."))



def _submit_sheet(actor, sheet):
    return score_sheet_submit(actor=actor, sheet=sheet)



def audit_report_submit(*, actor, audit, recommendation, reason):
    """The lead submits the on-site report: the sheet is frozen, the
    recommendation recorded and the report PDF rendered after commit. The
    case moves to rectification when nonconformities were raised, otherwise
    to the decision (and the audit closes at once)."""
    with transaction.atomic():
        audit = audit_locked(audit)
        require_lead(actor, audit)
        if audit.status in (Audit.Status.REPORT_SUBMITTED, Audit.Status.CLOSED):
            return audit
        if audit.kind not in SCORED_KINDS or audit.status != Audit.Status.IN_PROGRESS:
            raise InvalidTransition(_("The report is submitted for an on-site audit in progress."))
        sheet = _submit_sheet(actor, audit.sheet)
        _check_recommendation(audit, sheet, recommendation, reason)
        raised = audit.nonconformities.exists()
        now = timezone.now()
        transitions.apply(
            audit,
            Audit.Status.REPORT_SUBMITTED if raised else Audit.Status.CLOSED,
            actor=actor,
            verb=Verb.AUDIT_REPORT_SUBMITTED,
            data={"score": str(sheet.score), "level": sheet.level_code, "recommendation": recommendation},
            changes={
                "recommendation": recommendation,
                "recommendation_reason": reason.strip(),
                "report_submitted_at": now,
                "closed_at": None if raised else now,
            },
        )
        enqueue("audits.tasks.audit_report_render", audit.pk)
        # A surveillance audit watches a certified case and never moves it.
        if audit.kind == Audit.Kind.ONSITE:
            case_services.case_onsite_done(actor=actor, case=audit.case, nonconformities_raised=raised)
    return audit



def audit_rescore_start(*, actor, audit):
    """Open a correcting sheet (a copy of the submitted one) for the re-score
    after rectification; the on-site sheet stays readable."""
    with transaction.atomic():
        audit = audit_locked(audit)
        require_lead(actor, audit)
        if audit.status != Audit.Status.REPORT_SUBMITTED:
            raise InvalidTransition(_("The re-score follows the report, during rectification."))
        if audit.sheet.status == audit.sheet.Status.DRAFT:
            transitions.already_moved(audit.sheet, audit.sheet.Status.DRAFT)
            return audit
        audit.sheet = score_sheet_correct(actor=actor, sheet=audit.sheet)
        audit.save(update_fields=["sheet"])
    return audit



def audit_final_submit(*, actor, audit, recommendation, reason):
    """After rectification: every nonconformity verified and any follow-up
    audit closed, the lead submits the re-scored sheet and the final
    recommendation; the audit closes and the case goes to the decision."""
    with transaction.atomic():
        audit = audit_locked(audit)
        require_lead(actor, audit)
        if audit.status == Audit.Status.CLOSED:
            transitions.already_moved(audit, Audit.Status.CLOSED)
            return audit
        if audit.status != Audit.Status.REPORT_SUBMITTED:
            raise InvalidTransition(_("The final score follows the report, during rectification."))
        state = case_rectification_state(audit.case)
        if state.open:
            raise CertifyError(
                _("%(count)s nonconformity(ies) are not verified yet.") % {"count": state.open}
            )
        if state.majors_needing_follow_up:
            raise CertifyError(_("A major nonconformity needs a closed follow-up audit first."))
        sheet = _submit_sheet(actor, audit.sheet)
        _check_recommendation(audit, sheet, recommendation, reason)
        transitions.apply(
            audit,
            Audit.Status.CLOSED,
            actor=actor,
            verb=Verb.AUDIT_CLOSED,
            data={"score": str(sheet.score), "level": sheet.level_code, "recommendation": recommendation},
            changes={
                "recommendation": recommendation,
                "recommendation_reason": reason.strip(),
                "closed_at": timezone.now(),
            },
        )
        if audit.kind == Audit.Kind.ONSITE:
            case_services.case_rectification_done(actor=actor, case=audit.case)
    return audit



def audit_follow_up_close(*, actor, audit, note=""):
    """The lead closes a follow-up audit once the major nonconformity it
    checked is verified on site."""
    with transaction.atomic():
        audit = audit_locked(audit)
        require_lead(actor, audit)
        if audit.status == Audit.Status.CLOSED:
            transitions.already_moved(audit, Audit.Status.CLOSED)
            return audit
        if audit.kind != Audit.Kind.FOLLOW_UP or audit.status != Audit.Status.IN_PROGRESS:
            raise InvalidTransition(_("Only a follow-up audit in progress is closed this way."))
        transitions.apply(
            audit, Audit.Status.CLOSED, actor=actor, verb=Verb.AUDIT_CLOSED, note=note, changes={"closed_at": timezone.now()}
        )
    return audit



def audit_report_pdf_store(*, audit_id, render):
    """Store the report PDF once, with its SHA-256."""
    return pdf_store_once(
        Audit,
        audit_id,
        render=render,
        file_field="report_pdf",
        sha256_field="report_pdf_sha256",
        file_name=lambda audit: f"audit-report-{audit.case.reference}-{audit.pk}.pdf",
    )

