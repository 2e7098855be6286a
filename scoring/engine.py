"""The GB/T 27922 rating method, exactly (DOMAIN.md §3 and decision 3).

Pure Python, no Django: it takes a scheme and marks and returns a result that
explains itself. Amounts enter and leave as `Decimal`; in between they are
exact fractions, so a sampled item's share (e.g. 5 × 13 ÷ 20, or 7 × 1 ÷ 3)
is never rounded before the one rounding the method allows: the final score,
half-up to two decimals, on which the level is then decided.

- applicable = Σ max points of the items not deleted (R6);
- awarded = Σ max of conforming items + Σ max × conforming ÷ samples of
  sampled items (R2, R3);
- base = awarded ÷ applicable × 100 (R7);
- final = base − special deductions + special bonus (R4, R5), clamped to
  0–100, rounded half-up to 2 decimals = `score`;
- level: fail when score < fail_below or special deductions ≥
  special_deductions_fail_at (R8); otherwise the last level in the list whose
  minimum the score reaches and whose every gate holds (R9, decision 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

CONFORMING = "conforming"
NONCONFORMING = "nonconforming"
SAMPLED = "sampled"
DELETED = "deleted"
RESULTS = (CONFORMING, NONCONFORMING, SAMPLED, DELETED)

FAIL = "fail"
METRICS = (
    "customer_satisfaction",
    "first_time_resolution",
    "complaint_closure",
    "months_in_operation",
)
HUNDRED = Fraction(100)
CENT = Decimal("0.01")


class InvalidInput(ValueError):
    """The scheme or the marks break the method; the message names where.

    Problems with a scheme's structure also carry a `code` and the `params`
    of the message, so a page can say the same in the reader's language.
    """

    def __init__(self, message, code="", **params):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Gate:
    metric: str
    minimum: Decimal


@dataclass(frozen=True)
class Level:
    code: str
    min_score: Decimal
    gates: tuple[Gate, ...] = ()


@dataclass(frozen=True)
class Item:
    code: str
    max_points: Decimal


@dataclass(frozen=True)
class Indicator:
    code: str
    max_points: Decimal
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Category:
    code: str
    max_points: Decimal
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Scheme:
    code: str
    levels: tuple[Level, ...]
    categories: tuple[Category, ...]
    fail_below: Decimal = Decimal(70)
    special_deductions_fail_at: int = 5
    special_bonus_max: int = 1

    def items(self):
        for category in self.categories:
            for indicator in category.indicators:
                yield from indicator.items


@dataclass(frozen=True)
class Mark:
    result: str
    samples: int | None = None
    conforming: int | None = None


@dataclass(frozen=True)
class Totals:
    awarded: Fraction
    applicable: Fraction
    maximum: Fraction

    @property
    def percent(self) -> Fraction | None:
        return self.awarded / self.applicable * HUNDRED if self.applicable else None


@dataclass(frozen=True)
class ItemResult:
    code: str
    result: str | None
    awarded: Fraction
    applicable: Fraction
    # The item's share of the normalised base score, in points of 100.
    contribution: Fraction


@dataclass(frozen=True)
class GateCheck:
    metric: str
    minimum: Decimal
    value: Decimal | None

    @property
    def holds(self) -> bool:
        return self.value is not None and self.value >= self.minimum


@dataclass(frozen=True)
class NextLevel:
    code: str
    points_needed: Decimal
    failing_gates: tuple[GateCheck, ...]
    blocked_by_deductions: bool


@dataclass
class Result:
    score: Decimal
    level: str
    base: Decimal
    awarded: Fraction
    applicable: Fraction
    special_deductions: int
    special_bonus: int
    rule: str
    categories: dict[str, Totals]
    indicators: dict[str, Totals]
    items: dict[str, ItemResult]
    gate_checks: dict[str, tuple[GateCheck, ...]]
    unmarked: int = 0
    next_level: NextLevel | None = None
    explanation: list[str] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return self.unmarked > 0


def to_decimal(value, what) -> Decimal:
    if isinstance(value, bool):
        raise InvalidInput(f"{what} must be a number, not {value!r}")
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{what} must be a number, not {value!r}") from exc
    if not number.is_finite():
        raise InvalidInput(f"{what} must be a finite number, not {value!r}")
    return number


def round_half_up(value: Fraction) -> Decimal:
    """Round an exact fraction half-up to two decimals without passing through
    binary floating point or a 28-digit Decimal context."""
    scaled = value * 100
    whole = scaled.numerator // scaled.denominator
    remainder = scaled - whole
    if remainder >= Fraction(1, 2):
        whole += 1
    return (Decimal(whole) / 100).quantize(CENT)


def money(value: Fraction | Decimal) -> str:
    """Two decimals, half-up: how every amount is printed.

    The same rounding as round_half_up, in integers: a score sheet prints a
    hundred and sixty amounts, and the Fraction and Decimal arithmetic was a
    tenth of the scoring page.
    """
    if isinstance(value, Decimal):
        value = Fraction(value)
    cents, remainder = divmod(value.numerator * 100, value.denominator)
    if 2 * remainder >= value.denominator:
        cents += 1
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def validate_scheme(scheme: Scheme) -> None:
    """Raise InvalidInput naming the first node whose points do not add up,
    or the level that breaks the ordering rules."""
    total = Fraction(0)
    if not scheme.categories:
        raise InvalidInput(f"scheme {scheme.code} has no categories", "no_categories")
    seen = set()
    for category in scheme.categories:
        category_sum = Fraction(0)
        if not category.indicators:
            raise InvalidInput(
                f"category {category.code} has no indicators", "no_indicators", node=category.code
            )
        for indicator in category.indicators:
            if not indicator.items:
                raise InvalidInput(
                    f"indicator {indicator.code} has no items", "no_items", node=indicator.code
                )
            items_sum = Fraction(0)
            for item in indicator.items:
                if item.code in seen:
                    raise InvalidInput(
                        f"item code {item.code} is used twice", "duplicate_item", node=item.code
                    )
                seen.add(item.code)
                if item.max_points <= 0:
                    raise InvalidInput(
                        f"item {item.code} must have more than 0 points", "no_points", node=item.code
                    )
                items_sum += Fraction(item.max_points)
            if items_sum != Fraction(indicator.max_points):
                raise InvalidInput(
                    f"items of indicator {indicator.code} sum to {money(items_sum)} "
                    f"but the indicator has {indicator.max_points}",
                    "indicator_sum",
                    node=indicator.code,
                    total=money(items_sum),
                    expected=money(Fraction(indicator.max_points)),
                )
            category_sum += items_sum
        if category_sum != Fraction(category.max_points):
            raise InvalidInput(
                f"indicators of category {category.code} sum to {money(category_sum)} "
                f"but the category has {category.max_points}",
                "category_sum",
                node=category.code,
                total=money(category_sum),
                expected=money(Fraction(category.max_points)),
            )
        total += category_sum
    if total != 100:
        raise InvalidInput(
            f"categories sum to {money(total)}, not 100", "total_sum", total=money(total)
        )
    validate_levels(scheme)


def validate_levels(scheme: Scheme) -> None:
    if not scheme.levels:
        raise InvalidInput("the scheme has no levels", "no_levels")
    if scheme.levels[0].min_score != scheme.fail_below:
        raise InvalidInput(
            f"the lowest level {scheme.levels[0].code} must start at fail_below "
            f"({scheme.fail_below}), not {scheme.levels[0].min_score}",
            "lowest_level",
            node=scheme.levels[0].code,
            expected=str(scheme.fail_below),
        )
    codes = set()
    previous = None
    for level in scheme.levels:
        if level.code in codes or level.code == FAIL:
            raise InvalidInput(
                f"level code {level.code} is used twice or reserved", "duplicate_level", node=level.code
            )
        codes.add(level.code)
        if previous is not None and level.min_score < previous.min_score:
            raise InvalidInput(
                f"level {level.code} ({level.min_score}) is below the level before it, "
                f"{previous.code} ({previous.min_score})",
                "level_order",
                node=level.code,
                previous=previous.code,
            )
        if level.min_score > 100:
            raise InvalidInput(
                f"level {level.code} needs more than 100 points", "level_above_100", node=level.code
            )
        for gate in level.gates:
            if gate.metric not in METRICS:
                raise InvalidInput(
                    f"level {level.code} has a gate on unknown metric {gate.metric}",
                    "unknown_metric",
                    node=level.code,
                )
        previous = level
    if scheme.special_deductions_fail_at < 1:
        raise InvalidInput("special_deductions_fail_at must be at least 1", "fail_at")
    if scheme.special_bonus_max < 0:
        raise InvalidInput("special_bonus_max must not be negative", "bonus_max")


def _check_mark(code: str, mark: Mark) -> None:
    if mark.result not in RESULTS:
        raise InvalidInput(f"item {code}: result must be one of {', '.join(RESULTS)}")
    if mark.result != SAMPLED:
        return
    for name in ("samples", "conforming"):
        value = getattr(mark, name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidInput(f"item {code}: {name} must be a whole number")
    if mark.samples <= 0:
        raise InvalidInput(f"item {code}: samples must be more than 0")
    if not 0 <= mark.conforming <= mark.samples:
        raise InvalidInput(f"item {code}: conforming must be between 0 and samples")


def _item_awarded(item: Item, mark: Mark | None) -> tuple[Fraction, Fraction]:
    """(awarded, applicable) for one item; an unmarked item counts on neither side."""
    maximum = Fraction(item.max_points)
    if mark is None or mark.result == DELETED:
        return Fraction(0), Fraction(0)
    if mark.result == CONFORMING:
        return maximum, maximum
    if mark.result == NONCONFORMING:
        return Fraction(0), maximum
    return maximum * mark.conforming / mark.samples, maximum


def _gate_checks(level: Level, metrics: dict[str, Decimal]) -> tuple[GateCheck, ...]:
    return tuple(GateCheck(gate.metric, gate.minimum, metrics.get(gate.metric)) for gate in level.gates)


def _check_inputs(scheme, marks, special_deductions, special_bonus, metrics):
    """Refuse what the standard cannot rate; return the metrics as Decimals."""
    validate_scheme(scheme)
    metrics = {name: to_decimal(value, f"metric {name}") for name, value in (metrics or {}).items()}
    for name in metrics:
        if name not in METRICS:
            raise InvalidInput(f"unknown metric {name}")
    if not isinstance(special_deductions, int) or isinstance(special_deductions, bool):
        raise InvalidInput("special_deductions must be a whole number")
    if special_deductions < 0:
        raise InvalidInput("special_deductions must not be negative")
    if not isinstance(special_bonus, int) or isinstance(special_bonus, bool):
        raise InvalidInput("special_bonus must be a whole number")
    if special_bonus < 0:
        raise InvalidInput("special_bonus must not be negative")
    if special_bonus > scheme.special_bonus_max:
        raise InvalidInput(
            f"special_bonus {special_bonus} is above this scheme's maximum of "
            f"{scheme.special_bonus_max}"
        )
    known = {item.code for item in scheme.items()}
    for code in marks:
        if code not in known:
            raise InvalidInput(f"mark for unknown item {code}")
    for code, mark in marks.items():
        _check_mark(code, mark)
    return metrics


def _sum_tree(scheme, marks, provisional):
    """Awarded and applicable points of every item, indicator and category;
    with `provisional`, unmarked items are counted instead of refused."""
    items: dict[str, ItemResult] = {}
    indicators: dict[str, Totals] = {}
    categories: dict[str, Totals] = {}
    unmarked = 0
    for category in scheme.categories:
        category_awarded = category_applicable = Fraction(0)
        for indicator in category.indicators:
            indicator_awarded = indicator_applicable = Fraction(0)
            for item in indicator.items:
                mark = marks.get(item.code)
                if mark is None:
                    if not provisional:
                        raise InvalidInput(f"item {item.code} has no mark")
                    unmarked += 1
                awarded, applicable = _item_awarded(item, mark)
                items[item.code] = ItemResult(
                    item.code, mark.result if mark else None, awarded, applicable, Fraction(0)
                )
                indicator_awarded += awarded
                indicator_applicable += applicable
            indicators[indicator.code] = Totals(
                indicator_awarded, indicator_applicable, Fraction(indicator.max_points)
            )
            category_awarded += indicator_awarded
            category_applicable += indicator_applicable
        categories[category.code] = Totals(
            category_awarded, category_applicable, Fraction(category.max_points)
        )
    return items, indicators, categories, unmarked


def _shares_of_the_whole(items, applicable):
    """Each item's points as a share of the 100 the applicable points scale to."""
    return {
        code: ItemResult(
            result.code, result.result, result.awarded, result.applicable, result.awarded / applicable * HUNDRED
        )
        for code, result in items.items()
    }


