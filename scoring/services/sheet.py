"""Score sheets: marks, evidence, special deductions and bonus, metrics,
submission and correction.

A sheet knows nothing of its owner, so these functions check only the
sheet's own state: the caller authorises — the audits app for an audit's
sheet (audits.services.audit_mark_set and the rest), the applications app
for a self-assessment's.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certify import transitions, uploads
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from certify.rows import copy_row
from certify.uploads import validate_upload
from scoring import engine
from scoring.models import (
    Gate,
    Item,
    Mark,
    MarkEvidence,
    Metric,
    SchemeVersion,
    ScoreSheet,
    SpecialDeduction,
)
from scoring.selectors import (
    sheet_rate,
)
from scoring.verbs import Verb


def score_sheet_create(*, actor, version):
    if version.status != SchemeVersion.Status.PUBLISHED:
        raise CertifyError(_("Score sheets use published scheme versions only."))
    with transaction.atomic():
        sheet = ScoreSheet.objects.create(version=version, created_by=actor)
        event_record(actor=actor, obj=sheet, verb=Verb.SCORE_SHEET_CREATED, to_state=sheet.status)
    return sheet


def _locked_draft_sheet(sheet):
    sheet = ScoreSheet.objects.select_for_update().select_related("version").get(pk=sheet.pk)
    if sheet.status != ScoreSheet.Status.DRAFT:
        raise InvalidTransition(
            _("This score sheet is submitted and frozen; correct it with a new sheet.")
        )
    return sheet


def _item_of(sheet, item_id):
    item = (
        Item.objects.select_related("indicator__category")
        .filter(pk=item_id, indicator__category__version_id=sheet.version_id)
        .first()
    )
    if item is None:
        raise CertifyError(_("This item is not part of the sheet's scheme."))
    return item


def mark_set(
    *, actor, sheet, item_id, result, samples=None, conforming=None, deletion_reason="", note=""
):
    """Record one item's mark; a second call replaces it."""
    if result not in Mark.Result.values:
        raise CertifyError(_("Choose a result for the item."))
    if result == Mark.Result.SAMPLED:
        if samples is None or conforming is None:
            raise CertifyError(_("Enter how many samples were checked and how many conformed."))
        if samples <= 0:
            raise CertifyError(_("The number of samples must be at least 1."))
        if not 0 <= conforming <= samples:
            raise CertifyError(_("Conforming samples must be between 0 and the number of samples."))
    else:
        samples = conforming = None
    if result == Mark.Result.DELETED and not deletion_reason.strip():
        raise CertifyError(_("Say why the item does not apply."))
    with transaction.atomic():
        sheet = _locked_draft_sheet(sheet)
        item = _item_of(sheet, item_id)
        mark, _created = Mark.objects.update_or_create(
            sheet=sheet,
            item=item,
            defaults={
                "result": result,
                "samples": samples,
                "conforming": conforming,
                "deletion_reason": deletion_reason.strip() if result == Mark.Result.DELETED else "",
                "note": note.strip(),
                "updated_at": timezone.now(),
                "updated_by": actor,
            },
        )
    return mark


def mark_clear(*, actor, sheet, item_id):
    with transaction.atomic():
        sheet = _locked_draft_sheet(sheet)
        Mark.objects.filter(sheet=sheet, item_id=item_id, evidence__isnull=True).delete()


def mark_evidence_add(*, actor, sheet, item_id, upload):
    """Attach a file to an item's mark (the mark must exist)."""
    validate_upload(upload)
    with uploads.atomic():
        sheet = _locked_draft_sheet(sheet)
        mark = Mark.objects.filter(sheet=sheet, item_id=item_id).first()
        if mark is None:
            raise CertifyError(_("Mark the item before attaching evidence."))
        evidence = MarkEvidence(
            mark=mark, file=upload, original_name=upload.name[:255], uploaded_by=actor
        )
        evidence.save()
    return evidence


def special_deduction_add(*, actor, sheet, rule, reason, item_id=None):
    if rule not in SpecialDeduction.Rule.values:
        raise CertifyError(_("Choose which rule was broken."))
    if not reason.strip():
        raise CertifyError(_("Describe what was found."))
    with transaction.atomic():
        sheet = _locked_draft_sheet(sheet)
        item = _item_of(sheet, item_id) if item_id else None
        return SpecialDeduction.objects.create(
            sheet=sheet, rule=rule, reason=reason.strip(), item=item, created_by=actor
        )


def special_deduction_remove(*, actor, sheet, deduction_id):
    with transaction.atomic():
        sheet = _locked_draft_sheet(sheet)
        SpecialDeduction.objects.filter(sheet=sheet, pk=deduction_id).delete()


