"""Reads of the scoring app. Other apps read schemes and their process
settings only through these functions."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Max, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from certify import transitions
from scoring import engine
from scoring.models import (
    Category,
    Gate,
    Indicator,
    Item,
    Level,
    Mark,
    MarkEvidence,
    SchemeVersion,
    ScoreSheet,
    SpecialDeduction,
)

PROCESS_SETTINGS = (
    "application_review_working_days",
    "supplement_answer_working_days",
    "document_revision_working_days",
    "decision_working_days",
    "issuance_working_days",
    "minor_nc_days",
    "min_months_registered",
    "min_months_in_operation",
    "validity_years",
    "surveillance_interval_months",
    "surveillance_lead_days",
    "grace_months",
    "renewal_window_months",
    "max_suspension_months",
    "suspend_within_days",
    "min_months_before_star",
    "min_onsite_team",
)


@dataclass(frozen=True)
class ProcessSettings:
    application_review_working_days: int
    supplement_answer_working_days: int
    document_revision_working_days: int
    decision_working_days: int
    issuance_working_days: int
    minor_nc_days: int
    min_months_registered: int
    min_months_in_operation: int
    validity_years: int
    surveillance_interval_months: int
    surveillance_lead_days: int
    grace_months: int
    renewal_window_months: int
    max_suspension_months: int
    suspend_within_days: int
    min_months_before_star: int
    min_onsite_team: int


def process_settings_get(version: SchemeVersion) -> ProcessSettings:
    """The deadlines and limits a scheme version sets for the whole process."""
    return ProcessSettings(**{name: getattr(version, name) for name in PROCESS_SETTINGS})


def scheme_version_list(*, published_only=False):
    queryset = SchemeVersion.objects.select_related("scheme").order_by("scheme__code", "-number")
    if published_only:
        queryset = queryset.filter(status=SchemeVersion.Status.PUBLISHED)
    return queryset


def scheme_version_latest_published(code, number=None):
    queryset = SchemeVersion.objects.select_related("scheme").filter(
        scheme__code=code, status=SchemeVersion.Status.PUBLISHED
    )
    if number is not None:
        return queryset.filter(number=number).first()
    return queryset.order_by("-number").first()


def scheme_version_get(public_id):
    version = SchemeVersion.objects.select_related("scheme").filter(public_id=public_id).first()
    if version is None:
        raise Http404
    return version


def scheme_version_actions_for(user, version):
    """What `user` may do with the version now: only managers keep the
    schemes. The services enforce the same rules; the page only offers these."""
    if not user.is_manager:
        return frozenset()
    actions = set()
    if version.is_editable:
        actions.add("edit")
    if transitions.allowed(version, SchemeVersion.Status.PUBLISHED):
        actions.add("publish")
    if version.status != SchemeVersion.Status.DRAFT:
        actions.add("clone")
    if transitions.allowed(version, SchemeVersion.Status.RETIRED):
        actions.add("retire")
    if version.normative:
        actions.add("normative_unmark")
    elif version.status == SchemeVersion.Status.PUBLISHED:
        actions.add("normative_mark")
    return frozenset(actions)


def scheme_version_next_number(scheme):
    return (scheme.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def version_tree(version):
    """Categories → indicators → items of a version in three queries."""
    return list(
        Category.objects.filter(version=version)
        .order_by("position", "code")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("position", "code").prefetch_related(
                    Prefetch("items", queryset=Item.objects.order_by("position", "code"))
                ),
            )
        )
    )


def version_levels(version):
    return list(Level.objects.filter(version=version).order_by("position", "id").prefetch_related("gates"))


# What a published or retired version settles, kept per process. Keyed by
# the version's public_id, which no other version ever has (a primary key
# can come back after a rollback). The objects are shared between requests;
# do not change them.
_settled = {}


def settled(version, name, read):
    """read(), once per process for a published or retired version: services
    change a version's structure and rules only while it is a draft, and its
    scheme's material types not at all (they come with the catalogue)."""
    if version.status == SchemeVersion.Status.DRAFT:
        return read()
    key = (version.public_id, name)
    if key not in _settled:
        _settled[key] = read()
    return _settled[key]


def version_structure(version):
    """(tree, levels) of a version, for pages that only read them: on the
    scoring page, read once per process, that is five of its queries."""
    return settled(version, "structure", lambda: (version_tree(version), version_levels(version)))


