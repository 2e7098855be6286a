"""Chinese working days: public holidays and adjusted workdays.

The `holidays` package knows a year only once the State Council has
announced it (late in the year before); managers enter overrides for days it
does not know yet, and an override always wins.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

from certify.models import WorkingDayOverride


@lru_cache(maxsize=32)
def _china_calendar(year):
    return holidays.China(years=year)


def _overrides_between(start, end):
    return dict(
        WorkingDayOverride.objects.filter(date__range=(start, end)).values_list(
            "date", "is_working_day"
        )
    )


def _is_working_day(day, overrides):
    if day in overrides:
        return overrides[day]
    return _china_calendar(day.year).is_working_day(day)


def is_working_day(day: date) -> bool:
    return _is_working_day(day, _overrides_between(day, day))


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (start itself not counted).

    A deadline of N working days from a request made on D is this date.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    # Long holidays (Spring Festival, National Day) add at most ~10 days per
    # month of span; read the overrides for a generous window in one query.
    window_end = start + timedelta(days=count * 2 + 40)
    overrides = _overrides_between(start, window_end)
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if day > window_end:
            overrides.update(_overrides_between(day, day + timedelta(days=366)))
            window_end = day + timedelta(days=366)
        if _is_working_day(day, overrides):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    overrides = _overrides_between(start, end)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if _is_working_day(start + timedelta(days=offset), overrides)
    )
