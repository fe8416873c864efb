"""The whole content-gap report, built from stored events by pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from partnerdesk.report.gaps import (
    LOW_CONFIDENCE,
    FaqRating,
    count_by_language,
    faq_ratings,
    gap_messages,
    user_turns,
)
from partnerdesk.report.grouping import SIMILARITY, GapGroup, group_near_duplicates


@dataclass
class Report:
    """What the FAQ owners read: the gaps, grouped and counted, and the answers' ratings."""

    questions: int
    gaps: int
    by_language: Dict[str, int]
    groups: List[GapGroup]
    ratings: List[FaqRating]
    since: Optional[float] = None


def build_report(
    events: Iterable[Tuple[str, Dict[str, Any]]],
    threshold: float = LOW_CONFIDENCE,
    similarity: float = SIMILARITY,
    since: Optional[float] = None,
) -> Report:
    """The report of ``(sender_id, event)`` pairs given in each conversation's order.

    Args:
        events: Stored events, conversation by conversation.
        threshold: FAQ answers below this confidence count as low-confidence gaps.
        similarity: Cosine similarity at which two messages are near-duplicates.
        since: The Unix time the events start from, shown in the report (``None``: all).
    """
    turns = user_turns(events)
    questions = sum(1 for t in turns if t.text.strip() and not t.text.strip().startswith("/"))
    gaps = gap_messages(turns, threshold)
    return Report(
        questions=questions,
        gaps=len(gaps),
        by_language=count_by_language(gaps),
        groups=group_near_duplicates(gaps, similarity),
        ratings=faq_ratings(turns),
        since=since,
    )
