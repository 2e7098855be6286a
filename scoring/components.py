"""The scoring page, result page and PDF of a score sheet, as components.

The owning app (self-assessment, audit) checks access, then builds the
context here and renders `scoring/components/*.html` under its own URLs.
`scoring` serves by itself only the managers' scheme editor.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from certify.i18n import localized
from certify.pdf import html_to_pdf
from certify.selectors import body_profile_get
from scoring import engine
from scoring.models import Gate, Mark, ScoreSheet, SpecialDeduction
from scoring.selectors import (
    engine_scheme,
    sheet_engine_input,
    sheet_evidence,
    sheet_marks,
    sheet_special_deductions,
    version_structure,
)

FORM_FIELDS = ("result", "samples", "conforming", "deletion_reason", "note")


def _form_values(mark):
    if mark is None:
        return dict.fromkeys(FORM_FIELDS, "")
    return {
        "result": mark.result,
        "samples": mark.samples if mark.samples is not None else "",
        "conforming": mark.conforming if mark.conforming is not None else "",
        "deletion_reason": mark.deletion_reason,
        "note": mark.note,
    }


def mark_is_incomplete(data):
    """A sampled mark without both counts, or a deletion without its reason."""
    result = data.get("result")
    if result == Mark.Result.SAMPLED:
        return not (data.get("samples", "").strip() and data.get("conforming", "").strip())
    if result == Mark.Result.DELETED:
        return not data.get("deletion_reason", "").strip()
    return False


def _files(evidence, urls):
    """(evidence, download URL) pairs."""
    return [(file, urls("evidence_file", file) if urls else "") for file in evidence]


@dataclass
class ItemRow:
    item: object
    name: str
    evidence: str
    mark: object | None
    awarded: str
    applicable: str
    mark_url: str = ""
    evidence_url: str = ""
    error: str = ""
    # What the form shows: the saved mark, or what was just posted when it
    # was refused, so a half-entered sampled mark is not lost.
    form: dict = field(default_factory=dict)

    files: list = field(default_factory=list)

    def show_posted(self, data):
        self.form = {key: data.get(key, "") for key in FORM_FIELDS}


@dataclass
class IndicatorBlock:
    indicator: object
    name: str
    awarded: str
    applicable: str
    percent: float | None
    rows: list[ItemRow] = field(default_factory=list)


@dataclass
class CategoryBlock:
    category: object
    name: str
    awarded: str
    applicable: str
    percent: float | None
    indicators: list[IndicatorBlock] = field(default_factory=list)


def _percent(totals):
    percent = totals.percent
    return round(float(percent), 1) if percent is not None else None


def level_names(levels):
    names = {level.code: localized(level, "name") for level in levels}
    names[engine.FAIL] = _("Not passed")
    return names


def sheet_context(sheet: ScoreSheet, *, editable: bool, urls=None, target_level_code=None):
    """Everything the scoring page, the result page and the PDF show.

    `urls(kind, obj)` returns the owner's URL for an item's mark form
    ("mark"), an item's evidence upload ("evidence") or an evidence file's
    download ("evidence_file"). A fixed number of queries,
    whatever the number of items.
    """
    version = sheet.version
    tree, levels = version_structure(version)
    items = {item.pk: item for category in tree for indicator in category.indicators.all() for item in indicator.items.all()}
    marks = sheet_marks(sheet, items)
    evidence = sheet_evidence(sheet)
    deductions = sheet_special_deductions(sheet, items)
    metrics = list(sheet.metrics.all())
    scheme = engine_scheme(version)
    marks_by_item = {mark.item_id: mark for mark in marks}
    try:
        result = engine.rate(
            scheme,
            provisional=True,
            **sheet_engine_input(sheet, marks=marks, deductions=deductions, metrics=metrics),
        )
    except engine.InvalidInput:
        result = None  # nothing marked yet

    categories = []
    chart_labels, chart_values = [], []
    for category in tree:
        totals = result.categories[category.code] if result else None
        block = CategoryBlock(
            category=category,
            name=localized(category, "name"),
            awarded=engine.money(totals.awarded) if totals else "0.00",
            applicable=engine.money(totals.applicable) if totals else "0.00",
            percent=_percent(totals) if totals else None,
        )
        chart_labels.append(f"{category.code} {block.name}")
        chart_values.append(block.percent if block.percent is not None else 0)
        for indicator in category.indicators.all():
            ind_totals = result.indicators[indicator.code] if result else None
            ind_block = IndicatorBlock(
                indicator=indicator,
                name=localized(indicator, "name"),
                awarded=engine.money(ind_totals.awarded) if ind_totals else "0.00",
                applicable=engine.money(ind_totals.applicable) if ind_totals else "0.00",
                percent=_percent(ind_totals) if ind_totals else None,
            )
            for item in indicator.items.all():
                item_result = result.items[item.code] if result else None
                mark = marks_by_item.get(item.pk)
                ind_block.rows.append(
                    ItemRow(
                        item=item,
                        name=localized(item, "name"),
                        evidence=localized(item, "evidence"),
                        mark=mark,
                        form=_form_values(mark),
                        awarded=engine.money(item_result.awarded) if item_result else "0.00",
                        applicable=engine.money(item_result.applicable) if item_result else "0.00",
                        mark_url=urls("mark", item) if urls and editable else "",
                        evidence_url=urls("evidence", item) if urls and editable else "",
                        files=_files(evidence.get(mark.pk, []) if mark else [], urls),
                    )
                )
            block.indicators.append(ind_block)
        categories.append(block)

    names = level_names(levels)
    rule = _rule_display(result, version, levels, names) if result else ""
    item_count = sum(len(i.rows) for c in categories for i in c.indicators)
    return {
        "sheet": sheet,
        "version": version,
        "editable": editable and sheet.status == ScoreSheet.Status.DRAFT,
        "categories": categories,
        "levels": levels,
        "level_names": names,
        "result": result,
        "result_awarded": engine.money(result.awarded) if result else "",
        "result_applicable": engine.money(result.applicable) if result else "",
        "level_name": names.get(result.level) if result else "",
        "rule": rule,
        "next_level_name": names.get(result.next_level.code) if result and result.next_level else "",
        "unmarked": result.unmarked if result else item_count,
        "item_count": item_count,
        "deductions": deductions,
        "metrics": metrics,
        "metric_labels": dict(Gate.Metric.choices),
        "mark_results": Mark.Result.choices,
        "deduction_rules": SpecialDeduction.Rule.choices,
        "chart_json": json.dumps({"labels": chart_labels, "values": chart_values}),
        "target": _target(result, levels, target_level_code, names, categories),
    }


def _rule_display(result, version, levels, names):
    """Which rule of the method decided the level, in the reader's language."""
    if result.level != engine.FAIL:
        level = next(lv for lv in levels if lv.code == result.level)
        text = _("%(score)s ≥ %(minimum)s, the minimum of %(level)s") % {
            "score": result.score,
            "minimum": level.min_score,
            "level": names[level.code],
        }
        checks = result.gate_checks.get(level.code, ())
        if checks:
            text += _(", and every gate holds: %(gates)s") % {
                "gates": "; ".join(
                    f"{Gate.Metric(check.metric).label} {check.value} ≥ {check.minimum}"
                    for check in checks
                )
            }
        return text
    if result.score < version.fail_below:
        return _("%(score)s is below %(minimum)s: not passed") % {
            "score": result.score,
            "minimum": version.fail_below,
        }
    if result.special_deductions >= version.special_deductions_fail_at:
        return _("%(count)s special deductions reach the limit of %(limit)s: not passed, whatever the score") % {
            "count": result.special_deductions,
            "limit": version.special_deductions_fail_at,
        }
    return _("No level's minimum and gates are met: not passed")