def _level_for(scheme, score, special_deductions, gate_checks):
    """The level the score and the gates reach, and the rule that decided it."""
    if score < scheme.fail_below:
        return FAIL, f"score {score} is below {scheme.fail_below}: fail"
    if special_deductions >= scheme.special_deductions_fail_at:
        return FAIL, (
            f"{special_deductions} special deductions reach the limit of "
            f"{scheme.special_deductions_fail_at}: fail whatever the score"
        )
    level_code, rule = FAIL, f"no level's minimum and gates are met at {score}: fail"
    for level in scheme.levels:
        if score >= level.min_score and all(check.holds for check in gate_checks[level.code]):
            gates = gate_checks[level.code]
            level_code = level.code
            rule = f"score {score} ≥ {level.min_score}" + (
                " and " + ", ".join(f"{c.metric} {c.value} ≥ {c.minimum}" for c in gates) if gates else ""
            ) + f": {level.code}"
    return level_code, rule


def rate(
    scheme: Scheme,
    marks: dict[str, Mark],
    *,
    special_deductions: int = 0,
    special_bonus: int = 0,
    metrics: dict[str, Decimal] | None = None,
    provisional: bool = False,
) -> Result:
    """Rate `marks` against `scheme`.

    Strict by default: every item must carry a mark. With `provisional`,
    unmarked items are left out of both sides and counted in `unmarked`, so a
    half-filled sheet shows where it stands.
    """
    metrics = _check_inputs(scheme, marks, special_deductions, special_bonus, metrics)
    items, indicators, categories, unmarked = _sum_tree(scheme, marks, provisional)

    applicable = sum((totals.applicable for totals in categories.values()), Fraction(0))
    awarded = sum((totals.awarded for totals in categories.values()), Fraction(0))
    if applicable == 0:
        if provisional and unmarked:
            raise InvalidInput("no item is marked yet")
        raise InvalidInput("every item is deleted: nothing is left to score")

    base = awarded / applicable * HUNDRED
    final = min(max(base - special_deductions + special_bonus, Fraction(0)), HUNDRED)
    score = round_half_up(final)
    gate_checks = {level.code: _gate_checks(level, metrics) for level in scheme.levels}
    level_code, rule = _level_for(scheme, score, special_deductions, gate_checks)

    result = Result(
        score=score,
        level=level_code,
        base=round_half_up(base),
        awarded=awarded,
        applicable=applicable,
        special_deductions=special_deductions,
        special_bonus=special_bonus,
        rule=rule,
        categories=categories,
        indicators=indicators,
        items=_shares_of_the_whole(items, applicable),
        gate_checks=gate_checks,
        unmarked=unmarked,
    )
    deductions_fail = special_deductions >= scheme.special_deductions_fail_at
    result.next_level = _next_level(scheme, result, deductions_fail)
    result.explanation = _explain(scheme, result)
    return result