def special_bonus_set(*, actor, sheet, bonus, reason=""):
    with transaction.atomic():
        sheet = _locked_draft_sheet(sheet)
        if bonus < 0 or bonus > sheet.version.special_bonus_max:
            raise CertifyError(
                _("This scheme allows a special bonus of at most %(max)s.")
                % {"max": sheet.version.special_bonus_max}
            )
        if bonus and not reason.strip():
            raise CertifyError(_("Say what strength earns the special bonus."))
        sheet.special_bonus = bonus
        sheet.special_bonus_reason = reason.strip() if bonus else ""
        sheet.save(update_fields=["special_bonus", "special_bonus_reason"])
    return sheet


def metric_set(
    *, actor, sheet, metric, value, source, sample_size=None, period_start=None, period_end=None, note=""
):
    if metric not in Gate.Metric.values:
        raise CertifyError(_("Unknown metric."))
    value = Decimal(value)
    if metric != Gate.Metric.MONTHS_IN_OPERATION and not 0 <= value <= 100:
        raise CertifyError(_("A percentage must be between 0 and 100."))
    if value < 0:
        raise CertifyError(_("The value must not be negative."))
    if period_start and period_end and period_end < period_start:
        raise CertifyError(_("The period ends before it starts."))
    with transaction.atomic():
        sheet = _locked_draft_sheet(sheet)
        metric_row, _created = Metric.objects.update_or_create(
            sheet=sheet,
            metric=metric,
            defaults={
                "value": value,
                "source": source,
                "sample_size": sample_size,
                "period_start": period_start,
                "period_end": period_end,
                "note": note,
            },
        )
    return metric_row


def metric_remove(*, actor, sheet, metric):
    with transaction.atomic():
        sheet = _locked_draft_sheet(sheet)
        Metric.objects.filter(sheet=sheet, metric=metric).delete()


def score_sheet_submit(*, actor, sheet):
    """Freeze a sheet with its strict result. Every item must be marked.

    When the sheet corrects an earlier one, that one becomes superseded.
    Raises CertifyError naming the problem (e.g. how many items are unmarked).
    """
    with transaction.atomic():
        sheet = ScoreSheet.objects.select_for_update().select_related("version__scheme").get(pk=sheet.pk)
        if sheet.status == ScoreSheet.Status.SUBMITTED:
            transitions.already_moved(sheet, ScoreSheet.Status.SUBMITTED)
            return sheet
        transitions.require_allowed(sheet, ScoreSheet.Status.SUBMITTED)
        unmarked = (
            Item.objects.filter(indicator__category__version=sheet.version_id).count()
            - Mark.objects.filter(sheet=sheet).count()
        )
        if unmarked:
            raise CertifyError(
                _("%(count)s item(s) are not marked yet; mark every item before submitting.")
                % {"count": unmarked}
            )
        try:
            result = sheet_rate(sheet, provisional=False)
        except engine.InvalidInput as exc:
            raise CertifyError(str(exc)) from exc
        transitions.apply(
            sheet,
            ScoreSheet.Status.SUBMITTED,
            actor=actor,
            verb=Verb.SCORE_SHEET_SUBMITTED,
            data={"score": str(result.score), "level": result.level},
            changes={
                "score": result.score,
                "level_code": result.level,
                "result": engine.result_to_dict(result),
                "submitted_at": timezone.now(),
                "submitted_by": actor,
            },
        )
        if sheet.supersedes_id:
            transitions.apply(
                ScoreSheet.objects.get(pk=sheet.supersedes_id),
                ScoreSheet.Status.SUPERSEDED,
                actor=actor,
                verb=Verb.SCORE_SHEET_SUPERSEDED,
                data={"by": sheet.pk},
            )
    return sheet


def score_sheet_correct(*, actor, sheet):
    """Start a correction: a new draft holding the submitted sheet's marks,
    deductions, bonus and metrics. The original stays readable and becomes
    superseded when the correction is submitted."""
    with transaction.atomic():
        original = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
        if original.status != ScoreSheet.Status.SUBMITTED:
            raise InvalidTransition(_("Only a submitted sheet can be corrected."))
        existing = ScoreSheet.objects.filter(supersedes=original).first()
        if existing is not None:
            return existing
        correction = ScoreSheet.objects.create(
            version=original.version,
            supersedes=original,
            special_bonus=original.special_bonus,
            special_bonus_reason=original.special_bonus_reason,
            created_by=actor,
        )
        now = timezone.now()
        Mark.objects.bulk_create(
            copy_row(mark, sheet=correction, updated_at=now, updated_by=actor) for mark in original.marks.all()
        )
        SpecialDeduction.objects.bulk_create(
            copy_row(deduction, sheet=correction, created_at=now, created_by=actor)
            for deduction in original.special_deductions.all()
        )
        Metric.objects.bulk_create(copy_row(metric, sheet=correction) for metric in original.metrics.all())
        event_record(
            actor=actor,
            obj=correction,
            verb=Verb.SCORE_SHEET_CREATED,
            to_state=correction.status,
            data={"corrects": original.pk},
        )
    return correction

