"""Reading the response selector's FAQ ranking, and the tests every reader shares.

A parse result (``/model/parse``, ``tracker.latest_message``, a stored user event's
``parse_data``) carries the ranked FAQ answers under ``response_selector.faq.ranking``
as ``{"intent_response_key": "faq/<id>", "confidence": …}``. The NLU's answer-level
fallback, the chat's "did you mean" buttons, the reply assistant, the reports and the
held-out evaluation all read it here, and decide "can we answer?" with
:class:`AnswerThresholds`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RETRIEVAL_INTENT = "faq"
"""The retrieval intent whose answers are the FAQ (``faq/<id>``)."""
FALLBACK_INTENT = "nlu_fallback"
CAUGHT_INTENTS = frozenset({FALLBACK_INTENT, "out_of_scope"})
"""Intents that mean "PartnerDesk cannot answer this"."""

MAX_SUGGESTIONS = 3
"""At most this many "did you mean" buttons."""
MIN_CANDIDATE_CONFIDENCE = 0.1
"""A "did you mean" candidate needs at least this confidence ..."""
MIN_COMBINED_CONFIDENCE = 0.5
"""... and the candidates together this much, or it is a guess."""


@dataclass(frozen=True)
class RankedAnswer:
    """One FAQ answer of the ranking."""

    faq_id: str
    confidence: float


def answer_key(faq_id: str) -> str:
    """The response selector's key of an FAQ: ``faq/<id>``."""
    return f"{RETRIEVAL_INTENT}/{faq_id}"


def faq_id_of(key: str) -> str:
    """The FAQ id of a key ``faq/<id>`` (a bare id is returned as it is)."""
    return key.split("/", 1)[-1]


def ranking_entries(parse_data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The raw ranking entries (``intent_response_key``, ``confidence``), as stored.

    Rasa's own ``ResponseSelector`` without a retrieval intent files them under
    ``default``; that is read too, so its models can be evaluated alike.
    """
    selectors = parse_data.get("response_selector") or {}
    selector = selectors.get(RETRIEVAL_INTENT) or selectors.get("default") or {}
    return list(selector.get("ranking") or [])


def faq_ranking(parse_data: Mapping[str, Any]) -> list[RankedAnswer]:
    """The FAQ answers of a parse result, most confident first."""
    answers = [
        RankedAnswer(faq_id_of(str(entry["intent_response_key"])), float(entry["confidence"]))
        for entry in ranking_entries(parse_data)
    ]
    return sorted(answers, key=lambda answer: -answer.confidence)


def intent_name(parse_data: Mapping[str, Any]) -> str | None:
    """The predicted intent's name, if any (also on stored data of another shape)."""
    intent = parse_data.get("intent") or {}
    name = intent.get("name") if isinstance(intent, Mapping) else None
    return str(name) if name else None


@dataclass(frozen=True)
class AnswerThresholds:
    """When the best FAQ answer is good enough to give (``config.yml``'s fallback settings)."""

    answer_threshold: float
    answer_ambiguity_threshold: float

    def problem(self, confidences: Sequence[float]) -> str | None:
        """Why the best answer can't be given, or None when it clears both thresholds.

        The reasons: ``no_answer``, ``low_answer_confidence``, ``ambiguous_answer``.
        """
        if not confidences:
            return "no_answer"
        top = confidences[0]
        if top < self.answer_threshold:
            return "low_answer_confidence"
        runner_up = confidences[1] if len(confidences) > 1 else 0.0
        if top - runner_up < self.answer_ambiguity_threshold:
            return "ambiguous_answer"
        return None

    def cleared(self, confidences: Sequence[float]) -> bool:
        """Whether the best answer is confident and clear of the runner-up."""
        return self.problem(confidences) is None


def close_answers(parse_data: Mapping[str, Any]) -> list[str]:
    """FAQ ids for "did you mean" buttons: two or three close answers, else none.

    Only when the FAQ intent itself was the best guess (ignoring the fallback): a
    message that looked out of scope gets no FAQ buttons.
    """
    intents = [
        entry
        for entry in parse_data.get("intent_ranking") or []
        if entry.get("name") != FALLBACK_INTENT
    ]
    if not intents or intents[0].get("name") != RETRIEVAL_INTENT:
        return []
    candidates = [
        answer
        for answer in faq_ranking(parse_data)[:MAX_SUGGESTIONS]
        if answer.confidence >= MIN_CANDIDATE_CONFIDENCE
    ]
    if len(candidates) < 2 or sum(a.confidence for a in candidates) < MIN_COMBINED_CONFIDENCE:
        return []
    return [answer.faq_id for answer in candidates]