def version_with_scheme(pk, public_id, status, normative):
    """A version with its scheme, for a page that read its key, status and
    normative flag with another row. A published or retired version is kept
    per process: after publication only those two fields change, and they
    are checked against what the caller read; schemes are not edited."""
    if status != SchemeVersion.Status.DRAFT:
        version = _settled.get((public_id, "version"))
        if version is not None and (version.status, version.normative) == (status, normative):
            return version
    version = SchemeVersion.objects.select_related("scheme").get(pk=pk)
    if version.status != SchemeVersion.Status.DRAFT:
        _settled[(version.public_id, "version")] = version
    return version


def version_keys(path):
    """What a row must read of the version at `path` (e.g. "case__version")
    for version_read_with: its key, status and normative flag."""
    return {
        "version_key": F(f"{path}__public_id"),
        "version_status": F(f"{path}__status"),
        "version_normative": F(f"{path}__normative"),
    }


def version_read_with(row, version_id):
    """The version (with its scheme) of a row annotated with version_keys."""
    return version_with_scheme(version_id, row.version_key, row.version_status, row.version_normative)


def engine_scheme(version) -> engine.Scheme:
    """The version as the engine's input, built once per process for a
    published or retired version."""
    return settled(version, "engine scheme", lambda: _engine_scheme(version, *version_structure(version)))


def _engine_scheme(version, tree, levels):
    return engine.Scheme(
        code=version.scheme.code,
        fail_below=Decimal(version.fail_below),
        special_deductions_fail_at=version.special_deductions_fail_at,
        special_bonus_max=version.special_bonus_max,
        levels=tuple(
            engine.Level(
                level.code,
                Decimal(level.min_score),
                tuple(engine.Gate(gate.metric, Decimal(gate.minimum)) for gate in level.gates.all()),
            )
            for level in levels
        ),
        categories=tuple(
            engine.Category(
                category.code,
                Decimal(category.max_points),
                tuple(
                    engine.Indicator(
                        indicator.code,
                        Decimal(indicator.max_points),
                        tuple(
                            engine.Item(item.code, Decimal(item.max_points))
                            for item in indicator.items.all()
                        ),
                    )
                    for indicator in category.indicators.all()
                ),
            )
            for category in tree
        ),
    )


def _with_items(rows, items):
    """Rows of a sheet with their items: joined in the query, or attached
    from `items` (pk → Item, e.g. from version_structure) without one."""
    if items is None:
        return list(rows.select_related("item"))
    rows = list(rows)
    for row in rows:
        if row.item_id is not None:
            row.item = items[row.item_id]
    return rows


def sheet_marks(sheet, items=None):
    return _with_items(Mark.objects.filter(sheet=sheet), items)


def sheet_evidence(sheet):
    """The sheet's evidence files by mark id, in one query (a prefetch from
    the marks cost as much again in bookkeeping)."""
    files = {}
    for evidence in MarkEvidence.objects.filter(mark__sheet=sheet).order_by("uploaded_at", "id"):
        files.setdefault(evidence.mark_id, []).append(evidence)
    return files


def sheet_special_deductions(sheet, items=None):
    return _with_items(SpecialDeduction.objects.filter(sheet=sheet), items)


def sheet_engine_input(sheet, marks=None, deductions=None, metrics=None):
    marks = marks if marks is not None else sheet_marks(sheet)
    deductions = deductions if deductions is not None else sheet_special_deductions(sheet)
    metrics = metrics if metrics is not None else list(sheet.metrics.all())
    engine_marks = {
        mark.item.code: engine.Mark(mark.result, mark.samples, mark.conforming) for mark in marks
    }
    return {
        "marks": engine_marks,
        "special_deductions": len(deductions),
        "special_bonus": sheet.special_bonus,
        "metrics": {metric.metric: Decimal(metric.value) for metric in metrics},
    }


def sheet_rate(sheet, *, provisional=True, scheme=None, **loaded):
    """Rate a sheet as it stands. Provisional by default (unmarked items are
    left out); submission uses the strict mode."""
    scheme = scheme or engine_scheme(sheet.version)
    return engine.rate(scheme, provisional=provisional, **sheet_engine_input(sheet, **loaded))


def score_sheet_get(public_id):
    sheet = (
        ScoreSheet.objects.select_related("version__scheme", "supersedes", "submitted_by")
        .filter(public_id=public_id)
        .first()
    )
    if sheet is None:
        raise Http404
    return sheet


HUNDRED = Decimal(100)


# --- The scheme editor: the tree with its sums, the settings, the history -----


@dataclass
class Sums:
    """Running sums of a version's tree and where they fail to add up."""

    total: Decimal = Decimal(0)
    problems: list = field(default_factory=list)

    @property
    def total_ok(self):
        return self.total == HUNDRED


def _points(value):
    return Decimal(value).quantize(Decimal("0.01"))


