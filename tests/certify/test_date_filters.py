import datetime

import pytest
from django.template import engines
from django.utils import timezone

VALUES = [
    datetime.date(2026, 3, 9),
    datetime.datetime(2026, 3, 9, 17, 5, tzinfo=datetime.UTC),  # past midnight in Shanghai
    datetime.datetime(2026, 12, 31, 23, 59, 30, 250, tzinfo=datetime.UTC),
    None,
    "",
]


def render(source, value):
    return engines["django"].from_string("{% load certify_tags %}" + source).render({"value": value})


@pytest.mark.parametrize("value", VALUES)
def test_day_prints_what_the_date_filter_prints(value):
    assert render("{{ value|day }}", value) == render('{{ value|date:"Y-m-d" }}', value)


@pytest.mark.parametrize("value", VALUES[1:])
def test_minute_prints_what_the_date_filter_prints(value):
    assert render("{{ value|minute }}", value) == render('{{ value|date:"Y-m-d H:i" }}', value)


@pytest.mark.parametrize("value", VALUES[1:])
def test_iso_prints_what_the_date_filter_prints(value):
    assert render("{{ value|iso }}", value) == render("{{ value|date:'c' }}", value)


def test_day_follows_the_active_time_zone():
    value = datetime.datetime(2026, 3, 9, 17, 5, tzinfo=datetime.UTC)
    with timezone.override("Asia/Shanghai"):
        assert render("{{ value|day }}", value) == "2026-03-10"
