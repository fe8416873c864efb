"""Pure functions of the content-gap report: turns, gaps, groups, counts and helpful rates.

They work on Rasa events as dictionaries (``Event.as_dict()``, as the tracker store keeps
them), so they can be tested without Rasa or a database.

A user message is a **gap** when:

- it **fell back**: NLU said ``nlu_fallback`` or ``out_of_scope``, or the bot replied
  with a fallback (``action_faq_fallback``, ``utter_cannot_answer``, ``utter_out_of_scope``,
  ``action_default_fallback``);
- or it was answered with **low confidence**: an FAQ answer whose response-selector
  confidence (the top of the response selector's ranking) is below
  :data:`LOW_CONFIDENCE` (0.5). Answers below the pipeline's ``answer_threshold`` (0.25,
  ``config.yml``) already fall back; 0.5 marks the answers that got through but that the
  selector was not sure of, worth a look from the FAQ owners.

Button payloads (text starting with ``/``) and messages without text are not questions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

from partnerdesk.core.privacy import mask
from partnerdesk.core.ranking import CAUGHT_INTENTS, RETRIEVAL_INTENT, faq_ranking

LOW_CONFIDENCE = 0.5
FALLBACK = "fallback"
LOW_CONFIDENCE_REASON = "low confidence"
FALLBACK_INTENTS = CAUGHT_INTENTS
FALLBACK_REPLIES = frozenset(
    {"action_faq_fallback", "utter_cannot_answer", "utter_out_of_scope", "action_default_fallback"}
)
FEEDBACK_INTENT = "feedback"
HELPFUL_VALUES = {"yes": True, "no": False}
DEFAULT_LANGUAGE = "en"
FAQ_ANSWER_PREFIX = "utter_faq/"


@dataclass
class UserTurn:
    """One user message and what the bot did after it."""

    sender_id: str
    text: str
    timestamp: float
    language: str
    intent: Optional[str] = None
    answer_confidence: Optional[float] = None
    entities: Dict[str, Any] = field(default_factory=dict)
    replies: List[str] = field(default_factory=list)

    @property
    def answered_faq(self) -> Optional[str]:
        """The id of the FAQ answer the bot gave, if it gave one."""
        for reply in self.replies:
            if reply.startswith(FAQ_ANSWER_PREFIX):
                return reply[len(FAQ_ANSWER_PREFIX) :]
        return None


@dataclass(frozen=True)
class GapMessage:
    """A question PartnerDesk could not answer well, masked."""

    text: str
    language: str
    reason: str
    timestamp: float


def _answer_confidence(parse_data: Dict[str, Any]) -> Optional[float]:
    ranking = faq_ranking(parse_data)
    return ranking[0].confidence if ranking else None


def _user_turn(sender_id: str, event: Dict[str, Any], language: str) -> UserTurn:
    parse_data = event.get("parse_data") or {}
    entities = {
        str(e.get("entity")): e.get("value")
        for e in parse_data.get("entities") or []
        if isinstance(e, dict)
    }
    return UserTurn(
        sender_id=sender_id,
        text=event.get("text") or "",
        timestamp=float(event.get("timestamp") or 0.0),
        language=entities.get("language") or language,
        intent=(parse_data.get("intent") or {}).get("name"),
        answer_confidence=_answer_confidence(parse_data),
        entities=entities,
    )


def user_turns(events: Iterable[Tuple[str, Dict[str, Any]]]) -> List[UserTurn]:
    """The user turns of ``(sender_id, event)`` pairs given in each conversation's order.

    A turn's language is the ``language`` entity of its message, else the conversation's
    ``language`` slot so far (a bare date or emoji keeps the previous language).
    """
    turns: List[UserTurn] = []
    current: Dict[str, UserTurn] = {}
    languages: Dict[str, str] = {}
    for sender_id, event in events:
        kind = event.get("event")
        if kind == "user":
            turn = _user_turn(sender_id, event, languages.get(sender_id, DEFAULT_LANGUAGE))
            current[sender_id] = turn
            turns.append(turn)
        elif kind == "slot" and event.get("name") == "language" and event.get("value"):
            languages[sender_id] = str(event["value"])
        elif kind in ("action", "bot") and sender_id in current:
            name = (
                event.get("name")
                if kind == "action"
                else ((event.get("metadata") or {}).get("utter_action"))
            )
            if name and name != "action_listen":
                current[sender_id].replies.append(name)
    return turns


def gap_reason(turn: UserTurn, threshold: float = LOW_CONFIDENCE) -> Optional[str]:
    """``"fallback"``, ``"low confidence"`` or ``None`` for an answered or non-question turn."""
    text = turn.text.strip()
    if not text or text.startswith("/"):
        return None
    if turn.intent in FALLBACK_INTENTS or FALLBACK_REPLIES.intersection(turn.replies):
        return FALLBACK
    answered = turn.intent == RETRIEVAL_INTENT or turn.answered_faq is not None
    if answered and turn.answer_confidence is not None and turn.answer_confidence < threshold:
        return LOW_CONFIDENCE_REASON
    return None


def gap_messages(turns: Iterable[UserTurn], threshold: float = LOW_CONFIDENCE) -> List[GapMessage]:
    """The gaps among ``turns``, their text masked (:func:`partnerdesk.core.privacy.mask`)."""
    gaps = []
    for turn in turns:
        reason = gap_reason(turn, threshold)
        if reason:
            gaps.append(GapMessage(mask(turn.text.strip()), turn.language, reason, turn.timestamp))
    return gaps


def count_by_language(messages: Iterable[GapMessage]) -> Dict[str, int]:
    """How many messages there are in each language, most first."""
    return dict(Counter(m.language for m in messages).most_common())


@dataclass
class FaqRating:
    """How often an FAQ answer was given and how its readers rated it."""

    faq_id: str
    answers: int = 0
    helpful: int = 0
    not_helpful: int = 0

    @property
    def votes(self) -> int:
        """👍 and 👎 clicks together."""
        return self.helpful + self.not_helpful

    @property
    def helpful_rate(self) -> Optional[float]:
        """👍 / (👍 + 👎), or ``None`` before the first vote."""
        return self.helpful / self.votes if self.votes else None


def faq_ratings(turns: Iterable[UserTurn]) -> List[FaqRating]:
    """Answers given and feedback clicks per FAQ id, least helpful first, unrated last.

    A vote is a ``feedback`` message with a ``helpful`` of ``yes``/``no`` and the
    ``feedback_faq`` it rates (what the buttons under each answer send). Feedback typed in
    words names no answer and is not counted.
    """
    ratings: Dict[str, FaqRating] = {}
    for turn in turns:
        if turn.answered_faq:
            ratings.setdefault(turn.answered_faq, FaqRating(turn.answered_faq)).answers += 1
        helpful = HELPFUL_VALUES.get(str(turn.entities.get("helpful")))
        faq_id = turn.entities.get("feedback_faq")
        if turn.intent != FEEDBACK_INTENT or helpful is None or not faq_id:
            continue
        rating = ratings.setdefault(str(faq_id), FaqRating(str(faq_id)))
        if helpful:
            rating.helpful += 1
        else:
            rating.not_helpful += 1
    return sorted(
        ratings.values(),
        key=lambda r: (r.helpful_rate is None, r.helpful_rate or 0.0, -r.votes, r.faq_id),
    )
