"""The rating method, without a database (DOMAIN.md §3, the scoring issue's contract)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.engine import (
    CONFORMING,
    DELETED,
    NONCONFORMING,
    SAMPLED,
    Category,
    Gate,
    Indicator,
    InvalidInput,
    Item,
    Level,
    Mark,
    Scheme,
    money,
    rate,
    rate_request,
    result_to_dict,
    round_half_up,
    scheme_from_dict,
)

GBT_LEVELS = (
    Level("compliant", Decimal(70)),
    Level("star3", Decimal(80)),
    Level("star4", Decimal(90)),
    Level("star5", Decimal(95)),
)


def one_item_scheme(levels=GBT_LEVELS, **rules):
    """A scheme whose single 100-point item makes any base score easy to reach."""
    return Scheme(
        code="T",
        levels=levels,
        categories=(
            Category("A", Decimal(100), (Indicator("A1", Decimal(100), (Item("A1.1", Decimal(100)),)),)),
        ),
        **rules,
    )


def sampled(conforming, samples):
    return {"A1.1": Mark(SAMPLED, samples, conforming)}


def score_of(conforming, samples, **kwargs):
    return rate(one_item_scheme(), sampled(conforming, samples), **kwargs)


TWO_ITEMS = Scheme(
    code="T2",
    levels=GBT_LEVELS,
    categories=(
        Category(
            "A",
            Decimal(40),
            (Indicator("A1", Decimal(40), (Item("A1.1", Decimal(30)), Item("A1.2", Decimal(10)))),),
        ),
        Category("B", Decimal(60), (Indicator("B1", Decimal(60), (Item("B1.1", Decimal(60)),)),)),
    ),
)


@pytest.mark.parametrize(
    ("conforming", "samples", "score", "level"),
    [
        (6999, 10000, "69.99", "fail"),
        (7000, 10000, "70.00", "compliant"),
        (7999, 10000, "79.99", "compliant"),
        (8000, 10000, "80.00", "star3"),
        (8999, 10000, "89.99", "star3"),
        (9000, 10000, "90.00", "star4"),
        (9499, 10000, "94.99", "star4"),
        (9500, 10000, "95.00", "star5"),
        (100, 100, "100.00", "star5"),
        (0, 1, "0.00", "fail"),
    ],
)
def test_each_level_boundary_is_inclusive(conforming, samples, score, level):
    result = score_of(conforming, samples)
    assert (str(result.score), result.level) == (score, level)


@pytest.mark.parametrize(
    ("conforming", "samples", "score", "level"),
    [
        (95025, 100000, "95.03", "star5"),
        (94995, 100000, "95.00", "star5"),
        (69995, 100000, "70.00", "compliant"),
        (69994, 100000, "69.99", "fail"),
    ],
)
def test_the_score_is_rounded_half_up_before_the_level_is_chosen(conforming, samples, score, level):
    result = score_of(conforming, samples)
    assert (str(result.score), result.level) == (score, level)


def test_sampling_with_a_repeating_decimal_is_not_rounded_in_between():
    scheme = Scheme(
        code="T",
        levels=GBT_LEVELS,
        categories=(
            Category(
                "A",
                Decimal(100),
                (Indicator("A1", Decimal(100), (Item("A1.1", Decimal(3)), Item("A1.2", Decimal(97)))),),
            ),
        ),
    )
    result = rate(scheme, {"A1.1": Mark(SAMPLED, 3, 1), "A1.2": Mark(CONFORMING)})
    assert result.awarded == Fraction(98)
    assert str(result.score) == "98.00"


def test_a_nonconforming_item_loses_all_its_points():
    result = rate(TWO_ITEMS, {"A1.1": Mark(NONCONFORMING), "A1.2": Mark(CONFORMING), "B1.1": Mark(CONFORMING)})
    assert str(result.score) == "70.00"
    assert result.items["A1.1"].awarded == 0


def test_a_deleted_item_leaves_both_sides():
    result = rate(TWO_ITEMS, {"A1.1": Mark(DELETED), "A1.2": Mark(NONCONFORMING), "B1.1": Mark(CONFORMING)})
    assert result.applicable == 70
    assert str(result.score) == "85.71"
    assert result.level == "star3"


def test_special_deductions_and_the_bonus_apply_to_the_normalised_score():
    result = score_of(90, 100, special_deductions=2, special_bonus=1)
    assert str(result.base) == "90.00"
    assert str(result.score) == "89.00"
    assert result.level == "star3"


def test_the_score_is_clamped_to_one_hundred():
    assert str(score_of(100, 100, special_bonus=1).score) == "100.00"


def test_the_score_is_clamped_to_zero():
    assert str(score_of(0, 100, special_deductions=4).score) == "0.00"


def test_five_special_deductions_fail_whatever_the_score():
    result = score_of(100, 100, special_deductions=5)
    assert str(result.score) == "95.00"
    assert result.level == "fail"
    assert "special deductions" in result.rule


def test_four_special_deductions_still_allow_a_level():
    assert score_of(100, 100, special_deductions=4).level == "star5"


TEN_STAR_LEVELS = GBT_LEVELS + (
    Level(
        "star10",
        Decimal(95),
        (Gate("customer_satisfaction", Decimal(90)), Gate("first_time_resolution", Decimal(90))),
    ),
)


def test_a_level_whose_gates_are_met_is_reached():
    scheme = one_item_scheme(levels=TEN_STAR_LEVELS)
    result = rate(
        scheme,
        sampled(96, 100),
        metrics={"customer_satisfaction": Decimal("93.5"), "first_time_resolution": 90},
    )
    assert result.level == "star10"


def test_a_missed_gate_keeps_the_level_below():
    scheme = one_item_scheme(levels=TEN_STAR_LEVELS)
    result = rate(
        scheme,
        sampled(96, 100),
        metrics={"customer_satisfaction": Decimal("89.9"), "first_time_resolution": 95},
    )
    assert result.level == "star5"
    assert [check.metric for check in result.next_level.failing_gates] == ["customer_satisfaction"]


def test_a_gate_on_a_metric_that_was_not_given_does_not_hold():
    scheme = one_item_scheme(levels=TEN_STAR_LEVELS)
    result = rate(scheme, sampled(96, 100), metrics={"customer_satisfaction": 95})
    assert result.level == "star5"


def test_fractional_points_are_exact():
    scheme = Scheme(
        code="T",
        levels=GBT_LEVELS,
        categories=(
            Category(
                "A",
                Decimal(100),
                (Indicator("A1", Decimal("100"), (Item("A1.1", Decimal("5.5")), Item("A1.2", Decimal("94.5")))),),
            ),
        ),
    )
    result = rate(scheme, {"A1.1": Mark(NONCONFORMING), "A1.2": Mark(CONFORMING)})
    assert str(result.score) == "94.50"


def test_what_is_missing_for_the_next_level_is_reported():
    result = score_of(87, 100)
    assert result.next_level.code == "star4"
    assert result.next_level.points_needed == Decimal("3.00")


def test_the_provisional_mode_leaves_unmarked_items_out_and_counts_them():
    result = rate(TWO_ITEMS, {"A1.1": Mark(CONFORMING)}, provisional=True)
    assert result.unmarked == 2
    assert str(result.score) == "100.00"


@pytest.mark.parametrize(
    ("marks", "kwargs", "message"),
    [
        ({"A1.1": Mark(CONFORMING), "A1.2": Mark(CONFORMING)}, {}, "item B1.1 has no mark"),
        ({"A1.1": Mark(CONFORMING), "A1.2": Mark(CONFORMING), "B1.1": Mark(CONFORMING), "Z9": Mark(CONFORMING)}, {}, "unknown item Z9"),
        ({"A1.1": Mark(SAMPLED, 0, 0), "A1.2": Mark(CONFORMING), "B1.1": Mark(CONFORMING)}, {}, "samples must be more than 0"),
        ({"A1.1": Mark(SAMPLED, 5, -1), "A1.2": Mark(CONFORMING), "B1.1": Mark(CONFORMING)}, {}, "conforming must be between"),
        ({"A1.1": Mark(SAMPLED, 5, 6), "A1.2": Mark(CONFORMING), "B1.1": Mark(CONFORMING)}, {}, "conforming must be between"),
        ({"A1.1": Mark(SAMPLED, 5.5, 2), "A1.2": Mark(CONFORMING), "B1.1": Mark(CONFORMING)}, {}, "samples must be a whole number"),
        ({"A1.1": Mark(CONFORMING), "A1.2": Mark(CONFORMING), "B1.1": Mark(CONFORMING)}, {"special_deductions": -1}, "must not be negative"),
        ({"A1.1": Mark(CONFORMING), "A1.2": Mark(CONFORMING), "B1.1": Mark(CONFORMING)}, {"special_bonus": 2}, "above this scheme's maximum"),
        ({"A1.1": Mark(DELETED), "A1.2": Mark(DELETED), "B1.1": Mark(DELETED)}, {}, "every item is deleted"),
    ],
)
def test_invalid_marks_are_refused_naming_the_problem(marks, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        rate(TWO_ITEMS, marks, **kwargs)


def _scheme_with(category_points=Decimal(100), indicator_points=Decimal(100), item_points=Decimal(100), levels=GBT_LEVELS):
    return Scheme(
        code="T",
        levels=levels,
        categories=(
            Category("A", category_points, (Indicator("A1", indicator_points, (Item("A1.1", item_points),)),)),
        ),
    )


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        (_scheme_with(item_points=Decimal(99)), "items of indicator A1 sum to 99"),
        (_scheme_with(indicator_points=Decimal(90), item_points=Decimal(90)), "indicators of category A sum to 90"),
        (_scheme_with(category_points=Decimal(90), indicator_points=Decimal(90), item_points=Decimal(90)), "categories sum to 90"),
        (_scheme_with(levels=(Level("compliant", Decimal(60)),)), "must start at fail_below"),
        (_scheme_with(levels=(Level("compliant", Decimal(70)), Level("star3", Decimal(65)))), "is below the level before it"),
    ],
)
def test_a_scheme_that_does_not_add_up_is_refused_naming_the_node(scheme, message):
    with pytest.raises(InvalidInput, match=message):
        rate(scheme, {"A1.1": Mark(CONFORMING)})


@given(st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**9), st.booleans())
def test_money_prints_what_round_half_up_gives(value, as_decimal):
    if as_decimal:
        value = Decimal(value.numerator) / Decimal(value.denominator)
    assert money(value) == str(round_half_up(Fraction(value)))


def test_round_half_up_rounds_exact_halves_away_from_zero():
    assert str(round_half_up(Fraction(95025, 1000))) == "95.03"
    assert str(round_half_up(Fraction(1, 3) * 100)) == "33.33"


CONTRACT_EXAMPLE = {
    "scheme": {
        "code": "EXAMPLE-10STAR",
        "levels": [
            {"code": "compliant", "min_score": 70},
            {"code": "star3", "min_score": 80},
            {"code": "star4", "min_score": 90},
            {"code": "star5", "min_score": 95},
            {"code": "star10", "min_score": 95, "gates": [{"metric": "customer_satisfaction", "min": 90}]},
        ],
        "categories": [
            {"code": "A", "max_points": 40, "indicators": [
                {"code": "A1", "max_points": 40, "items": [
                    {"code": "A1.1", "max_points": 20}, {"code": "A1.2", "max_points": 20}]}]},
            {"code": "B", "max_points": 60, "indicators": [
                {"code": "B2", "max_points": 50, "items": [{"code": "B2.1", "max_points": 50}]},
                {"code": "B6", "max_points": 10, "items": [{"code": "B6.1", "max_points": 10}]}]},
        ],
    },
    "marks": {
        "A1.1": {"result": "conforming"},
        "A1.2": {"result": "conforming"},
        "B2.1": {"result": "sampled", "samples": 20, "conforming": 19},
        "B6.1": {"result": "deleted"},
    },
    "special_deductions": 1,
    "special_bonus": 1,
    "metrics": {"customer_satisfaction": 93.5},
}


def test_the_json_contract_round_trips():
    result = rate_request(CONTRACT_EXAMPLE, scheme_from_dict(CONTRACT_EXAMPLE["scheme"]))
    output = result_to_dict(result)
    assert output["score"] == "97.22"
    assert output["level"] == "star10"
    assert output["categories"]["B"] == {"awarded": "47.50", "applicable": "50.00"}
    assert output["indicators"]["B6"] == {"awarded": "0.00", "applicable": "0.00"}
    assert output["explanation"][-1].startswith("level: ")


# --- Properties ------------------------------------------------------------

item_points = st.integers(min_value=1, max_value=20)


@st.composite
def schemes_and_marks(draw):
    """A random valid scheme (points scaled to 100) with random marks."""
    raw = draw(st.lists(item_points, min_size=2, max_size=12))
    total = sum(raw)
    # Two-decimal shares of 100, the last taking the remainder, so sums are exact.
    points = [Decimal(p * 10000 // total) / 100 for p in raw]
    points[-1] = Decimal(100) - sum(points[:-1])
    items = tuple(Item(f"I{index}", p) for index, p in enumerate(points))
    scheme = Scheme(
        code="P",
        levels=GBT_LEVELS,
        categories=(Category("A", Decimal(100), (Indicator("A1", Decimal(100), items),)),),
    )
    marks = {}
    for item in items:
        kind = draw(st.sampled_from([CONFORMING, NONCONFORMING, SAMPLED, DELETED]))
        if kind == SAMPLED:
            samples = draw(st.integers(min_value=1, max_value=30))
            marks[item.code] = Mark(SAMPLED, samples, draw(st.integers(0, samples)))
        else:
            marks[item.code] = Mark(kind)
    if all(mark.result == DELETED for mark in marks.values()):
        marks[items[0].code] = Mark(CONFORMING)
    return scheme, marks


LEVEL_ORDER = ["fail", "compliant", "star3", "star4", "star5"]


@given(schemes_and_marks(), st.integers(0, 6), st.integers(0, 1))
def test_item_contributions_add_up_to_the_base(data, deductions, bonus):
    scheme, marks = data
    result = rate(scheme, marks, special_deductions=deductions, special_bonus=bonus)
    assert sum(item.contribution for item in result.items.values()) == result.awarded / result.applicable * 100
    assert sum(item.awarded for item in result.items.values()) == result.awarded


@given(schemes_and_marks(), st.integers(0, 6), st.integers(0, 1), st.data())
def test_turning_a_nonconforming_item_conforming_never_lowers_score_or_level(data, deductions, bonus, draw):
    scheme, marks = data
    nonconforming = [code for code, mark in marks.items() if mark.result == NONCONFORMING]
    if not nonconforming:
        return
    code = draw.draw(st.sampled_from(nonconforming))
    before = rate(scheme, marks, special_deductions=deductions, special_bonus=bonus)
    after = rate(scheme, {**marks, code: Mark(CONFORMING)}, special_deductions=deductions, special_bonus=bonus)
    assert after.score >= before.score
    assert LEVEL_ORDER.index(after.level) >= LEVEL_ORDER.index(before.level)


@given(schemes_and_marks(), st.data())
def test_deleting_a_nonconforming_item_never_lowers_the_score(data, draw):
    scheme, marks = data
    nonconforming = [code for code, mark in marks.items() if mark.result == NONCONFORMING]
    if not nonconforming:
        return
    code = draw.draw(st.sampled_from(nonconforming))
    if all(mark.result == DELETED for other, mark in marks.items() if other != code):
        return  # deleting the last scored item is invalid input, not a lower score
    before = rate(scheme, marks)
    after = rate(scheme, {**marks, code: Mark(DELETED)})
    assert after.score >= before.score


@given(st.integers(0, 10000), st.integers(0, 10000))
def test_the_level_never_falls_as_the_score_rises(low, high):
    low, high = sorted((low, high))
    lower = score_of(low, 10000)
    higher = score_of(high, 10000)
    assert LEVEL_ORDER.index(higher.level) >= LEVEL_ORDER.index(lower.level)


def test_the_engine_imports_no_django():
    import ast
    from pathlib import Path

    import scoring.engine as engine

    tree = ast.parse(Path(engine.__file__).read_text())
    modules = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "django" not in modules
