"""Scheme versions: edit a draft's tree and settings, publish, clone, retire,
mark normative. Managers only."""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certify import transitions
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from certify.permissions import require_manager
from certify.rows import copy_row
from scoring import engine
from scoring.models import (
    Category,
    Gate,
    Indicator,
    Item,
    Level,
    SchemeVersion,
)
from scoring.selectors import (
    PROCESS_SETTINGS,
    engine_scheme,
    scheme_version_next_number,
)
from scoring.verbs import Verb


def _locked_version(version):
    return SchemeVersion.objects.select_for_update().select_related("scheme").get(pk=version.pk)


def _require_draft(version):
    if version.status != SchemeVersion.Status.DRAFT:
        raise InvalidTransition(
            _("Version %(number)s is %(status)s and can no longer be edited; clone it into a new draft.")
            % {"number": version.number, "status": version.get_status_display()}
        )


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
            level_copy = copy_row(level, version=draft)
            level_copy.save()
            Gate.objects.bulk_create(copy_row(gate, level=level_copy) for gate in level.gates.all())
        for category in source.categories.prefetch_related("indicators__items"):
            category_copy = copy_row(category, version=draft)
            category_copy.save()
            for indicator in category.indicators.all():
                indicator_copy = copy_row(indicator, category=category_copy)
                indicator_copy.save()
                Item.objects.bulk_create(copy_row(item, indicator=indicator_copy) for item in indicator.items.all())
        event_record(
            actor=actor,
            obj=draft,
            verb=Verb.SCHEME_VERSION_CREATED,
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
            verb=Verb.SCHEME_VERSION_PUBLISHED,
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
        transitions.apply(version, SchemeVersion.Status.RETIRED, actor=actor, verb=Verb.SCHEME_VERSION_RETIRED)
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
            verb=Verb.SCHEME_VERSION_NORMATIVE_SET,
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

