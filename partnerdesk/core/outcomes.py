"""One outcome per conversation, from Rasa's stored events (contracts.md, "Outcomes").

A **conversation** is one Rasa session of one sender: the events from an
``action_session_start`` up to the next one (events stored before a sender's first session
start form a session of their own). A session without any partner message is no
conversation. Each conversation gets exactly one outcome, the first that matches:

1. ``escalated``: a handoff was created in it, i.e. a ``slot`` event ``handoff_reason``
   with a value, followed by a ``pause`` event; a session that starts while a handoff is
   still open (paused, not resumed) and pauses again counts too;
2. ``unanswered``: its last partner question got a fallback reply
   (:data:`FALLBACK_REPLIES`, read from the bot event's ``utter_action``) and no FAQ or
   rule answer;
3. ``abandoned``: its last bot message asked the partner something (a form question
   ``utter_ask_*`` or the "did you mean" choice) and the partner has not answered since,
   for ``idle_minutes`` or more on the real clock;
4. ``resolved``: at least one FAQ or rule answer was given;
5. ``chit_chat``: anything else.

A partner **question** is a message the bot answered, fell back on or asked back about;
greetings, thanks and feedback clicks are none. The facts are folded from the events once
(:func:`sender_sessions`) and kept (:class:`SessionFacts`, JSON-safe); the outcome also
needs the clock and ``idle_minutes``, so it is decided when asked (:func:`outcome`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from partnerdesk.core.privacy import mask
from partnerdesk.core.rules.enums import Rule

RESOLVED, UNANSWERED, ABANDONED, ESCALATED, CHIT_CHAT = (
    "resolved",
    "unanswered",
    "abandoned",
    "escalated",
    "chit_chat",
)
OUTCOMES = (RESOLVED, UNANSWERED, ABANDONED, ESCALATED, CHIT_CHAT)
"""Every outcome, in the contract's order."""
RATED = (RESOLVED, UNANSWERED, ABANDONED, ESCALATED)
"""The outcomes the deflection rate counts (chit-chat is left out)."""

FALLBACK_REPLIES = frozenset(
    {"utter_cannot_answer", "utter_out_of_scope", "utter_default", "utter_empty_message"}
)
"""Replies that mean "PartnerDesk could not answer" (contracts.md)."""
QUESTION_REPLIES = frozenset({"utter_did_you_mean"})
"""Replies that ask the partner to choose, besides the forms' ``utter_ask_*``."""
ASK_PREFIX = "utter_ask_"
FAQ_ANSWER_PREFIX = "utter_faq/"
RULE_ANSWER_PREFIXES = tuple(f"utter_{rule.value}_" for rule in Rule)
"""A rule answer is ``utter_<rule>_<status>`` (:mod:`partnerdesk.core.rule_replies`)."""

SESSION_START_ACTION = "action_session_start"
HANDOFF_SLOT = "handoff_reason"
LANGUAGE_SLOT = "language"
FEEDBACK_INTENT = "feedback"
HELPFUL_VALUES = {"yes": True, "no": False}
DEFAULT_LANGUAGE = "en"
UNKNOWN_CHANNEL = "unknown"
MAX_KEPT_QUESTIONS = 20
"""Unanswered questions kept per conversation (for the groups), the latest ones."""

ANSWER, FALLBACK, ASK = "answer", "fallback", "ask"
_KIND_ORDER = {ANSWER: 3, FALLBACK: 2, ASK: 1}


def reply_kind(utter_action: str | None) -> str | None:
    """``answer``, ``fallback``, ``ask`` or None for a bot message's ``utter_action``."""
    if not utter_action:
        return None
    if utter_action.startswith(FAQ_ANSWER_PREFIX) or utter_action.startswith(RULE_ANSWER_PREFIXES):
        return ANSWER
    if utter_action in FALLBACK_REPLIES:
        return FALLBACK
    if utter_action in QUESTION_REPLIES or utter_action.startswith(ASK_PREFIX):
        return ASK
    return None


@dataclass
class Handoff:
    """A handoff created in a conversation: when, why, and how long until a person replied."""

    created_at: float
    reason: str | None = None
    first_reply_s: float | None = None


@dataclass
class Question:
    """A partner question PartnerDesk could not answer, masked."""

    text: str
    language: str
    at: float


@dataclass
class SessionFacts:
    """What one conversation's events say, enough to decide its outcome at any time."""

    sender_id: str
    started_at: float
    language: str = DEFAULT_LANGUAGE
    channel: str = UNKNOWN_CHANNEL
    escalated: bool = False
    handoffs: list[Handoff] = field(default_factory=list)
    last_question_kind: str | None = None
    pending_ask_at: float | None = None
    answered: bool = False
    questions: int = 0
    faq_answers: dict[str, int] = field(default_factory=dict)
    rule_answers: int = 0
    helpful: dict[str, int] = field(default_factory=dict)
    not_helpful: dict[str, int] = field(default_factory=dict)
    first_question: str | None = None
    last_question: str | None = None
    unanswered: list[Question] = field(default_factory=list)
    partner_messages: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The facts as JSON-safe data (:meth:`from_dict` reads it back)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionFacts:
        """Facts from :meth:`to_dict`'s data."""
        values = dict(data)
        values["handoffs"] = [Handoff(**h) for h in values.get("handoffs") or []]
        values["unanswered"] = [Question(**q) for q in values.get("unanswered") or []]
        return cls(**values)


class OutcomeFacts(Protocol):
    """What deciding an outcome reads (:class:`SessionFacts` and the summary's rows have it)."""

    @property
    def escalated(self) -> bool: ...  # noqa: D102

    @property
    def last_question_kind(self) -> str | None: ...  # noqa: D102

    @property
    def pending_ask_at(self) -> float | None: ...  # noqa: D102

    @property
    def answered(self) -> bool: ...  # noqa: D102


def outcome(facts: OutcomeFacts, now: float, idle_minutes: int) -> str:
    """The conversation's outcome at Unix time ``now`` (first match wins, see above)."""
    if facts.escalated:
        return ESCALATED
    if facts.last_question_kind == FALLBACK:
        return UNANSWERED
    if facts.pending_ask_at is not None and now - facts.pending_ask_at >= idle_minutes * 60:
        return ABANDONED
    if facts.answered:
        return RESOLVED
    return CHIT_CHAT


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


def _intent(event: Mapping[str, Any]) -> str | None:
    intent = (event.get("parse_data") or {}).get("intent") or {}
    name = intent.get("name") if isinstance(intent, Mapping) else None
    return str(name) if name else None


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
    if _intent(event) == FEEDBACK_INTENT and helpful is not None and faq_id:
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