def _next_level(scheme: Scheme, result: Result, deductions_fail: bool) -> NextLevel | None:
    """The first level above the one reached, and what stands in its way."""
    codes = [level.code for level in scheme.levels]
    start = 0 if result.level == FAIL else codes.index(result.level) + 1
    for level in scheme.levels[start:]:
        checks = result.gate_checks[level.code]
        return NextLevel(
            code=level.code,
            points_needed=max(level.min_score - result.score, Decimal(0)).quantize(CENT),
            failing_gates=tuple(check for check in checks if not check.holds),
            blocked_by_deductions=deductions_fail,
        )
    return None


def _explain(scheme: Scheme, result: Result) -> list[str]:
    lines = []
    for category in scheme.categories:
        totals = result.categories[category.code]
        lines.append(
            f"category {category.code}: {money(totals.awarded)} of {money(totals.applicable)} "
            f"applicable (max {money(totals.maximum)})"
        )
        for indicator in category.indicators:
            ind = result.indicators[indicator.code]
            lines.append(
                f"  indicator {indicator.code}: {money(ind.awarded)} of {money(ind.applicable)}"
            )
            for item in indicator.items:
                item_result = result.items[item.code]
                lines.append(
                    f"    item {item.code} ({item_result.result or 'unmarked'}): "
                    f"{money(item_result.awarded)} of {money(item_result.applicable)}"
                )
    lines.append(
        f"base = {money(result.awarded)} / {money(result.applicable)} × 100 = {result.base}"
    )
    lines.append(
        f"final = {result.base} − {result.special_deductions} special deduction(s) "
        f"+ {result.special_bonus} special bonus = {result.score} (clamped to 0–100, "
        "rounded half-up)"
    )
    if result.unmarked:
        lines.append(f"provisional: {result.unmarked} item(s) not marked yet are left out")
    lines.append(f"level: {result.rule}")
    return lines


