"""Rasa's REST channel with its request checked before anything is processed.

Stock Rasa answers a JSON body that is not an object, a non-text ``message``
or ``sender`` with a 500. This channel answers 400 with a clear message
instead, and nothing reaches the tracker. An empty message is accepted: the
NLU gives it the ``no_words`` fallback, and the partner is asked for a question.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage
from sanic.request import Request

MAX_MESSAGE_CHARS = 20_000
MAX_SENDER_CHARS = 256


def _body(request: Request) -> Dict[Text, Any]:
    try:
        body = request.json
    except Exception as error:  # sanic raises its own error types for bad JSON
        raise InvalidUsage("The body must be JSON.") from error
    if not isinstance(body, dict):
        raise InvalidUsage('The body must be a JSON object: {"sender": "...", "message": "..."}.')
    return body


class CheckedRestInput(RestInput):
    """``RestInput`` that rejects malformed requests with 400."""

    @classmethod
    def name(cls) -> Text:
        """Keeps the channel at ``/webhooks/rest/webhook``."""
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = _body(req).get("sender")
        valid = isinstance(sender, str) and 0 < len(sender) <= MAX_SENDER_CHARS
        if sender is not None and not valid:
            raise InvalidUsage(f'"sender" must be a string of 1 to {MAX_SENDER_CHARS} characters.')
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _body(req).get("message", "")
        if not isinstance(message, str):
            raise InvalidUsage('"message" must be a string.')
        if len(message) > MAX_MESSAGE_CHARS:
            raise InvalidUsage(f'"message" is longer than {MAX_MESSAGE_CHARS} characters.')
        return message
