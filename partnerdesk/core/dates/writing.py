"""Writing dates in a reply's language: the one place dates are formatted.

Two named styles, independent of the process locale:

- ``DateStyle.REPLY``, in every answer: "September 2, 2021" / "2021년 9월 2일";
- ``DateStyle.CITATION``, where a source page is cited: "10 Dec 2020" / "2020년 12월 10일".
"""

from __future__ import annotations

from datetime import date
from enum import Enum

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class DateStyle(str, Enum):
    """How a date is written in English (Korean has one way)."""

    REPLY = "reply"
    CITATION = "citation"


def language_code(lang: str) -> str:
    """``en`` or ``ko`` from a code with or without a region (``en-US``, ``ko_KR``).

    Raises:
        ValueError: ``lang`` is neither English nor Korean.
    """
    language = lang.replace("_", "-").split("-")[0].lower()
    if language not in ("en", "ko"):
        raise ValueError(f"unsupported language for dates: {lang!r}")
    return language


def format_date(d: date, lang: str, style: DateStyle = DateStyle.REPLY) -> str:
    """Write ``d`` in ``lang`` (``en`` or ``ko``, a region suffix is ignored) in ``style``.

    Raises:
        ValueError: ``lang`` is neither English nor Korean.
    """
    if language_code(lang) == "ko":
        return f"{d.year}년 {d.month}월 {d.day}일"
    month = _MONTHS[d.month - 1]
    if style is DateStyle.CITATION:
        return f"{d.day} {month[:3]} {d.year}"
    return f"{month} {d.day}, {d.year}"