# --- JSON interface (the `score` command) -----------------------------------


def _require(mapping, key, what):
    if not isinstance(mapping, dict):
        raise InvalidInput(f"{what} must be an object")
    if key not in mapping:
        raise InvalidInput(f"{what} is missing '{key}'")
    return mapping[key]


def _whole(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise InvalidInput(f"{what} must be a whole number")
    return value


def scheme_from_dict(data: dict) -> Scheme:
    """Build a scheme from the JSON contract's inline form."""
    if not isinstance(data, dict):
        raise InvalidInput("scheme must be an object")
    levels = []
    for index, level in enumerate(_require(data, "levels", "scheme") or []):
        code = _require(level, "code", f"level {index + 1}")
        gates = []
        for gate in level.get("gates", []) or []:
            metric = _require(gate, "metric", f"a gate of level {code}")
            gates.append(Gate(metric, to_decimal(_require(gate, "min", f"gate {metric}"), f"gate {metric}")))
        levels.append(
            Level(
                str(code),
                to_decimal(_require(level, "min_score", f"level {code}"), f"level {code} min_score"),
                tuple(gates),
            )
        )
    categories = []
    for category in _require(data, "categories", "scheme") or []:
        category_code = str(_require(category, "code", "a category"))
        indicators = []
        for indicator in _require(category, "indicators", f"category {category_code}") or []:
            indicator_code = str(_require(indicator, "code", f"an indicator of {category_code}"))
            items = tuple(
                Item(
                    str(_require(item, "code", f"an item of {indicator_code}")),
                    to_decimal(_require(item, "max_points", f"item of {indicator_code}"), "max_points"),
                )
                for item in _require(indicator, "items", f"indicator {indicator_code}") or []
            )
            indicators.append(
                Indicator(
                    indicator_code,
                    to_decimal(_require(indicator, "max_points", f"indicator {indicator_code}"), "max_points"),
                    items,
                )
            )
        categories.append(
            Category(
                category_code,
                to_decimal(_require(category, "max_points", f"category {category_code}"), "max_points"),
                tuple(indicators),
            )
        )
    return Scheme(
        code=str(data.get("code", "inline")),
        levels=tuple(levels),
        categories=tuple(categories),
        fail_below=to_decimal(data.get("fail_below", 70), "fail_below"),
        special_deductions_fail_at=_whole(
            data.get("special_deductions_fail_at", 5), "special_deductions_fail_at"
        ),
        special_bonus_max=_whole(data.get("special_bonus_max", 1), "special_bonus_max"),
    )


def marks_from_dict(data: dict) -> dict[str, Mark]:
    if not isinstance(data, dict):
        raise InvalidInput("marks must be an object of item code → mark")
    marks = {}
    for code, mark in data.items():
        result = _require(mark, "result", f"mark for {code}")
        if result not in RESULTS:
            raise InvalidInput(f"item {code}: result must be one of {', '.join(RESULTS)}")
        if result == SAMPLED:
            samples = _require(mark, "samples", f"sampled mark for {code}")
            conforming = _require(mark, "conforming", f"sampled mark for {code}")
            marks[code] = Mark(result, samples, conforming)
        else:
            marks[code] = Mark(result)
    return marks


def rate_request(data: dict, scheme: Scheme) -> Result:
    """Rate a JSON request (already parsed) against `scheme`."""
    metrics = data.get("metrics", {}) or {}
    if not isinstance(metrics, dict):
        raise InvalidInput("metrics must be an object")
    special_deductions = data.get("special_deductions", 0)
    special_bonus = data.get("special_bonus", 0)
    for name, value in (("special_deductions", special_deductions), ("special_bonus", special_bonus)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"{name} must be a whole number")
    return rate(
        scheme,
        marks_from_dict(_require(data, "marks", "the input")),
        special_deductions=special_deductions,
        special_bonus=special_bonus,
        metrics=metrics,
    )


def result_to_dict(result: Result) -> dict:
    """The JSON contract's output: amounts as strings of two decimals."""
    return {
        "score": str(result.score),
        "level": result.level,
        "base": str(result.base),
        "awarded": money(result.awarded),
        "applicable": money(result.applicable),
        "special_deductions": result.special_deductions,
        "special_bonus": result.special_bonus,
        "rule": result.rule,
        "categories": {
            code: {"awarded": money(t.awarded), "applicable": money(t.applicable)}
            for code, t in result.categories.items()
        },
        "indicators": {
            code: {"awarded": money(t.awarded), "applicable": money(t.applicable)}
            for code, t in result.indicators.items()
        },
        "items": {
            code: {
                "result": item.result,
                "awarded": money(item.awarded),
                "applicable": money(item.applicable),
            }
            for code, item in result.items.items()
        },
        "explanation": result.explanation,
    }