def tree_sums(tree, levels, fail_below):
    """Annotate the loaded tree and levels with their sums and problems.

    Each indicator gets `items_sum` and `sum_ok`, each category
    `indicators_sum`, `sum_ok` and `running_total` (the categories so far),
    each level `problem`. Works on prefetched rows only: no queries.
    """
    sums = Sums()
    for category in tree:
        category.indicator_list = list(category.indicators.all())
        category.indicators_sum = Decimal(0)
        for indicator in category.indicator_list:
            indicator.item_list = list(indicator.items.all())
            indicator.items_sum = sum((item.max_points for item in indicator.item_list), Decimal(0))
            indicator.sum_ok = bool(indicator.item_list) and (
                indicator.items_sum == indicator.max_points
            )
            if not indicator.sum_ok:
                sums.problems.append(
                    _("Items of indicator %(code)s sum to %(sum)s, not %(points)s.")
                    % {
                        "code": indicator.code,
                        "sum": _points(indicator.items_sum),
                        "points": _points(indicator.max_points),
                    }
                )
            category.indicators_sum += indicator.max_points
        category.sum_ok = bool(category.indicator_list) and (
            category.indicators_sum == category.max_points
        )
        if not category.sum_ok:
            sums.problems.append(
                _("Indicators of category %(code)s sum to %(sum)s, not %(points)s.")
                % {
                    "code": category.code,
                    "sum": _points(category.indicators_sum),
                    "points": _points(category.max_points),
                }
            )
        sums.total += category.max_points
        category.running_total = sums.total
    if not sums.total_ok:
        sums.problems.append(
            _("The categories sum to %(sum)s, not 100.") % {"sum": _points(sums.total)}
        )
    previous = None
    for position, level in enumerate(levels):
        level.gate_list = list(level.gates.all())
        level.problem = ""
        if position == 0 and level.min_score != fail_below:
            level.problem = _("The lowest level must start at the pass mark, %(fail_below)s.") % {
                "fail_below": _points(fail_below)
            }
        elif previous is not None and level.min_score < previous.min_score:
            level.problem = _("Below the level before it (%(code)s, %(score)s).") % {
                "code": previous.code,
                "score": _points(previous.min_score),
            }
        if level.problem:
            sums.problems.append(f"{level.code}: {level.problem}")
        previous = level
    if not levels:
        sums.problems.append(_("The version has no levels."))
    return sums


def version_settings_rows(version):
    """The rules and the process settings of a version, as (label, value) rows."""
    rules = [
        (SchemeVersion._meta.get_field(name).verbose_name, getattr(version, name))
        for name in ("fail_below", "special_deductions_fail_at", "special_bonus_max")
    ]
    process = [
        (SchemeVersion._meta.get_field(name).verbose_name, getattr(version, name))
        for name in PROCESS_SETTINGS
    ]
    return rules, process


def version_changes(version, limit=30):
    """Field-level history (django-simple-history) of the version and its
    nodes, newest first. A fixed number of queries, whatever the tree's size."""
    related = ("history_user",)
    # Subqueries, not id lists: an empty list would skip its query, and the
    # page would run fewer queries for a version without history.
    category_ids = Category.history.filter(version_id=version.pk).values("id")
    indicator_ids = Indicator.history.filter(category_id__in=category_ids).values("id")
    level_ids = Level.history.filter(version_id=version.pk).values("id")
    records = list(version.history.select_related(*related)[:limit])
    category_history = list(
        Category.history.filter(version_id=version.pk).select_related(*related)[:limit]
    )
    level_history = list(Level.history.filter(version_id=version.pk).select_related(*related))
    indicator_history = list(
        Indicator.history.filter(category_id__in=category_ids).select_related(*related)[:limit]
    )
    item_history = list(
        Item.history.filter(indicator_id__in=indicator_ids)
        .select_related(*related)
        .order_by("-history_date", "-history_id")[:limit]
    )
    gate_history = list(
        Gate.history.filter(level_id__in=level_ids).select_related(*related)[:limit]
    )
    records += category_history + level_history + indicator_history + item_history + gate_history
    records.sort(key=lambda record: (record.history_date, record.history_id), reverse=True)
    return [
        {
            "date": record.history_date,
            "user": record.history_user,
            "type": record.get_history_type_display(),
            "what": record.instance_type._meta.verbose_name,
            "label": _change_label(record),
        }
        for record in records[:limit]
    ]


def _change_label(record):
    if hasattr(record, "code"):
        return record.code
    if hasattr(record, "metric"):
        return record.get_metric_display()
    return f"v{record.number}"
