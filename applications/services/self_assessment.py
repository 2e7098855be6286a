"""Self-assessments: an organisation scores itself with a score sheet."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import SelfAssessment
from applications.services._base import require_member
from applications.verbs import Verb
from certify import uploads
from certify.events import event_record
from certify.exceptions import CertifyError
from scoring import services as scoring
from scoring.components import render_sheet_pdf, sheet_pdf_fingerprint
from scoring.models import Metric, ScoreSheet
from scoring.services import score_sheet_correct, score_sheet_create, score_sheet_submit


def self_assessment_create(*, actor, organisation, version, title, target_level=""):
    """Start a self-assessment against a published scheme version."""
    require_member(actor, organisation.pk)
    title = " ".join((title or "").split())
    if not title:
        raise CertifyError(_("Give the self-assessment a title."))
    if target_level and not version.levels.filter(code=target_level).exists():
        raise CertifyError(_("The target level is not a level of this scheme."))
    with transaction.atomic():
        sheet = score_sheet_create(actor=actor, version=version)
        assessment = SelfAssessment.objects.create(
            organisation=organisation,
            sheet=sheet,
            title=title,
            target_level=target_level,
            created_by=actor,
        )
        event_record(
            actor=actor,
            obj=assessment,
            verb=Verb.SELF_ASSESSMENT_CREATED,
            data={"scheme": version.scheme.code, "version": version.number},
        )
    return assessment


def self_assessment_finish(*, actor, assessment):
    """Submit the sheet: every item must be marked; the result is frozen."""
    require_member(actor, assessment.organisation_id)
    with transaction.atomic():
        sheet = score_sheet_submit(actor=actor, sheet=assessment.sheet)
        event_record(
            actor=actor,
            obj=assessment,
            verb=Verb.SELF_ASSESSMENT_FINISHED,
            data={"score": str(sheet.score), "level": sheet.level_code},
        )
    return sheet


def self_assessment_revise(*, actor, assessment):
    """Reopen a finished self-assessment as a correcting sheet; the finished
    one stays readable."""
    require_member(actor, assessment.organisation_id)
    with transaction.atomic():
        assessment = SelfAssessment.objects.select_for_update().select_related("sheet").get(
            pk=assessment.pk
        )
        if assessment.sheet.status == ScoreSheet.Status.DRAFT:
            return assessment
        correction = score_sheet_correct(actor=actor, sheet=assessment.sheet)
        assessment.sheet = correction
        assessment.save(update_fields=["sheet"])
        event_record(actor=actor, obj=assessment, verb=Verb.SELF_ASSESSMENT_REVISED)
    return assessment


# --- Its score sheet: the organisation's members write it --------------------------
# The scoring app knows nothing of self-assessments; these decide who may write.


def _sheet(actor, assessment):
    require_member(actor, assessment.organisation_id)
    return assessment.sheet


def self_assessment_mark_set(*, actor, assessment, item_id, result, samples=None, conforming=None, deletion_reason="", note=""):
    return scoring.mark_set(
        actor=actor,
        sheet=_sheet(actor, assessment),
        item_id=item_id,
        result=result,
        samples=samples,
        conforming=conforming,
        deletion_reason=deletion_reason,
        note=note,
    )


def self_assessment_evidence_add(*, actor, assessment, item_id, upload):
    return scoring.mark_evidence_add(actor=actor, sheet=_sheet(actor, assessment), item_id=item_id, upload=upload)


def self_assessment_bonus_set(*, actor, assessment, bonus, reason=""):
    return scoring.special_bonus_set(actor=actor, sheet=_sheet(actor, assessment), bonus=bonus, reason=reason)


def self_assessment_deduction_add(*, actor, assessment, rule, reason):
    return scoring.special_deduction_add(actor=actor, sheet=_sheet(actor, assessment), rule=rule, reason=reason)


def self_assessment_deduction_remove(*, actor, assessment, deduction_id):
    return scoring.special_deduction_remove(actor=actor, sheet=_sheet(actor, assessment), deduction_id=deduction_id)


def self_assessment_metric_set(*, actor, assessment, metric, value, sample_size=None, note=""):
    """A figure the organisation reports of itself (marked self-reported)."""
    return scoring.metric_set(
        actor=actor,
        sheet=_sheet(actor, assessment),
        metric=metric,
        value=value,
        source=Metric.Source.SELF_REPORTED,
        sample_size=sample_size,
        note=note,
    )


def self_assessment_pdf(*, assessment, base_url=None):
    """The self-assessment as PDF bytes. The PDF is stored with the
    fingerprint of what it shows and rendered again only when that changed
    (a mark, evidence, the language it is asked in), since rendering takes
    a second or two; the stored file is replaced, never kept twice."""
    title, owner_line = assessment.title, assessment.organisation.legal_name
    fingerprint = sheet_pdf_fingerprint(assessment.sheet, title=title, owner_line=owner_line)
    if assessment.pdf and assessment.pdf_fingerprint == fingerprint:
        try:
            with assessment.pdf.open("rb") as stream:
                return stream.read()
        except FileNotFoundError:
            pass  # replaced by another request's rendering since this one read the row
    data = render_sheet_pdf(assessment.sheet, title=title, owner_line=owner_line, base_url=base_url)
    with uploads.atomic():
        locked = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.pdf_fingerprint == fingerprint and locked.pdf:
            return data  # another request stored the same just now
        uploads.delete_on_commit(locked.pdf)
        locked.pdf.save(f"self-assessment-{locked.public_id}.pdf", ContentFile(data), save=False)
        locked.pdf_fingerprint = fingerprint
        locked.save(update_fields=["pdf", "pdf_fingerprint"])
    return data
