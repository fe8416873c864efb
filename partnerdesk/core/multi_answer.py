"""Which sentences of a long message answer it: one clear FAQ question, or two.

Pure decision logic over the classifiers' rankings (plain dictionaries, as in a parse
result); :class:`partnerdesk.nlu.long_messages.LongMessageResolver` applies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from partnerdesk.core.ranking import RETRIEVAL_INTENT
from partnerdesk.core.sentences import is_question


@dataclass(frozen=True)
class Scored:
    """A text (the whole message or one sentence) with its intent and answer rankings."""

    text: str
    intents: Sequence[dict[str, Any]]
    answers: Sequence[dict[str, Any]]

    @property
    def question(self) -> bool:
        """Whether the text reads as a question or a request."""
        return is_question(self.text)

    @property
    def answer_key(self) -> str | None:
        """The best answer's key (``faq/<id>``), if there is a ranking."""
        return self.answers[0]["intent_response_key"] if self.answers else None

    @property
    def answer_confidence(self) -> float:
        """The best answer's confidence (0 without a ranking)."""
        return float(self.answers[0]["confidence"]) if self.answers else 0.0


@dataclass(frozen=True)
class Thresholds:
    """When an FAQ prediction is clear enough to act on.

    ``intent`` and ``intent_margin`` bound the ``faq`` intent's confidence and its
    lead over the best other intent (a negative margin lets another intent lead);
    ``answer`` and ``answer_margin`` bound the best answer and its lead over the
    runner-up.
    """

    intent: float
    intent_margin: float
    answer: float
    answer_margin: float

    def clear_faq(self, scored: Scored) -> bool:
        """True when the ``faq`` intent and the best answer both clear their bounds."""
        faq = next(
            (float(r["confidence"]) for r in scored.intents if r["name"] == RETRIEVAL_INTENT), 0.0
        )
        other = max(
            (float(r["confidence"]) for r in scored.intents if r["name"] != RETRIEVAL_INTENT),
            default=0.0,
        )
        answers = [float(r["confidence"]) for r in scored.answers[:2]] + [0.0, 0.0]
        return (
            faq >= self.intent
            and faq - other >= self.intent_margin
            and answers[0] >= self.answer
            and answers[0] - answers[1] >= self.answer_margin
        )


def choose(
    whole: Scored,
    sentences: Sequence[Scored],
    whole_clear: Thresholds,
    sentence_clear: Thresholds,
    faq_sentence_clear: Thresholds,
    rescore_intents: Sequence[str],
    max_answers: int = 2,
) -> list[Scored]:
    """Which sentences answer a multi-sentence message.

    Args:
        whole: The whole message, as the classifiers ranked it.
        sentences: Each sentence, as the classifiers ranked it.
        whole_clear: When the whole message's FAQ answer stands (the fallback's bounds).
        sentence_clear: When one sentence clearly asks one FAQ although the
            whole message's intent is not ``faq`` (strict).
        faq_sentence_clear: The same when the whole message's intent is ``faq``
            (the intent is settled; the sentence's answer must be clear).
        rescore_intents: Whole-message intents a sentence may overrule (``faq``,
            ``out_of_scope``, greetings, thanks); a personal-date question, for
            example, stays as it is.
        max_answers: At most this many answers (two: ``faq_multi``).

    Returns:
        ``[]`` to keep the whole-message prediction, one sentence to answer with
        instead, or two (best first) when two questions each clearly ask a
        different FAQ.
    """
    if not whole.intents or whole.intents[0]["name"] not in rescore_intents:
        return []
    bar = faq_sentence_clear if whole.intents[0]["name"] == RETRIEVAL_INTENT else sentence_clear
    clear = [s for s in sentences if bar.clear_faq(s)]
    asked = [s for s in clear if s.question]
    best_by_answer: dict[str, Scored] = {}
    for sentence in sorted(asked, key=lambda s: -s.answer_confidence):
        best_by_answer.setdefault(sentence.answer_key or "", sentence)
    if len(best_by_answer) >= 2:
        return list(best_by_answer.values())[:max_answers]
    if whole_clear.clear_faq(whole):
        return []
    candidates = asked or clear
    return sorted(candidates, key=lambda s: -s.answer_confidence)[:1]
