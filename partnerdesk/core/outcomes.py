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

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

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
