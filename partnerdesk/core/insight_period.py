"""The insights' period and idle time, read from what a client sends (contracts.md).

- ``since`` and ``until`` are ISO 8601 dates or times; a date alone, or a time without a
  zone, is read in ``PARTNERDESK_TZ`` (default ``Asia/Seoul``). A conversation is in the
  period when ``since <= its start < until``.
- Without either, the period is the last 30 days: the 30 calendar days up to and
  including today in ``PARTNERDESK_TZ``. With ``since`` alone it runs to the end of today;
  with ``until`` alone it starts 30 days before ``until``.
- ``idle_minutes`` is a whole number from 0 to 10080 (a week); default 30.

Anything else raises :class:`PeriodError` with a message for the person who sent it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DEFAULT_DAYS = 30
MAX_DAYS = 3660
"""The longest period asked for at once: ten years."""
DEFAULT_IDLE_MINUTES = 30
MAX_IDLE_MINUTES = 10_080
MAX_VALUE_LENGTH = 64
_DIGITS = re.compile(r"[0-9]{1,6}")
_EXAMPLE = "e.g. 2021-08-01 or 2021-08-01T09:30:00+09:00"


class PeriodError(ValueError):
    """A ``since``, ``until`` or ``idle_minutes`` that cannot be used; says why."""


@dataclass(frozen=True)
class Period:
    """``since <= start < until``, both aware, and the zone whose dates the days use."""

    since: datetime
    until: datetime
    zone: ZoneInfo

    @property
    def since_ts(self) -> float:
        """``since`` as Unix time."""
        return self.since.timestamp()

    @property
    def until_ts(self) -> float:
        """``until`` as Unix time."""
        return self.until.timestamp()

    def contains(self, timestamp: float) -> bool:
        """Whether a conversation that started at ``timestamp`` is in the period."""
        return self.since_ts <= timestamp < self.until_ts

    def days(self) -> list[date]:
        """Every date the period touches, in its zone, oldest first."""
        first = self.since.astimezone(self.zone).date()
        last = (self.until - timedelta(microseconds=1)).astimezone(self.zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def day_starts(self) -> list[float]:
        """The Unix time each of :meth:`days` starts at, in the period's zone.

        ``bisect_right(day_starts, t) - 1`` is the index of the day of a time ``t`` in the
        period (its date in the period's zone), without a time-zone conversion per call.
        """
        return [_midnight(day, self.zone).timestamp() for day in self.days()]


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _instant(name: str, value: str, zone: ZoneInfo) -> datetime:
    text = value.strip()
    if not text or len(text) > MAX_VALUE_LENGTH:
        raise PeriodError(f'"{name}" must be an ISO 8601 date or time, {_EXAMPLE}.')
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        moment.astimezone(timezone.utc)  # a time next to year 1 or 9999 may not exist
        moment.astimezone(zone)  # in UTC or in the local zone
    except (ValueError, OverflowError) as error:
        raise PeriodError(
            f'"{name}": {text[:MAX_VALUE_LENGTH]!r} is not an ISO 8601 date or time, {_EXAMPLE}.'
        ) from error
    return moment


def parse_period(since: str | None, until: str | None, now: datetime, zone: ZoneInfo) -> Period:
    """The period a client asked for (see the module's description).

    Args:
        since: The ``since`` parameter as sent, or None.
        until: The ``until`` parameter as sent, or None.
        now: The current time, aware.
        zone: The zone for dates and zone-less times (:func:`local_zone`).

    Raises:
        PeriodError: A value is not ISO 8601, ``since`` is not before ``until``, or the
            period is longer than :data:`MAX_DAYS` days.
    """
    end_of_today = _midnight(now.astimezone(zone).date() + timedelta(days=1), zone)
    start = _instant("since", since, zone) if since is not None else None
    end = _instant("until", until, zone) if until is not None else None
    if end is None:
        end = end_of_today
    if start is None:
        if until is None:
            start = _midnight(end_of_today.date() - timedelta(days=DEFAULT_DAYS), zone)
        else:
            try:
                start = end - timedelta(days=DEFAULT_DAYS)
                start.astimezone(timezone.utc)
            except OverflowError as error:
                raise PeriodError(f'"until" is too early: {until[:MAX_VALUE_LENGTH]!r}.') from error
    if start >= end:
        raise PeriodError(
            f'"since" ({start.isoformat()}) must be before "until" ({end.isoformat()}).'
        )
    if end - start > timedelta(days=MAX_DAYS):
        raise PeriodError(f"The period may be at most {MAX_DAYS} days (ten years) long.")
    return Period(start, end, zone)


def parse_idle_minutes(value: str | None) -> int:
    """``idle_minutes`` as sent (None: the default 30).

    Raises:
        PeriodError: Not a whole number from 0 to 10080.
    """
    if value is None:
        return DEFAULT_IDLE_MINUTES
    if not _DIGITS.fullmatch(value) or int(value) > MAX_IDLE_MINUTES:
        raise PeriodError(
            f'"idle_minutes" must be a whole number from 0 to {MAX_IDLE_MINUTES}, '
            f"not {value[:MAX_VALUE_LENGTH]!r}."
        )
    return int(value)
