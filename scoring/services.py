"""Writes of the scoring app: scheme versions (edit a draft, publish, clone,
mark normative, retire) and score sheets (mark, deduct, submit, correct).

Score-sheet services check the sheet's state, not the actor's access: the
owning app (self-assessment, audit) checks access before it calls them.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certify import transitions, uploads
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from certify.permissions import require_manager
from certify.uploads import validate_upload
from scoring import engine
from scoring.models import (
    Category,
    Gate,
    Indicator,
    Item,
    Level,
    Mark,
    MarkEvidence,
    Metric,
    SchemeVersion,
    ScoreSheet,
    SpecialDeduction,
)
from scoring.selectors import (
    PROCESS_SETTINGS,
    engine_scheme,
    scheme_version_next_number,
    sheet_rate,
)


def _locked_version(version):
    return SchemeVersion.objects.select_for_update().select_related("scheme").get(pk=version.pk)


def _require_draft(version):
    if version.status != SchemeVersion.Status.DRAFT:
        raise InvalidTransition(
            _("Version %(number)s is %(status)s and can no longer be edited; clone it into a new draft.")
            % {"number": version.number, "status": version.get_status_display()}
        )


# --- Scheme versions ---------------------------------------------------------


def scheme_version_clone(*, actor, version):
    """Copy a version (its tree, levels, gates and settings) into a new draft."""
    require_manager(actor)
    with transaction.atomic():
        source = _locked_version(version)
        draft = SchemeVersion.objects.create(
            scheme=source.scheme,
            number=scheme_version_next_number(source.scheme),
            status=SchemeVersion.Status.DRAFT,
            normative=False,
            fail_below=source.fail_below,
            special_deductions_fail_at=source.special_deductions_fail_at,
            special_bonus_max=source.special_bonus_max,
            created_by=actor,
            notes=_("Cloned from version %(number)s.") % {"number": source.number},
            **{name: getattr(source, name) for name in PROCESS_SETTINGS},
        )
        for level in source.levels.prefetch_related("gates"):
            copy = Level.objects.create(
                version=draft,
                position=level.position,
                code=level.code,
                name_zh=level.name_zh,
                name_en=level.name_en,
                min_score=level.min_score,
            )
            Gate.objects.bulk_create(
                Gate(level=copy, metric=gate.metric, minimum=gate.minimum) for gate in level.gates.all()
            )
        for category in source.categories.prefetch_related("indicators__items"):
            category_copy = Category.objects.create(
                version=draft,
                position=category.position,
                code=category.code,
                name_zh=category.name_zh,
                name_en=category.name_en,
                max_points=category.max_points,
            )
            for indicator in category.indicators.all():
                indicator_copy = Indicator.objects.create(
                    category=category_copy,
                    position=indicator.position,
                    code=indicator.code,
                    clause=indicator.clause,
                    name_zh=indicator.name_zh,
                    name_en=indicator.name_en,
                    aliases=indicator.aliases,
                    max_points=indicator.max_points,
                )
                Item.objects.bulk_create(
                    Item(
                        indicator=indicator_copy,
                        position=item.position,
                        code=item.code,
                        clause=item.clause,
                        name_zh=item.name_zh,
                        name_en=item.name_en,
                        max_points=item.max_points,
                        kind=item.kind,
                        evidence_zh=item.evidence_zh,
                        evidence_en=item.evidence_en,
                    )
                    for item in indicator.items.all()
                )
        event_record(
            actor=actor,
            obj=draft,
            verb="scheme_version.created",
            to_state=draft.status,
            data={"cloned_from": source.number},
        )
    return draft


def _check_unique_codes(version):
    seen_indicators, seen_items = set(), set()
    for indicator in Indicator.objects.filter(category__version=version):
        if indicator.code in seen_indicators:
            raise CertifyError(
                _("Indicator code %(code)s is used twice.") % {"code": indicator.code}
            )
        seen_indicators.add(indicator.code)
    for item in Item.objects.filter(indicator__category__version=version):
        if item.code in seen_items:
            raise CertifyError(_("Item code %(code)s is used twice.") % {"code": item.code})
        seen_items.add(item.code)


def scheme_version_publish(*, actor, version):
    """Freeze a draft after checking every sum and the levels.

    Raises CertifyError naming the offending node when items do not sum to
    their indicator, indicators to their category, categories to 100, or the
    levels break the rules (lowest = fail_below, minimums never decreasing).
    """
    require_manager(actor)
    with transaction.atomic():
        version = _locked_version(version)
        if version.status == SchemeVersion.Status.PUBLISHED:
            transitions.already_moved(version, SchemeVersion.Status.PUBLISHED)
            return version
        _require_draft(version)
        _check_unique_codes(version)
        try:
            engine.validate_scheme(engine_scheme(version))
        except engine.InvalidInput as exc:
            raise CertifyError(
                _("The version cannot be published: %(problem)s.") % {"problem": scheme_problem(exc)}
            ) from exc
        version._history_user = actor
        transitions.apply(
            version,
            SchemeVersion.Status.PUBLISHED,
            actor=actor,
            verb="scheme_version.published",
            changes={"published_at": timezone.now(), "published_by": actor},
        )
    return version


SCHEME_PROBLEMS = {
    "no_categories": gettext_lazy("the version has no categories"),
    "no_indicators": gettext_lazy("category %(node)s has no indicators"),
    "no_items": gettext_lazy("indicator %(node)s has no items"),
    "duplicate_item": gettext_lazy("item code %(node)s is used twice"),
    "no_points": gettext_lazy("item %(node)s must have more than 0 points"),
    "indicator_sum": gettext_lazy("the items of indicator %(node)s sum to %(total)s, not %(expected)s"),
    "category_sum": gettext_lazy("the indicators of category %(node)s sum to %(total)s, not %(expected)s"),
    "total_sum": gettext_lazy("the categories sum to %(total)s, not 100"),
    "no_levels": gettext_lazy("the version has no levels"),
    "lowest_level": gettext_lazy("the lowest level, %(node)s, must start at the fail mark %(expected)s"),
    "duplicate_level": gettext_lazy("level code %(node)s is used twice or is reserved"),
    "level_order": gettext_lazy("level %(node)s needs fewer points than %(previous)s before it"),
    "level_above_100": gettext_lazy("level %(node)s needs more than 100 points"),
    "unknown_metric": gettext_lazy("level %(node)s has a gate on an unknown metric"),
    "fail_at": gettext_lazy("the number of special deductions that fail must be at least 1"),
    "bonus_max": gettext_lazy("the special bonus limit must not be negative"),
}


def scheme_problem(exc):
    """The engine's complaint about a scheme, in the reader's language."""
    template = SCHEME_PROBLEMS.get(exc.code)
    return template % exc.params if template else str(exc)


def scheme_version_retire(*, actor, version):
    require_manager(actor)
    with transaction.atomic():
        version = _locked_version(version)
        if version.status == SchemeVersion.Status.RETIRED:
            transitions.already_moved(version, SchemeVersion.Status.RETIRED)
            return version
        version._history_user = actor
        transitions.apply(version, SchemeVersion.Status.RETIRED, actor=actor, verb="scheme_version.retired")
    return version


def scheme_version_set_normative(*, actor, version, normative=True):
    """Mark a published version as the body's own, normative scoring sheet."""
    require_manager(actor)
    with transaction.atomic():
        version = _locked_version(version)
        if version.normative == normative:
            return version
        if normative and version.status != SchemeVersion.Status.PUBLISHED:
            raise InvalidTransition(_("Only a published version can be marked normative."))
        version.normative = normative
        version._history_user = actor
        version.save(update_fields=["normative"])
        event_record(
            actor=actor,
            obj=version,
            verb="scheme_version.normative_set",
            data={"normative": normative},
        )
    return version


