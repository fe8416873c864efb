"""The domain's responses, rendered as the chat renders them, in a chosen language.

The chat picks a response's variation by its ``language`` slot condition and fills
``{variables}``; this does the same with Rasa's own templated generator, so a draft
is word for word what the chat would say.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

ASSIST_CHANNEL = "assist"

Responses = Dict[str, List[Dict[str, Any]]]


def render(responses: Responses, name: str, language: str, **variables: Any) -> Optional[str]:
    """The text of response ``name`` in ``language``, or ``None`` if the domain lacks it."""
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

    generator = TemplatedNaturalLanguageGenerator(responses)
    generated = generator.generate_from_slots(
        name, {"language": language}, ASSIST_CHANNEL, **variables
    )
    return generated.get("text") if generated else None