def _target(result, levels, target_level_code, names, categories):
    """How far the sheet is from a target level, overall and per indicator."""
    if not target_level_code:
        return None
    level = next((lv for lv in levels if lv.code == target_level_code), None)
    if level is None:
        return None
    score = result.score if result else Decimal(0)
    points_short = max(Decimal(level.min_score) - score, Decimal(0))
    gates = []
    if result:
        gates = [check for check in result.gate_checks.get(level.code, ()) if not check.holds]
    indicators = []
    for category in categories:
        for block in category.indicators:
            lost = Decimal(block.applicable) - Decimal(block.awarded)
            if lost > 0:
                indicators.append({"block": block, "lost": lost})
    indicators.sort(key=lambda entry: entry["lost"], reverse=True)
    return {
        "level": level,
        "name": names.get(level.code, level.code),
        "points_short": points_short.quantize(Decimal("0.01")),
        "reached": result is not None and points_short == 0 and not gates,
        "failing_gates": gates,
        "indicators": indicators,
    }


def sheet_pdf_html(sheet, *, title, owner_line="", generated_at=None):
    """The score sheet's PDF as HTML; without `generated_at` it names no
    time, so two renderings of an unchanged sheet are the same text."""
    context = sheet_context(sheet, editable=False)
    context.update(
        {"title": title, "owner_line": owner_line, "body_profile": body_profile_get(), "generated_at": generated_at}
    )
    return render_to_string("scoring/pdf/sheet.html", context)


def sheet_pdf_fingerprint(sheet, *, title, owner_line=""):
    """What the sheet's PDF would show, as a SHA-256: it changes when a mark,
    an evidence file, a deduction or the wording changes."""
    html = sheet_pdf_html(sheet, title=title, owner_line=owner_line)
    return hashlib.sha256(html.encode()).hexdigest()


def render_sheet_pdf(sheet, *, title, owner_line="", base_url=None):
    """The score sheet as PDF bytes (WeasyPrint, Chinese fonts first)."""
    html = sheet_pdf_html(sheet, title=title, owner_line=owner_line, generated_at=timezone.localtime())
    return html_to_pdf(html, base_url=base_url)


def mark_row_response(request, context, item_id, error=""):
    """The answer to an inline mark: the item's row and, out of band, every
    total that may have changed. A refused mark keeps what was typed."""
    row = next(
        (
            row
            for category in context["categories"]
            for block in category.indicators
            for row in block.rows
            if row.item.pk == item_id
        ),
        None,
    )
    if row is None:
        raise Http404
    row.error = error
    if error:
        row.show_posted(request.POST)
    context["row"] = row
    html = render_to_string("scoring/components/item_row.html", context, request=request)
    html += render_to_string("scoring/components/totals_oob.html", context, request=request)
    return HttpResponse(html)
