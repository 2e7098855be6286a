"""The Chinese working-day calendar on real dates (holidays 0.109 knows 2025
and 2026; a year's adjusted workdays are announced late in the year before)."""

from datetime import date

import holidays
import pytest

from certify import services
from certify.calendar import add_working_days, is_working_day, working_days_between

SPRING_FESTIVAL_2026 = [date(2026, 2, day) for day in range(16, 24)]


@pytest.mark.django_db
def test_sunday_2025_01_26_is_an_adjusted_working_day():
    assert date(2025, 1, 26).weekday() == 6
    assert is_working_day(date(2025, 1, 26)) is True


@pytest.mark.django_db
def test_saturday_2026_02_14_is_an_adjusted_working_day():
    assert date(2026, 2, 14).weekday() == 5
    assert is_working_day(date(2026, 2, 14)) is True


@pytest.mark.django_db
@pytest.mark.parametrize("day", SPRING_FESTIVAL_2026, ids=str)
def test_the_2026_spring_festival_days_are_not_working_days(day):
    assert is_working_day(day) is False


@pytest.mark.django_db
def test_the_calendar_agrees_with_the_holidays_package_around_the_2026_spring_festival():
    china = holidays.China(years=2026)
    days = [date(2026, 2, day) for day in range(10, 29)]

    assert [is_working_day(day) for day in days] == [china.is_working_day(day) for day in days]


@pytest.mark.django_db
def test_an_ordinary_wednesday_is_a_working_day():
    assert is_working_day(date(2026, 3, 4)) is True


@pytest.mark.django_db
def test_an_ordinary_sunday_is_not_a_working_day():
    assert is_working_day(date(2026, 3, 8)) is False


@pytest.mark.django_db
def test_an_override_makes_a_2027_weekday_a_day_off(manager):
    day = date(2027, 3, 3)
    assert is_working_day(day) is True

    services.working_day_override_set(actor=manager, date=day, is_working_day=False)

    assert is_working_day(day) is False


@pytest.mark.django_db
def test_an_override_makes_a_2027_saturday_a_working_day(manager):
    day = date(2027, 2, 20)
    assert is_working_day(day) is False

    services.working_day_override_set(actor=manager, date=day, is_working_day=True)

    assert is_working_day(day) is True


@pytest.mark.django_db
def test_removing_an_override_restores_the_packages_answer(manager):
    day = date(2027, 3, 3)
    override = services.working_day_override_set(actor=manager, date=day, is_working_day=False)

    services.working_day_override_delete(actor=manager, override_id=override.pk)

    assert is_working_day(day) is True


@pytest.mark.django_db
def test_add_working_days_skips_the_2026_spring_festival():
    # Fri 13th; Sat 14th is worked; 16th-23rd are off; 24th, 25th, 26th are worked.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 13), 4) == date(2026, 2, 26)


@pytest.mark.django_db
def test_ten_working_days_from_the_2026_spring_festival_eve():
    # From Mon 16th: 24, 25, 26, 27, 28 (a worked Saturday), Mar 2, 3, 4, 5, 6.
    assert add_working_days(date(2026, 2, 16), 10) == date(2026, 3, 6)


@pytest.mark.django_db
def test_add_working_days_counts_an_override_in_the_span(manager):
    services.working_day_override_set(actor=manager, date=date(2027, 3, 4), is_working_day=False)

    assert add_working_days(date(2027, 3, 3), 1) == date(2027, 3, 5)


@pytest.mark.django_db
def test_add_working_days_with_zero_returns_the_start():
    assert add_working_days(date(2026, 2, 16), 0) == date(2026, 2, 16)


@pytest.mark.django_db
def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 2, 16), -1)


@pytest.mark.django_db
def test_add_working_days_moves_by_one_when_a_day_in_the_span_is_made_a_day_off(manager):
    before = add_working_days(date(2027, 3, 1), 20)

    services.working_day_override_set(actor=manager, date=date(2027, 3, 10), is_working_day=False)

    assert add_working_days(date(2027, 3, 1), 20) == add_working_days(before, 1)


@pytest.mark.django_db
def test_working_days_between_counts_the_2026_spring_festival_fortnight():
    # Working days after Fri 13th up to Fri 27th: 14, 24, 25, 26, 27.
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5


@pytest.mark.django_db
def test_working_days_between_is_zero_when_the_end_is_not_later():
    assert working_days_between(date(2026, 3, 4), date(2026, 3, 4)) == 0
