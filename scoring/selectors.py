"""Reads of the scoring app. Other apps read schemes and their process
settings only through these functions."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Max, Prefetch
from django.http import Http404

from scoring import engine
from scoring.models import (
    Category,
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
