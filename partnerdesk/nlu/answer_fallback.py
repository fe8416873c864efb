"""Answer-level fallback: one NLU decision for "we cannot answer this".

Rasa's ``FallbackClassifier`` looks at intent confidence only, so the ``faq``
intent can be confident while the chosen answer is a guess (Rasa issue 9751).
``AnswerAwareFallbackClassifier`` also predicts ``nlu_fallback`` when the
response selector's answer confidence is low or its top two answers are too
close, and for a message with no words at all (empty, emoji, punctuation).
The decision is visible in ``/model/parse`` to every client, and the
reason is kept under ``fallback_reason``.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from partnerdesk.core.ranking import (
    FALLBACK_INTENT,
    RETRIEVAL_INTENT,
    AnswerThresholds,
    faq_ranking,
)

FALLBACK_REASON = "fallback_reason"
_WORD_CHARACTER = re.compile(r"\w")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AnswerAwareFallbackClassifier(FallbackClassifier):
    """``FallbackClassifier`` that also checks the chosen FAQ answer."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Intent thresholds as in Rasa, plus the answer thresholds."""
        return {
            **FallbackClassifier.get_default_config(),
            "answer_threshold": 0.5,
            "answer_ambiguity_threshold": 0.1,
        }

    def process(self, messages: List[Message]) -> List[Message]:
        """Predicts ``nlu_fallback`` for low intent or low answer confidence."""
        for message in messages:
            reason = self._fallback_reason(message)
            if reason is None:
                continue
            fallback = {
                INTENT_NAME_KEY: FALLBACK_INTENT,
                PREDICTED_CONFIDENCE_KEY: self.component_config["threshold"],
            }
            message.data[INTENT] = dict(fallback)
            message.data.setdefault("intent_ranking", []).insert(0, dict(fallback))
            message.set(FALLBACK_REASON, reason, add_to_output=True)
        return messages

    def _fallback_reason(self, message: Message) -> Optional[str]:
        if not _WORD_CHARACTER.search(message.get(TEXT) or ""):
            return "no_words"
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) in (None, FALLBACK_INTENT):
            return None
        if self._should_fallback(message):
            return "low_intent_confidence"
        if intent.get(INTENT_NAME_KEY) != RETRIEVAL_INTENT:
            return None
        thresholds = AnswerThresholds(
            self.component_config["answer_threshold"],
            self.component_config["answer_ambiguity_threshold"],
        )
        return thresholds.problem([answer.confidence for answer in faq_ranking(message.data)])
