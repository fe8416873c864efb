"""Folding one sender's stored events into the facts of each conversation.

The outcome of each conversation is decided from these facts
(:func:`partnerdesk.core.outcomes.outcome`); the definitions are in that module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from partnerdesk.core.outcomes import (
    _KIND_ORDER,
    ANSWER,
    ASK,
    DEFAULT_LANGUAGE,
    FALLBACK,
    FAQ_ANSWER_PREFIX,
    FEEDBACK_INTENT,
    HANDOFF_SLOT,
    HELPFUL_VALUES,
    LANGUAGE_SLOT,
    MAX_KEPT_QUESTIONS,
    SESSION_START_ACTION,
    UNKNOWN_CHANNEL,
    Handoff,
    Question,
    SessionFacts,
    reply_kind,
)
from partnerdesk.core.privacy import mask
from partnerdesk.core.ranking import intent_name


def split_sessions(events: Iterable[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """One sender's events, in stored order, cut before each ``action_session_start``."""
    sessions: list[list[Mapping[str, Any]]] = []
    for event in events:
        starts = event.get("event") == "action" and event.get("name") == SESSION_START_ACTION
        if starts or not sessions:
            sessions.append([])
        sessions[-1].append(event)
    return sessions


def _entities(event: Mapping[str, Any]) -> dict[str, Any]:
    parse_data = event.get("parse_data") or {}
    found: dict[str, Any] = {}
    for entity in parse_data.get("entities") or []:
        if isinstance(entity, Mapping) and entity.get("entity") and entity.get("value"):
            found.setdefault(str(entity["entity"]), entity["value"])
    return found


def _timestamp(event: Mapping[str, Any]) -> float:
    try:
        return float(event.get("timestamp") or 0.0)
    except (TypeError, ValueError):
        return 0.0


@dataclass
class _Fold:
    """The running state across one sender's sessions."""

    language: str = DEFAULT_LANGUAGE
    open_handoff: Handoff | None = None
    reason: str | None = None
    turn_kind: str | None = None
    turn_text: str | None = None
    turn_language: str = DEFAULT_LANGUAGE
    turn_at: float = 0.0


def sender_sessions(sender_id: str, events: Iterable[Mapping[str, Any]]) -> list[SessionFacts]:
    """The facts of each conversation of one sender.

    Args:
        sender_id: The sender (Rasa's conversation id).
        events: All of that sender's stored events as dictionaries (``Event.as_dict()``
            or a subset with the same keys), in stored order. Handoffs are followed
            across sessions: an agent's first reply may come in a later session.

    Returns:
        One :class:`SessionFacts` per session with at least one partner message.
    """
    fold = _Fold()
    found: list[SessionFacts] = []
    for session in split_sessions(events):
        facts = SessionFacts(sender_id, _timestamp(session[0]), language=fold.language)
        fold.reason = None
        fold.turn_kind = None
        for event in session:
            _apply(facts, fold, event)
        _close_turn(facts, fold)
        if facts.partner_messages:
            found.append(facts)
    return found


def _apply(facts: SessionFacts, fold: _Fold, event: Mapping[str, Any]) -> None:
    kind = event.get("event")
    at = _timestamp(event)
    if kind == "user":
        _close_turn(facts, fold)
        _user(facts, fold, event, at)
    elif kind == "bot":
        _bot(facts, fold, event, at)
    elif kind == "slot":
        value = event.get("value")
        if event.get("name") == LANGUAGE_SLOT and isinstance(value, str) and value:
            fold.language = value
        elif event.get("name") == HANDOFF_SLOT and value is not None:
            fold.reason = str(value)
    elif kind == "pause":
        _pause(facts, fold, at)
    elif kind == "resume":
        fold.open_handoff = None


def _user(facts: SessionFacts, fold: _Fold, event: Mapping[str, Any], at: float) -> None:
    entities = _entities(event)
    language = entities.get(LANGUAGE_SLOT)
    fold.turn_language = str(language) if isinstance(language, str) else fold.language
    if not facts.partner_messages:
        facts.language = fold.turn_language
        channel = event.get("input_channel")
        facts.channel = str(channel) if channel else UNKNOWN_CHANNEL
    facts.partner_messages += 1
    facts.pending_ask_at = None
    text = str(event.get("text") or "").strip()
    fold.turn_text = text if text and not text.startswith("/") else None
    fold.turn_kind = None
    fold.turn_at = at
    helpful = HELPFUL_VALUES.get(str(entities.get("helpful")))
    faq_id = entities.get("feedback_faq")
    if (
        intent_name(event.get("parse_data") or {}) == FEEDBACK_INTENT
        and helpful is not None
        and faq_id
    ):
        votes = facts.helpful if helpful else facts.not_helpful
        votes[str(faq_id)] = votes.get(str(faq_id), 0) + 1


def _bot(facts: SessionFacts, fold: _Fold, event: Mapping[str, Any], at: float) -> None:
    metadata = event.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        metadata = {}
    if metadata.get("agent"):
        handoff = fold.open_handoff
        if handoff is not None and handoff.first_reply_s is None:
            handoff.first_reply_s = round(max(0.0, at - handoff.created_at), 3)
        facts.pending_ask_at = None
        return
    utter_action = metadata.get("utter_action")
    kind = reply_kind(str(utter_action) if utter_action else None)
    facts.pending_ask_at = at if kind == ASK else None
    if kind is None:
        return
    if kind == ANSWER:
        facts.answered = True
        if str(utter_action).startswith(FAQ_ANSWER_PREFIX):
            faq_id = str(utter_action)[len(FAQ_ANSWER_PREFIX) :]
            facts.faq_answers[faq_id] = facts.faq_answers.get(faq_id, 0) + 1
        else:
            facts.rule_answers += 1
    if fold.turn_kind is None or _KIND_ORDER[kind] > _KIND_ORDER[fold.turn_kind]:
        fold.turn_kind = kind


def _pause(facts: SessionFacts, fold: _Fold, at: float) -> None:
    if fold.open_handoff is not None:  # a session started during an open handoff
        facts.escalated = True
        return
    if fold.reason is None:
        return
    facts.escalated = True
    fold.open_handoff = Handoff(created_at=at, reason=fold.reason)
    facts.handoffs.append(fold.open_handoff)


def _close_turn(facts: SessionFacts, fold: _Fold) -> None:
    """Record the partner's last message as a question if the bot answered, fell back or asked."""
    if fold.turn_kind is None:
        return
    facts.questions += 1
    facts.last_question_kind = fold.turn_kind
    if fold.turn_text is not None:
        masked = mask(fold.turn_text)
        if facts.first_question is None:
            facts.first_question = masked
        facts.last_question = masked
        if fold.turn_kind == FALLBACK:
            facts.unanswered.append(Question(masked, fold.turn_language, fold.turn_at))
            del facts.unanswered[:-MAX_KEPT_QUESTIONS]
    fold.turn_kind = None
