"""Writing dates in the reply's language; the one place dates are formatted."""

from __future__ import annotations

from datetime import date

_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(d: date, lang: str) -> str:
    """Format ``d`` for a reply: "September 2, 2021" in English, "2021년 9월 2일" in Korean.

    Independent of the process locale.

    Args:
        d: The date.
        lang: ``en`` or ``ko``; a region suffix (``en-US``, ``ko_KR``) is ignored.

    Raises:
        ValueError: ``lang`` is neither English nor Korean.
    """
    language = lang.replace("_", "-").split("-")[0].lower()
    if language == "en":
        return f"{_ENGLISH_MONTHS[d.month - 1]} {d.day}, {d.year}"
    if language == "ko":
        return f"{d.year}년 {d.month}월 {d.day}일"
    raise ValueError(f"unsupported language for dates: {lang!r}")
