"""Language detection for the ``language`` slot (``en`` / ``ko``).

The detector emits a ``language`` entity on every user message whose text says
which language it is in; the domain maps that entity onto the ``language`` slot,
so the slot is set on every turn without a call to the action server.
A message with letters of neither language (a bare date, emoji, an abbreviation
such as "MAP", a button payload) emits nothing, so the slot keeps its value.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from partnerdesk.nlu.stateless import StatelessComponent

LANGUAGE_ENTITY = "language"
METADATA_LOCALE_KEYS = ("locale", "language", "lang")

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# A Hangul syllable carries about as much text as two or three Latin letters.
_HANGUL_WEIGHT = 2.5
# Names partners type inside Korean sentences; they say nothing about the language.
_LANGUAGE_NEUTRAL_WORDS = frozenset(
    """microsoft action pack learning visual studio enterprise professional partner
    center network azure office windows server teams dynamics competency competencies
    token tokens tenant subscription subscriptions covid iur mpn map lap vs pc csp ok
    """.split()
)


def detect_language(text: str) -> Optional[str]:
    """Return ``"ko"``, ``"en"`` or ``None`` when the text has no telling letters.

    Words written in capitals only (MAP, IUR) and product names are neutral,
    so "MAP 갱신 언제?" is Korean and "MAP" alone is undecided.
    """
    if text.lstrip().startswith("/"):
        return None
    korean = len(_HANGUL.findall(text)) * _HANGUL_WEIGHT
    english = sum(
        len(word)
        for word in _LATIN_WORD.findall(text)
        if not word.isupper() and word.lower() not in _LANGUAGE_NEUTRAL_WORDS
    )
    if korean == 0 and english == 0:
        return None
    return "ko" if korean >= english else "en"


def locale_language(metadata: Optional[Dict[Text, Any]]) -> Optional[str]:
    """Read ``en``/``ko`` from a channel's metadata locale, if it names one."""
    if not isinstance(metadata, dict):
        return None
    for key in METADATA_LOCALE_KEYS:
        value = metadata.get(key)
        if isinstance(value, str) and value[:2].lower() in ("en", "ko"):
            return value[:2].lower()
    return None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
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
