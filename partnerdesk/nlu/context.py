"""What an answer leaves for the next turn, set without calling the action server.

``AnswerContext`` runs last in the pipeline, when the intent and the FAQ answer are
settled. On an FAQ answer it emits two entities that the domain maps onto slots:

- ``topic``: the rule the answer is about (``renewal_window`` after "When can we renew
  our Action Pack?"), or ``other``; a bare date then applies that rule;
- ``answer_context``: ``{"faq": <id>, "alternatives": [<id>, …]}``, the answer and the
  next best ones, offered as buttons after a 👎 or "that didn't help".

On a rule question (``ask_renewal_window`` …) it emits ``topic`` only; the answer action
fills ``answer_context`` with the rule's date. Praise typed in words (intent ``feedback``
without the buttons' ``helpful``) emits ``helpful: yes``, so an earlier 👎 is not taken
for it. Every other message emits nothing, so the slots keep their values
(``partnerdesk.core.context``).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from partnerdesk.core.context import faq_context, in_asked_order, topic_of_faq, topic_of_intent
from partnerdesk.core.ranking import RETRIEVAL_INTENT, faq_id_of, faq_ranking, intent_name
from partnerdesk.nlu.long_messages import FAQ_ANSWERS, MULTI_INTENT
from partnerdesk.nlu.stateless import StatelessComponent

FEEDBACK_INTENT = "feedback"
HELPFUL_ENTITY = "helpful"
TOPIC_ENTITY = "topic"
CONTEXT_ENTITY = "answer_context"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class AnswerContext(StatelessComponent, EntityExtractorMixin):
    """Emits ``topic`` and ``answer_context`` for FAQ answers and rule questions."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the context entities to each message that gets an answer."""
        for message in messages:
            values = context_values(message.data)
            if not values:
                continue
            end = len(message.get(TEXT) or "")
            entities = [
                {"entity": name, "value": value, "start": 0, "end": end, "confidence": 1.0}
                for name, value in values.items()
            ]
            message.set(
                ENTITIES,
                [*message.get(ENTITIES, []), *self.add_extractor_name(entities)],
                add_to_output=True,
            )
        return messages


def context_values(parse_data: Dict[str, Any]) -> Dict[str, Any]:
    """The context entities' values for one parsed message (empty: none)."""
    intent = intent_name(parse_data)
    if intent == FEEDBACK_INTENT:
        named = any(e.get("entity") == HELPFUL_ENTITY for e in parse_data.get(ENTITIES) or [])
        return {} if named else {HELPFUL_ENTITY: "yes"}
    rule_topic = topic_of_intent(intent)
    if rule_topic is not None:
        return {TOPIC_ENTITY: rule_topic}
    if intent not in (RETRIEVAL_INTENT, MULTI_INTENT):
        return {}
    ranking = faq_ranking(parse_data)
    if intent == MULTI_INTENT and parse_data.get(FAQ_ANSWERS):
        asked = in_asked_order(parse_data.get(TEXT) or "", parse_data[FAQ_ANSWERS])
        first = faq_id_of(str(asked[0]["intent_response_key"]))
        return {TOPIC_ENTITY: topic_of_faq(first), CONTEXT_ENTITY: faq_context(first, [])}
    selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    if not key:
        return {}
    faq_id = faq_id_of(str(key))
    return {TOPIC_ENTITY: topic_of_faq(faq_id), CONTEXT_ENTITY: faq_context(faq_id, ranking)}
