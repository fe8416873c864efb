"""Date arithmetic shared by the rules: anniversaries, windows and day counts."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from partnerdesk.core.rules.errors import FutureDateError

WINDOW_DAYS = 30
"""Length of the renewal window and of the other 30-day periods in the FAQ."""


def anniversary(start: date, years: int) -> date:
    """The ``years``-th anniversary of ``start``.

    Uses ``relativedelta``, so the anniversary of 29 February is 28 February in non-leap
    years, and always counted from ``start`` (2020-02-29 + 4 years is 2024-02-29).
    """
    return start + relativedelta(years=years)


def window_after(day: date) -> tuple[date, date]:
    """The 30-day period after ``day``: ``day`` + 1 to ``day`` + 30, both inclusive."""
    return day + timedelta(days=1), day + timedelta(days=WINDOW_DAYS)


def days_until(opens: date, today: date) -> int:
    """Days until ``opens``: ``opens`` − ``today`` (1 when it opens tomorrow)."""
    return (opens - today).days


def days_left(last_day: date, today: date) -> int:
    """Days left counting both ``today`` and ``last_day`` (1 on the last day)."""
    return (last_day - today).days + 1


def ensure_not_future(field: str, value: date, today: date) -> None:
    """Raise :class:`FutureDateError` when ``value`` is after ``today``."""
    if value > today:
        raise FutureDateError(field, value, today)
