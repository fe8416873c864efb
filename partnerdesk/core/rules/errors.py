"""Typed errors raised by the rules package.

Messages are for developers and logs; the shell maps the error class to a reply.
"""

from __future__ import annotations

from datetime import date


class RulesInputError(ValueError):
    """Base class: an input a rule cannot be applied to."""


class InvalidInputError(RulesInputError):
    """An input has the wrong type or an invalid value (e.g. a datetime instead of a date)."""


class FutureDateError(RulesInputError):
    """A date that must be in the past (purchase, activation) is after today.

    Attributes:
        field: Name of the offending input, e.g. ``"purchase_date"``.
        value: The date given.
        today: The reference date it was compared with.
    """

    def __init__(self, field: str, value: date, today: date) -> None:
        super().__init__(f"{field} {value.isoformat()} is after today {today.isoformat()}")
        self.field = field
        self.value = value
        self.today = today


class DateParseError(RulesInputError):
    """Base class: text could not be read as a date."""


class UnparseableDateError(DateParseError):
    """The text is not a date in any accepted shape."""

    def __init__(self, text: str) -> None:
        super().__init__(f"not a recognised date: {text!r}")
        self.text = text


class ImpossibleDateError(DateParseError):
    """The text has a recognised date shape but no such day exists (30 February, month 13).

    Attributes:
        matched_text: The part of the text that looked like a date.
    """

    def __init__(self, matched_text: str) -> None:
        super().__init__(f"no such date: {matched_text!r}")
        self.matched_text = matched_text
