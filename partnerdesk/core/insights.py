"""The insights of a period: counts per outcome, rates, splits, days, and one row per conversation.

Everything here works on :class:`~partnerdesk.core.outcomes.SessionFacts`, whichever way
they were read (a full recount of the events or the kept summary), so the endpoint, the
page and the CLI give the same numbers. The shape of :func:`summarise`'s result is the
contract's ``GET /webhooks/agent/insights`` answer.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from partnerdesk.core.insight_period import Period
from partnerdesk.core.outcomes import (
    OUTCOMES,
    RATED,
    RESOLVED,
    SessionFacts,
    outcome,
)

LANGUAGES = ("en", "ko")
"""Always listed under ``by_language``, with zeros if need be."""
CHANNELS = ("rest", "socketio", "slack")
"""Always listed under ``by_channel``; others appear when seen."""


def zero_counts() -> dict[str, int]:
    """``{outcome: 0}`` for every outcome."""
    return {name: 0 for name in OUTCOMES}


def deflection_rate(counts: dict[str, int]) -> float | None:
    """The share resolved of all but chit-chat; None when there are none."""
    rated = sum(counts[name] for name in RATED)
    return counts[RESOLVED] / rated if rated else None


def _faq_entry(by_faq: dict[str, dict[str, Any]], faq_id: str) -> dict[str, Any]:
    return by_faq.setdefault(
        faq_id, {"faq_id": faq_id, "answers": 0, "helpful": 0, "not_helpful": 0}
    )


def _least_helpful_first(entry: dict[str, Any]) -> tuple[bool, float, int, str]:
    votes = entry["helpful"] + entry["not_helpful"]
    rate = entry["helpful"] / votes if votes else 0.0
    return (votes == 0, rate, -entry["answers"], entry["faq_id"])


def summarise(
    facts: Iterable[SessionFacts], period: Period, now: float, idle_minutes: int
) -> dict[str, Any]:
    """The insights of the conversations that started in ``period``.

    Args:
        facts: Conversations (others than the period's are left out here).
        period: The period.
        now: Unix time on the real clock (for ``abandoned``).
        idle_minutes: Minutes without an answer after which a question is abandoned.

    Returns:
        ``conversations`` (counts per outcome), ``deflection_rate``, ``csat``,
        ``by_language``, ``by_channel``, ``by_faq`` (least helpful first, unrated last),
        ``handoffs`` (``count``, ``median_first_reply_s``), ``days`` (every date of the
        period, by start date in the period's zone) and ``period``.
    """
    counts = zero_counts()
    by_language = {language: zero_counts() for language in LANGUAGES}
    by_channel = {channel: zero_counts() for channel in CHANNELS}
    days = {day.isoformat(): zero_counts() for day in period.days()}
    by_faq: dict[str, dict[str, Any]] = {}
    helpful = not_helpful = handoffs = 0
    replies: list[float] = []
    for conversation in facts:
        if not period.contains(conversation.started_at):
            continue
        result = outcome(conversation, now, idle_minutes)
        counts[result] += 1
        by_language.setdefault(conversation.language, zero_counts())[result] += 1
        by_channel.setdefault(conversation.channel, zero_counts())[result] += 1
        days[period.day_of(conversation.started_at).isoformat()][result] += 1
        for faq_id, number in conversation.faq_answers.items():
            _faq_entry(by_faq, faq_id)["answers"] += number
        for faq_id, number in conversation.helpful.items():
            _faq_entry(by_faq, faq_id)["helpful"] += number
            helpful += number
        for faq_id, number in conversation.not_helpful.items():
            _faq_entry(by_faq, faq_id)["not_helpful"] += number
            not_helpful += number
        handoffs += len(conversation.handoffs)
        replies += [h.first_reply_s for h in conversation.handoffs if h.first_reply_s is not None]
    votes = helpful + not_helpful
    return {
        "conversations": counts,
        "deflection_rate": deflection_rate(counts),
        "csat": helpful / votes if votes else None,
        "by_language": by_language,
        "by_channel": by_channel,
        "by_faq": sorted(by_faq.values(), key=_least_helpful_first),
        "handoffs": {
            "count": handoffs,
            "median_first_reply_s": statistics.median(replies) if replies else None,
        },
        "days": [{"date": day, **day_counts} for day, day_counts in days.items()],
        "period": {
            "since": period.since.isoformat(),
            "until": period.until.isoformat(),
            "time_zone": period.zone.key,
            "idle_minutes": idle_minutes,
        },
    }


CONVERSATION_FIELDS = (
    "conversation_id",
    "started_at",
    "language",
    "channel",
    "outcome",
    "questions",
    "faq_answers",
    "rule_answers",
    "helpful",
    "not_helpful",
    "handoff_reason",
    "first_reply_s",
    "first_question",
    "last_question",
)
"""The columns of the per-conversation export, in order."""


def conversation_row(
    facts: SessionFacts, period: Period, now: float, idle_minutes: int
) -> dict[str, Any]:
    """One conversation for the export; its texts are already masked in the facts."""
    handoff = facts.handoffs[0] if facts.handoffs else None
    return {
        "conversation_id": facts.sender_id,
        "started_at": datetime.fromtimestamp(facts.started_at, period.zone).isoformat(),
        "language": facts.language,
        "channel": facts.channel,
        "outcome": outcome(facts, now, idle_minutes),
        "questions": facts.questions,
        "faq_answers": dict(sorted(facts.faq_answers.items())),
        "rule_answers": facts.rule_answers,
        "helpful": sum(facts.helpful.values()),
        "not_helpful": sum(facts.not_helpful.values()),
        "handoff_reason": handoff.reason if handoff else None,
        "first_reply_s": handoff.first_reply_s if handoff else None,
        "first_question": facts.first_question,
        "last_question": facts.last_question,
    }