def scheme_version_settings_update(*, actor, version, **fields):
    """Change a draft's rating rules and process settings."""
    require_manager(actor)
    allowed = set(PROCESS_SETTINGS) | {"fail_below", "special_deductions_fail_at", "special_bonus_max", "notes"}
    with transaction.atomic():
        version = _locked_version(version)
        _require_draft(version)
        for name, value in fields.items():
            if name not in allowed:
                raise CertifyError(f"unknown setting {name}")
            setattr(version, name, value)
        version._history_user = actor
        version.save()
    return version


def _node_version(node):
    if isinstance(node, Category | Level):
        return node.version
    if isinstance(node, Indicator):
        return node.category.version
    if isinstance(node, Item):
        return node.indicator.category.version
    if isinstance(node, Gate):
        return node.level.version
    raise TypeError(node)


def scheme_node_save(*, actor, node):
    """Create or change a category, indicator, item, level or gate of a draft."""
    require_manager(actor)
    with transaction.atomic():
        _require_draft(_locked_version(_node_version(node)))
        node._history_user = actor
        node.full_clean()
        node.save()
    return node


def scheme_node_delete(*, actor, node):
    require_manager(actor)
    with transaction.atomic():
        _require_draft(_locked_version(_node_version(node)))
        node._history_user = actor
        node.delete()


# --- Score sheets ------------------------------------------------------------


def score_sheet_create(*, actor, version):
    if version.status != SchemeVersion.Status.PUBLISHED:
        raise CertifyError(_("Score sheets use published scheme versions only."))
    with transaction.atomic():
        sheet = ScoreSheet.objects.create(version=version, created_by=actor)
        event_record(actor=actor, obj=sheet, verb="score_sheet.created", to_state=sheet.status)
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
            verb="score_sheet.submitted",
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
                verb="score_sheet.superseded",
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
            Mark(
                sheet=correction,
                item_id=mark.item_id,
                result=mark.result,
                samples=mark.samples,
                conforming=mark.conforming,
                deletion_reason=mark.deletion_reason,
                note=mark.note,
                updated_at=now,
                updated_by=actor,
            )
            for mark in original.marks.all()
        )
        SpecialDeduction.objects.bulk_create(
            SpecialDeduction(
                sheet=correction, rule=d.rule, reason=d.reason, item_id=d.item_id, created_by=actor
            )
            for d in original.special_deductions.all()
        )
        Metric.objects.bulk_create(
            Metric(
                sheet=correction,
                metric=m.metric,
                value=m.value,
                source=m.source,
                sample_size=m.sample_size,
                period_start=m.period_start,
                period_end=m.period_end,
                note=m.note,
            )
            for m in original.metrics.all()
        )
        event_record(
            actor=actor,
            obj=correction,
            verb="score_sheet.created",
            to_state=correction.status,
            data={"corrects": original.pk},
        )
    return correction
