"""The content-gap report as a readable table, or as CSV files."""

from __future__ import annotations

import csv
import datetime
import unicodedata
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from partnerdesk.report.gaps import FALLBACK, LOW_CONFIDENCE_REASON
from partnerdesk.report.summary import Report

QUESTION_WIDTH = 64
MAX_VARIANTS_SHOWN = 2
LANGUAGES = ("en", "ko")
GAP_CSV_COLUMNS = [
    "group",
    "count",
    *LANGUAGES,
    "fallback",
    "low_confidence",
    "question",
    "other_wordings",
    "first_seen",
    "last_seen",
]
RATING_CSV_COLUMNS = ["faq_id", "answers", "helpful", "not_helpful", "helpful_rate"]


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Hangul and emoji take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, columns: int) -> str:
    """``text`` on one line, cut with "…" to at most ``columns`` columns."""
    text = " ".join(text.split())
    if width(text) <= columns:
        return text
    while width(text) > columns - 1:
        text = text[:-1]
    return text + "…"


def _pad(text: str, columns: int, right: bool = False) -> str:
    gap = " " * max(0, columns - width(text))
    return gap + text if right else text + gap


def _table(header: Sequence[str], rows: List[List[str]], numeric: Sequence[int]) -> List[str]:
    widths = [max(width(row[i]) for row in [list(header), *rows]) for i in range(len(header))]
    return [
        "  ".join(_pad(cell, widths[i], i in numeric) for i, cell in enumerate(row)).rstrip()
        for row in [list(header), *rows]
    ]


def _counts(counts: Dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items())


def _day(timestamp: Optional[float]) -> str:
    if timestamp is None:
        return ""
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).date().isoformat()


def _rate(rate: Optional[float]) -> str:
    return "" if rate is None else f"{rate:.0%}"


def render_table(report: Report) -> str:
    """The report for a person: gap groups with their wordings, then helpful rates."""
    period = f"since {_day(report.since)}" if report.since is not None else "all time"
    lines = [
        f"Content gaps ({period}): {report.gaps} of {report.questions} questions fell back "
        f"or were answered with low confidence, in {len(report.groups)} groups.",
        f"By language: {_counts(report.by_language) or 'none'}",
        "",
    ]
    if report.groups:
        rows = []
        for number, group in enumerate(report.groups, 1):
            rows.append(
                [
                    str(number),
                    str(group.count),
                    _counts(group.languages),
                    _counts(group.reasons),
                    clip(group.text, QUESTION_WIDTH),
                ]
            )
            shown = group.variants[:MAX_VARIANTS_SHOWN]
            rows += [["", "", "", "", f"~ {clip(v, QUESTION_WIDTH - 2)}"] for v in shown]
            if len(group.variants) > len(shown):
                rows.append(["", "", "", "", f"~ (+{len(group.variants) - len(shown)} more)"])
        header = ["#", "count", "languages", "reasons", "question (masked; ~ similar wordings)"]
        lines += [*_table(header, rows, numeric=(0, 1)), ""]
    lines.append("Helpful rate per FAQ answer: 👍 / (👍 + 👎)")
    if report.ratings:
        rows = [
            [r.faq_id, str(r.answers), str(r.helpful), str(r.not_helpful), _rate(r.helpful_rate)]
            for r in report.ratings
        ]
        lines += _table(["faq id", "answers", "👍", "👎", "helpful"], rows, numeric=(1, 2, 3, 4))
    else:
        lines.append("no FAQ answers yet")
    return "\n".join(lines) + "\n"


def write_gaps_csv(report: Report, path: Path) -> None:
    """One row per group of near-duplicate questions, biggest first, counted by language."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(GAP_CSV_COLUMNS)
        for number, group in enumerate(report.groups, 1):
            languages, reasons = group.languages, group.reasons
            writer.writerow(
                [
                    number,
                    group.count,
                    *(languages.get(lang, 0) for lang in LANGUAGES),
                    reasons.get(FALLBACK, 0),
                    reasons.get(LOW_CONFIDENCE_REASON, 0),
                    group.text,
                    " | ".join(group.variants),
                    _day(group.first_seen),
                    _day(group.last_seen),
                ]
            )


def write_ratings_csv(report: Report, path: Path) -> None:
    """One row per FAQ answer: how often it was given and rated; the rate from 0 to 1."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(RATING_CSV_COLUMNS)
        for r in report.ratings:
            rate = "" if r.helpful_rate is None else f"{r.helpful_rate:.3f}"
            writer.writerow([r.faq_id, r.answers, r.helpful, r.not_helpful, rate])
