"""Self-assessments: an organisation scores itself with a score sheet."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import SelfAssessment
from applications.services._base import require_member
from certify import uploads
from certify.events import event_record
from certify.exceptions import CertifyError
from scoring.components import render_sheet_pdf, sheet_pdf_fingerprint
from scoring.models import ScoreSheet
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
            verb="self_assessment.created",
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
            verb="self_assessment.finished",
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
        event_record(actor=actor, obj=assessment, verb="self_assessment.revised")
    return assessment


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
