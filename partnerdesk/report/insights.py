"""The insights of a period from a tracker store: one place for the endpoint, the page and the CLI.

Each call brings the summary up to date (:mod:`partnerdesk.stores.insights_summary`),
reads the facts of the period's conversations and hands them to the pure functions of
:mod:`partnerdesk.core.insights`. ``recount=True`` reads the events alone instead, the
way to check the summary. The calls block: the Rasa server runs them in an executor.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Sequence
from typing import Any, Dict, List, Optional

from sqlalchemy.engine import Engine

from partnerdesk.core.insight_period import Period
from partnerdesk.core.insights import CONVERSATION_FIELDS, conversation_row, summarise, tally
from partnerdesk.core.outcomes import SessionFacts
from partnerdesk.report.gaps import GapMessage
from partnerdesk.report.grouping import group_near_duplicates
from partnerdesk.stores import insights_reads, insights_summary

MAX_GROUPED = 2000
"""The unanswered questions grouped at most (the latest): grouping grows with their square."""
MAX_WORDINGS_SHOWN = 5
EXPORT_FORMATS = ("csv", "json")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def period_facts(engine: Engine, period: Period, recount: bool = False) -> List[SessionFacts]:
    """The facts of the conversations that started in ``period``, oldest first."""
    if recount:
        facts = insights_reads.recount(engine, period.since_ts, period.until_ts)
    else:
        insights_summary.refresh(engine)
        facts = insights_reads.read_facts(engine, period.since_ts, period.until_ts)
    return sorted(facts, key=lambda f: (f.started_at, f.sender_id))


def insights(
    engine: Engine,
    period: Period,
    idle_minutes: int,
    now: Optional[float] = None,
    recount: bool = False,
) -> Dict[str, Any]:
    """The contract's insights answer for ``period`` (``now``: the real clock).

    ``recount`` counts from the events alone, without the summary (for checks).
    """
    clock = time.time() if now is None else now
    if recount:
        tallies = [tally(f) for f in period_facts(engine, period, recount=True)]
    else:
        insights_summary.refresh(engine)
        tallies = insights_reads.read_tallies(engine, period.since_ts, period.until_ts)
    return summarise(tallies, period, clock, idle_minutes)


def conversations(
    engine: Engine, period: Period, idle_minutes: int, now: Optional[float] = None
) -> List[Dict[str, Any]]:
    """One row per conversation of ``period`` (:data:`CONVERSATION_FIELDS`), texts masked."""
    clock = time.time() if now is None else now
    return [conversation_row(f, period, clock, idle_minutes) for f in period_facts(engine, period)]


def unanswered_groups(engine: Engine, period: Period) -> Dict[str, Any]:
    """The period's unanswered questions (masked), grouped by what they ask.

    Returns:
        ``questions`` (how many there are), ``grouped`` (how many were grouped: the latest
        :data:`MAX_GROUPED`) and ``groups``, biggest first: ``question`` (the most frequent
        wording), ``count``, ``languages`` and up to :data:`MAX_WORDINGS_SHOWN` other
        ``wordings``.
    """
    insights_summary.refresh(engine)
    questions = [
        GapMessage(q.text, q.language, "fallback", q.at)
        for q in insights_reads.read_unanswered(engine, period.since_ts, period.until_ts)
    ]
    latest = sorted(questions, key=lambda q: q.timestamp)[-MAX_GROUPED:]
    groups = group_near_duplicates(latest)
    return {
        "questions": len(questions),
        "grouped": len(latest),
        "groups": [
            {
                "question": group.text,
                "count": group.count,
                "languages": group.languages,
                "wordings": group.variants[:MAX_WORDINGS_SHOWN],
            }
            for group in groups
        ],
    }


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return " ".join(f"{key}:{count}" for key, count in value.items())
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # a spreadsheet would run it as a formula (CSV injection)
    return "" if value is None else value


def export(rows: Sequence[Dict[str, Any]], kind: str) -> str:
    """The rows as CSV (one line per conversation, ``faq_answers`` as ``id:count``) or JSON."""
    if kind == "json":
        return json.dumps({"conversations": list(rows)}, ensure_ascii=False, indent=1) + "\n"
    if kind != "csv":
        raise ValueError(f"export format must be one of {EXPORT_FORMATS}, not {kind!r}")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CONVERSATION_FIELDS)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in CONVERSATION_FIELDS])
    return buffer.getvalue()
