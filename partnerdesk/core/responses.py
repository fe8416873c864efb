"""A domain response's text in a language, where Rasa's own generator is not at hand.

The chat renders responses in the Rasa server. Three places need a response's text
without it: the action server (a button's title, e.g. "Remind me"), the page server
(a calendar event's summary) and the Slack channel when it schedules a reminder. They
read ``domain.yml`` and choose the variation as Rasa does for PartnerDesk's responses:
a variation for the output channel first, then the one whose ``language`` slot
condition matches, else the one without a condition (English). A test checks that this
agrees with Rasa's ``ResponseVariationFilter`` on every response in the domain.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from partnerdesk.core.paths import DOMAIN_PATH

Variations = Sequence[Mapping[str, Any]]
_VARIABLE = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


@functools.lru_cache(maxsize=4)
def domain_responses(path: Path = DOMAIN_PATH) -> dict[str, list[dict[str, Any]]]:
    """The responses of ``domain.yml`` (read once per path)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return dict(data.get("responses") or {})


def _language_condition(variation: Mapping[str, Any]) -> str | None:
    """The language a variation is conditioned on; ``""`` for any other condition."""
    conditions = variation.get("condition") or []
    if not conditions:
        return None
    languages = [c.get("value") for c in conditions if c.get("name") == "language"]
    return str(languages[0]) if len(conditions) == 1 and languages else ""


def pick_variation(
    variations: Variations, language: str, channel: str | None = None
) -> Mapping[str, Any] | None:
    """The variation Rasa shows for ``language`` on ``channel`` (None: no such variation)."""
    for wanted_channel in ([channel] if channel else []) + [None]:
        on_channel = [v for v in variations if v.get("channel") == wanted_channel]
        matching = [v for v in on_channel if _language_condition(v) == language]
        default = [v for v in on_channel if _language_condition(v) is None]
        if matching or default:
            return (matching or default)[0]
    return None


def fill(text: str, values: Mapping[str, Any]) -> str:
    """``text`` with its ``{name}`` variables filled from ``values`` (others kept)."""
    return _VARIABLE.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], text)


def response_text(
    name: str,
    language: str,
    values: Mapping[str, Any] | None = None,
    channel: str | None = None,
    responses: Mapping[str, Variations] | None = None,
) -> str | None:
    """The text of response ``name`` in ``language``, filled, or None if there is none.

    Args:
        name: The response's name, e.g. ``utter_button_remind_me``.
        language: ``en`` or ``ko``.
        values: Template variables.
        channel: The output channel, for channel-specific variations.
        responses: The domain's responses (default: ``domain.yml``'s).
    """
    source = domain_responses() if responses is None else responses
    variation = pick_variation(source.get(name) or [], language, channel)
    text = variation.get("text") if variation else None
    return fill(str(text), values or {}) if text else None
