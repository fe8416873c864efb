"""Resolve "did you mean" button payloads such as ``/faq/renew_competency``.

Rasa's ``RegexMessageHandler`` only knows plain intents, so a button for one
FAQ answer would lose its answer key. This component turns the payload into
the ``faq`` intent with that key selected at full confidence, provided the
response selector knows the key. It must run after the ``ResponseSelector``.
"""

from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from partnerdesk.core.ranking import RETRIEVAL_INTENT, answer_key, ranking_entries
from partnerdesk.nlu.stateless import StatelessComponent

_PAYLOAD = re.compile(rf"^/{RETRIEVAL_INTENT}/(?P<key>[a-z0-9_]+)$")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqPayloadResolver(StatelessComponent):
    """Maps ``/faq/<id>`` payloads to the ``faq`` intent and that answer."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Selects the answer named by a payload, if the selector knows it."""
        for message in messages:
            match = _PAYLOAD.match((message.get(TEXT) or "").strip())
            if not match:
                continue
            key = answer_key(match["key"])
            ranking = ranking_entries(message.data)
            chosen = next((r for r in ranking if r["intent_response_key"] == key), None)
            if chosen is None:
                continue
            selected = {**chosen, "confidence": 1.0}
            others = [{**r, "confidence": 0.0} for r in ranking if r is not chosen]
            selector = message.get("response_selector")
            selector[RETRIEVAL_INTENT]["response"] = {
                **selector[RETRIEVAL_INTENT]["response"],
                "intent_response_key": key,
                "utter_action": f"utter_{key}",
                "confidence": 1.0,
            }
            selector[RETRIEVAL_INTENT]["ranking"] = [selected, *others]
            message.data["intent"] = {"name": RETRIEVAL_INTENT, "confidence": 1.0}
            message.data["intent_ranking"] = [dict(message.data["intent"])]
        return messages
