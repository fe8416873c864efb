"""The insights of a period: counts per outcome, rates, splits, days, and one row per conversation.

Everything here works on :class:`~partnerdesk.core.outcomes.SessionFacts`, whichever way
they were read (a full recount of the events or the kept summary), so the endpoint, the
page and the CLI give the same numbers. The shape of :func:`summarise`'s result is the
contract's ``GET /webhooks/agent/insights`` answer.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

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


class Tally(NamedTuple):
    """What the counts need of one conversation: its facts without the texts."""

    started_at: float
    language: str
    channel: str
    escalated: bool
    last_question_kind: str | None
    pending_ask_at: float | None
    answered: bool
    faqs: dict[str, tuple[int, int, int]]
    """FAQ id -> (answers given, 👍, 👎)."""
    handoffs: int
    first_replies: tuple[float, ...]


def tally(facts: SessionFacts) -> Tally:
    """The :class:`Tally` of a conversation's facts."""
    faqs = {
        faq_id: (
            facts.faq_answers.get(faq_id, 0),
            facts.helpful.get(faq_id, 0),
            facts.not_helpful.get(faq_id, 0),
        )
        for faq_id in sorted({*facts.faq_answers, *facts.helpful, *facts.not_helpful})
    }
    replies = tuple(h.first_reply_s for h in facts.handoffs if h.first_reply_s is not None)
    return Tally(
        facts.started_at,
        facts.language,
        facts.channel,
        facts.escalated,
        facts.last_question_kind,
        facts.pending_ask_at,
        facts.answered,
        faqs,
        len(facts.handoffs),
        replies,
    )


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
    tallies: Iterable[Tally], period: Period, now: float, idle_minutes: int
) -> dict[str, Any]:
    """The insights of the conversations that started in ``period``.

    Args:
        tallies: Conversations (others than the period's are left out here), see
            :func:`tally`.
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
    day_names = [day.isoformat() for day in period.days()]
    days = {name: zero_counts() for name in day_names}
    by_day = [days[name] for name in day_names]
    day_starts = period.day_starts()
    since, until = period.since_ts, period.until_ts
    by_faq: dict[str, dict[str, Any]] = {}
    helpful = not_helpful = handoffs = 0
    replies: list[float] = []
    for conversation in tallies:
        started = conversation.started_at
        if not since <= started < until:
            continue
        result = outcome(conversation, now, idle_minutes)
        counts[result] += 1
        if conversation.language not in by_language:
            by_language[conversation.language] = zero_counts()
        by_language[conversation.language][result] += 1
        if conversation.channel not in by_channel:
            by_channel[conversation.channel] = zero_counts()
        by_channel[conversation.channel][result] += 1
        by_day[max(0, bisect_right(day_starts, started) - 1)][result] += 1
        for faq_id, (answers, up, down) in conversation.faqs.items():
            entry = _faq_entry(by_faq, faq_id)
            entry["answers"] += answers
            entry["helpful"] += up
            entry["not_helpful"] += down
            helpful += up
            not_helpful += down
        handoffs += conversation.handoffs
        replies += conversation.first_replies
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
