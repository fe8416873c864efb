"""Reading dates from English and Korean text, with explicit regular expressions.

Accepted shapes (month names and abbreviations are case-insensitive, ``Sept.`` allowed):

- month first: ``September 1, 2020``, ``Sept 1 2020``, ``Sep 1st 2020``, ``September 1``;
- day first: ``1 Sept 2020``, ``1st of September 2020``, ``1 Sept``;
- year first: ``2020 September 1``, ``2020-09-01``, ``2020/09/01``, ``2020.09.01``,
  ``2020. 9. 1.``;
- Korean: ``2020년 9월 1일`` (spaces optional), ``9월 1일``;
- US slashes: ``9/1/2020`` is month first; when the first number is over 12 the date is read
  day first (``13/9/2020`` is 13 September). Never ambiguous, never asked.

Decisions:

- A two-digit year means 20YY (``9/1/20`` is 2020), whatever today is; the programme's
  dates are all in this century, and a future result is the caller's to reject.
- A date without a year is the most recent such date that is not after ``today``
  (``February 29`` goes back to the latest leap year).
- A recognised shape with values that name no day (30 February, 31 April, month 13)
  raises :class:`ImpossibleDateError`; nothing rolls over or is guessed.
- Relative dates ("next tuesday", "yesterday") are not read.
- Whether a date is in the future is checked by the callers, not here.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from pydantic import BaseModel

from partnerdesk.core.rules.errors import ImpossibleDateError, UnparseableDateError

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAME = (
    r"(?<![a-z])(?P<month_name>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?"
    r"|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
    r"(?![a-z])\.?"
)
_DAY = r"(?<!\d)(?P<day>\d{1,2})(?!\d)(?:st|nd|rd|th)?"
_YEAR4 = r"(?<!\d)(?P<year>\d{4})(?!\d)"
_OPTIONAL_YEAR = r"(?:\s*,?\s*" + _YEAR4 + r")?"

_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        _MONTH_NAME + r"\s*" + _DAY + _OPTIONAL_YEAR,
        _DAY + r"\s*(?:of\s+)?" + _MONTH_NAME + _OPTIONAL_YEAR,
        _YEAR4 + r"\s+" + _MONTH_NAME + r"\s*" + _DAY,
        _YEAR4 + r"\s*(?P<sep>[-./])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})(?!\d)\.?",
        r"(?:(?<!\d)(?P<year>\d{4}|\d{2})\s*년\s*)?"
        r"(?<!\d)(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})(?!\d)(?:\s*일)?",
        r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4}|\d{2})(?![\d/])",
    )
)
_SURROUNDING = re.compile(r"[\s.,!?;:'\"()\[\]]*")


class ParsedDate(BaseModel):
    """A date read from text.

    Attributes:
        value: The date.
        matched_text: The part of the text that was read.
        had_year: Whether the text named the year (False: resolved against today).
    """

    value: date
    matched_text: str
    had_year: bool

    class Config:
        allow_mutation = False


class _Match(NamedTuple):
    """A date-shaped part of the text, not yet checked."""

    start: int
    end: int
    text: str
    year: int | None
    month: int
    day: int


def find_date(text: str, today: date) -> ParsedDate | None:
    """The first date inside ``text``, or None when no part of it looks like a date.

    Args:
        text: A message, e.g. "we bought the Action Pack on 1 Sept 2020, when can we renew?".
        today: Resolves dates given without a year.

    Raises:
        ImpossibleDateError: The first date-shaped part names no real day.
    """
    found = _first_match(text)
    return None if found is None else _resolve(found, today)


def parse_date(text: str, today: date) -> ParsedDate:
    """Read ``text`` as one date (surrounding spaces and punctuation allowed).

    Args:
        text: The whole message, e.g. "2020년 9월 1일" or "Sept 1 2020".
        today: Resolves dates given without a year.

    Raises:
        UnparseableDateError: ``text`` is not a single date in an accepted shape.
        ImpossibleDateError: ``text`` has a date shape that names no real day.
    """
    found = _first_match(text)
    if (
        found is None
        or not _SURROUNDING.fullmatch(text[: found.start])
        or not _SURROUNDING.fullmatch(text[found.end :])
    ):
        raise UnparseableDateError(text)
    return _resolve(found, today)


def _first_match(text: str) -> _Match | None:
    """The leftmost date-shaped part of ``text`` (the longest one when several start there)."""
    candidates = [match for pattern in _PATTERNS for match in pattern.finditer(text)]
    if not candidates:
        return None
    best = min(candidates, key=lambda match: (match.start(), -match.end()))
    return _Match(best.start(), best.end(), best.group(0), *_fields(best.groupdict()))


def _fields(matched: dict[str, str | None]) -> tuple[int | None, int, int]:
    """Year (None when absent), month and day from a pattern's named groups."""
    groups = {name: value for name, value in matched.items() if value is not None}
    year = _full_year(groups["year"]) if "year" in groups else None
    if "month_name" in groups:
        return year, _MONTHS.index(groups["month_name"][:3].lower()) + 1, int(groups["day"])
    if "first" in groups:
        first, second = int(groups["first"]), int(groups["second"])
        return (year, second, first) if first > 12 else (year, first, second)
    return year, int(groups["month"]), int(groups["day"])


def _full_year(digits: str) -> int:
    """Four-digit years as given; two-digit years in this century (20 → 2020)."""
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def _resolve(found: _Match, today: date) -> ParsedDate:
    """Turn a date-shaped match into a real date, or raise :class:`ImpossibleDateError`."""
    text = found.text.strip()
    if found.year is not None:
        value = _real_date(found.year, found.month, found.day)
        if value is None:
            raise ImpossibleDateError(text)
        return ParsedDate(value=value, matched_text=text, had_year=True)
    if _real_date(2000, found.month, found.day) is None:  # 2000 is a leap year
        raise ImpossibleDateError(text)
    year = today.year
    while (value := _real_date(year, found.month, found.day)) is None or value > today:
        year -= 1
    return ParsedDate(value=value, matched_text=text, had_year=False)


def _real_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when those numbers name no day."""
    try:
        return date(year, month, day)
    except ValueError:
        return None
