"""Custom actions that fail or hang get an apology, not silence.

Rasa 3.6 waits up to 300 s for the action server and, when a custom action fails, logs
the error and sends the partner nothing. :class:`ApologeticRemoteAction` gives up after
``PARTNERDESK_ACTION_TIMEOUT`` seconds (default 10) and answers with
``utter_action_failed`` in the partner's language. Rejections
(``ActionExecutionRejection``, used by forms) pass through. Rasa has no setting for the
class it runs custom actions with, so :mod:`partnerdesk.rasa_patches` installs it.

It also runs the Rasa server's own work around an action (:mod:`.action_hooks`), and a
session start the action server cannot run is started as Rasa would start it (with the
pause of an open handoff kept), never with an apology.

Rasa validates every action server response with ``jsonschema.validate``, which checks
the (constant) response schema against jsonschema's meta-schema on every call: under
REST load that check was over a quarter of the Rasa server's time
(``py-spy``, docs/benchmarks.md). The response is validated here with a validator built
once for the same schema, reporting the same error (``best_match``) with Rasa's message.
Even so, a session start's response (a dozen events) took 5 ms to validate: each event is
checked against the ``oneOf`` of Rasa's 23 event schemas, all 23 tried for "exactly one".
The 23 are told apart by their ``event`` constant, so an event matches exactly one of them
when it matches the one of its own name: :func:`_valid_by_event_name` checks that one
(about 30 times faster). Only a response it finds invalid goes through the full validator,
for Rasa's error.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

from jsonschema import exceptions as schema_errors
from jsonschema import validators
from rasa.core.actions.action import (
    ActionExecutionRejection,
    ActionSessionStart,
    RemoteAction,
    create_bot_utterance,
)
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, ConversationPaused, Event
from rasa.shared.exceptions import RasaException

from partnerdesk.dialogue import action_hooks

logger = logging.getLogger(__name__)

TIMEOUT_ENV = "PARTNERDESK_ACTION_TIMEOUT"
DEFAULT_TIMEOUT_S = 10.0
APOLOGY_RESPONSE = "utter_action_failed"


def action_timeout() -> float:
    """Seconds to wait for the action server."""
    return float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_S)


class ApologeticRemoteAction(RemoteAction):
    """``RemoteAction`` with a short timeout and an apology when the call fails."""

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        """Run the action on the action server; apologise if it fails or hangs.

        ``tracker`` is Rasa's copy for this action: the ``before`` hook's events are
        applied to it, so the action and its responses see them.
        """
        before = await action_hooks.run_before(self.name(), tracker)
        tracker.update_with_events(before, domain)
        try:
            events = await asyncio.wait_for(
                super().run(output_channel, nlg, tracker, domain), action_timeout()
            )
        except ActionExecutionRejection:
            raise
        except (RasaException, asyncio.TimeoutError, OSError) as error:
            if self.name() == ACTION_SESSION_START_NAME:
                logger.error("Custom session start failed (%s); starting it as Rasa does.", error)
                return [*before, *await _session_start(output_channel, nlg, tracker, domain)]
            logger.error("Custom action %r failed (%s); sending an apology.", self.name(), error)
            message = await nlg.generate(APOLOGY_RESPONSE, tracker, output_channel.name())
            return [*before, *([create_bot_utterance(message)] if message else [])]
        await action_hooks.run_after(self.name(), tracker, events)
        return [*before, *events]

    def _validate_action_result(self, result: Dict[Text, Any]) -> bool:
        """Rasa's validation of an action server response, with the validator built once."""
        if _valid_by_event_name(result):
            return True
        error = schema_errors.best_match(_response_validator().iter_errors(result))
        if error is None:
            return True
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    """A validator of Rasa's action response schema, the schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@lru_cache(maxsize=1)
def _event_validators() -> Optional[Tuple[Any, Dict[str, Any]]]:
    """Rasa's response schema without the events' ``oneOf``, and a validator per event name.

    None when the ``oneOf``'s schemas are not told apart by distinct ``event`` constants
    (a later Rasa): then every response takes the full validation.
    """
    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    items = schema.get("properties", {}).get("events", {}).get("items", {})
    alternatives = items.pop("oneOf", None) or []
    names = [alt.get("properties", {}).get("event", {}).get("const") for alt in alternatives]
    if not names or None in names or len(set(names)) != len(names):
        return None
    cls = validators.validator_for(schema)
    return cls(schema), {name: cls(alt) for name, alt in zip(names, alternatives)}


def _valid_by_event_name(result: Any) -> bool:
    """Whether the response is valid, each event checked against its own event schema only.

    False means "not shown valid here" (the full validator decides).
    """
    found = _event_validators()
    if found is None:
        return False
    without_one_of, by_name = found
    if not without_one_of.is_valid(result):
        return False
    for event in result.get("events") or ():
        validator = by_name.get(event["event"])
        if validator is None or not validator.is_valid(event):
            return False
    return True


async def _session_start(output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
    """Rasa's own session start, keeping the pause of a conversation handed to a person."""
    events = await ActionSessionStart().run(output_channel, nlg, tracker, domain)
    if not tracker.is_paused():
        return events
    listen = next(i for i, e in enumerate(events) if isinstance(e, ActionExecuted))
    return [*events[:listen], ConversationPaused(), *events[listen:]]
