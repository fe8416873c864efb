"""Rasa's REST channel with its request checked before anything is processed.

Stock Rasa answers a JSON body that is not an object, a non-text ``message``
or ``sender`` with a 500, and a non-object ``metadata`` with an empty 200 (the
turn fails after parsing). This channel answers 400 with ``{"error": "..."}``
instead, whatever the request's content type, and nothing reaches the tracker.
``sender`` and ``message`` are required (without a sender, stock Rasa files
every such request under one conversation, ``default``). An empty message is
accepted: the NLU gives it the ``no_words`` fallback, and the partner is asked
for a question.

During a handoff to a person, agent messages wait for the REST partner and come first
in their next reply (:mod:`partnerdesk.channels.handoff_turns`).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from partnerdesk.channels.base import AppliesPatches
from partnerdesk.channels.handoff_turns import handoff_turns
from partnerdesk.handoff.delivery import QueueDelivery
from partnerdesk.handoff.runtime import current

MAX_MESSAGE_CHARS = 20_000
MAX_SENDER_CHARS = 256
_USAGE = '{"sender": "...", "message": "..."}'


def _body(request: Request) -> Dict[Text, Any]:
    try:
        request.body.decode("utf-8")  # sanic's JSON parser (ujson) lets invalid UTF-8 through
        body = request.json
    except Exception as error:  # sanic raises its own error types for bad JSON
        raise InvalidUsage(f"The body must be UTF-8 JSON: {_USAGE}.") from error
    if not isinstance(body, dict):
        raise InvalidUsage(f"The body must be a JSON object: {_USAGE}.")
    return body


def _json_error(request: Request, error: InvalidUsage) -> HTTPResponse:
    """The 400 of a rejected request, as JSON (sanic would send HTML to non-JSON requests)."""
    return response.json({"error": str(error)}, status=400)


class CheckedRestInput(AppliesPatches, RestInput):
    """``RestInput`` that rejects malformed requests with 400."""

    @classmethod
    def name(cls) -> Text:
        """Keeps the channel at ``/webhooks/rest/webhook``."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        """Rasa's blueprint, answering its rejected requests with ``{"error": "..."}``."""
        current().register_deliverer(self.name(), QueueDelivery(current()))
        blueprint = super().blueprint(handoff_turns(on_new_message, hand_over_queued=True))
        blueprint.exception(InvalidUsage)(_json_error)
        return blueprint

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        body = _body(req)
        sender = body.get("sender")
        if not (isinstance(sender, str) and 0 < len(sender) <= MAX_SENDER_CHARS):
            raise InvalidUsage(f'"sender" must be a string of 1 to {MAX_SENDER_CHARS} characters.')
        if not isinstance(body.get("metadata", {}), (dict, type(None))):
            raise InvalidUsage('"metadata" must be a JSON object.')
        if not isinstance(body.get("input_channel", ""), (str, type(None))):
            raise InvalidUsage('"input_channel" must be a string.')
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _body(req).get("message")
        if not isinstance(message, str):
            raise InvalidUsage('"message" must be a string.')
        if len(message) > MAX_MESSAGE_CHARS:
            raise InvalidUsage(f'"message" is longer than {MAX_MESSAGE_CHARS} characters.')
        return message
