"""The reply assistant's HTTP endpoint, served by the Rasa server with its loaded model.

``POST /webhooks/assist/suggest`` with ``{"text": "...", "top": 3}`` (and optionally
``purchase_date``, ``anniversary_date``, ``activation_date`` as ISO dates) answers the
ranked drafts of :func:`partnerdesk.assist.suggest.suggest`. Nothing reaches the tracker
store: agents' drafts are not conversations.

Access needs ``Authorization: Bearer <PARTNERDESK_ASSIST_TOKEN>`` and CORS is answered
for the pages' origins (:mod:`partnerdesk.channels.http`). Every bad request gets
a 4xx with ``{"error": "..."}``: 401 token, 413 body over 64 KiB (checked before
parsing), 400 body not a JSON object, 422 fields that fail validation; 503 while the
model is not loaded.
"""

from __future__ import annotations

import os
from typing import Any, Awaitable, Callable, Text

from pydantic import ValidationError
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from partnerdesk.assist.models import SuggestRequest, validation_message
from partnerdesk.assist.suggest import AssistRequestError, AssistUnavailable, suggest
from partnerdesk.channels.base import AppliesPatches
from partnerdesk.channels.http import (
    allow_page_origins,
    authorisation_error,
    error_response,
    json_object,
    json_response,
    page_route,
)

MAX_BODY_BYTES = 64 * 1024
USAGE = '{"text": "...", "top": 3}'


class AssistInput(AppliesPatches, InputChannel):
    """Input channel ``assist``: draft replies for support agents, no conversation."""

    @classmethod
    def name(cls) -> Text:
        """The channel's URL part: ``/webhooks/assist/``."""
        return "assist"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes ``GET /`` (health) and ``POST /suggest``; ``on_new_message`` is never called."""
        blueprint = Blueprint("assist_webhook", __name__)
        allow_page_origins(blueprint, "GET, POST")

        @page_route(blueprint, "/", "GET")
        async def health(request: Request) -> HTTPResponse:
            return json_response({"status": "ok"})

        @page_route(blueprint, "/suggest", "POST")
        async def suggest_replies(request: Request) -> HTTPResponse:
            refused = authorisation_error(request.headers.get("Authorization"), os.environ)
            if refused:
                return error_response(401, refused)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return error_response(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
            body = json_object(request, USAGE)
            if isinstance(body, HTTPResponse):
                return body
            try:
                suggest_request = SuggestRequest.parse_obj(body)
            except ValidationError as error:
                return error_response(422, validation_message(error))
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None:
                return error_response(503, "The model is not loaded yet; try again shortly.")
            try:
                answer = await suggest(agent, suggest_request)
            except AssistRequestError as error:
                return error_response(422, str(error))
            except AssistUnavailable as error:
                return error_response(503, str(error))
            return json_response(answer.dict())

        return blueprint
