"""The domain's responses, rendered as the chat renders them, in a chosen language.

The chat picks a response's variation by its ``language`` slot condition and fills
``{variables}`` into its text; this does the same with Rasa's own variation filter and
interpolator, so a draft is word for word the chat's text. Only the text is rendered:
buttons (e.g. feedback payloads) are not part of a draft.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

ASSIST_CHANNEL = "assist"

Responses = Dict[str, List[Dict[str, Any]]]


def render(responses: Responses, name: str, language: str, **variables: Any) -> Optional[str]:
    """The text of response ``name`` in ``language``, or ``None`` if the domain lacks it."""
    from rasa.core.nlg.generator import ResponseVariationFilter
    from rasa.core.nlg.interpolator import interpolate_text

    if name not in responses:
        return None
    slots = {"language": language}
    variations = ResponseVariationFilter(responses).responses_for_utter_action(
        name, ASSIST_CHANNEL, slots
    )
    text = variations[0].get("text") if variations else None
    return interpolate_text(text, {**slots, **variables}) if text else None
