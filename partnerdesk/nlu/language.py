"""Language detection for the ``language`` slot (``en`` / ``ko``).

The detector emits a ``language`` entity on every user message whose text says
which language it is in; the domain maps that entity onto the ``language`` slot,
so the slot is set on every turn without a call to the action server.
A message with letters of neither language (a bare date, emoji, an abbreviation
such as "MAP", a button payload) emits nothing, so the slot keeps its value.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from partnerdesk.core.language import detect_language, locale_language
from partnerdesk.nlu.stateless import StatelessComponent

LANGUAGE_ENTITY = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(StatelessComponent, EntityExtractorMixin):
    """Emits a ``language`` entity spanning the message it classifies."""

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the ``language`` entity to each message whose language is known."""
        for message in messages:
            text = message.get(TEXT) or ""
            language = detect_language(text) or locale_language(message.get("metadata"))
            if language is None:
                continue
            entity = {
                "entity": LANGUAGE_ENTITY,
                "value": language,
                "start": 0,
                "end": len(text),
                "confidence": 1.0,
            }
            entities = [*message.get(ENTITIES, []), *self.add_extractor_name([entity])]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
