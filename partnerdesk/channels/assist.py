"""The reply assistant's HTTP endpoint, served by the Rasa server with its loaded model.

``POST /webhooks/assist/suggest`` with ``{"text": "...", "top": 3}`` (and optionally
``purchase_date``, ``anniversary_date``, ``activation_date`` as ISO dates) answers the
ranked drafts of :func:`partnerdesk.assist.suggest.suggest`. Nothing reaches the tracker
store: agents' drafts are not conversations.

Access needs ``Authorization: Bearer <PARTNERDESK_ASSIST_TOKEN>`` (compared in constant
time). With the variable unset every request gets 401, unless ``PARTNERDESK_DEV=1``
(local development), which then serves requests without a token. Every bad request gets
a 4xx with ``{"error": "..."}``: 401 token, 413 body over 64 KiB (checked before
parsing), 400 body not a JSON object, 422 fields that fail validation; 503 while the
model is not loaded.
"""

from __future__ import annotations

import hmac
import json
import os
from functools import partial
from typing import Any, Awaitable, Callable, Mapping, Optional, Text

from pydantic import ValidationError
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from partnerdesk.assist.models import SuggestRequest, validation_message
from partnerdesk.assist.suggest import AssistRequestError, AssistUnavailable, suggest
from partnerdesk.channels.base import AppliesPatches

TOKEN_ENV = "PARTNERDESK_ASSIST_TOKEN"
DEV_ENV = "PARTNERDESK_DEV"
MAX_BODY_BYTES = 64 * 1024
_BEARER = "bearer "

_json = partial(response.json, dumps=partial(json.dumps, ensure_ascii=False))


def _error(status: int, message: str) -> HTTPResponse:
    return _json({"error": message}, status=status)


def authorisation_error(header: Optional[str], env: Mapping[str, str]) -> Optional[str]:
    """Why a request with this ``Authorization`` header is refused, or ``None`` if allowed."""
    token = env.get(TOKEN_ENV, "")
    if not token:
        if env.get(DEV_ENV) == "1":
            return None
        return f"{TOKEN_ENV} is not set on the server; set it (or {DEV_ENV}=1 for local use)."
    if not header or not header.lower().startswith(_BEARER):
        return "Send the token as 'Authorization: Bearer <token>'."
    try:  # sanic keeps header bytes that are not UTF-8 as surrogate escapes
        given = header[len(_BEARER) :].strip().encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return "The token is wrong."
    if not hmac.compare_digest(given, token.encode("utf-8")):
        return "The token is wrong."
    return None


def _request_body(request: Request) -> Any:
    """The JSON object of the body, or an error response."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
        return _error(400, 'The body must be JSON: {"text": "...", "top": 3}.')
    if not isinstance(body, dict):
        return _error(400, 'The body must be a JSON object: {"text": "...", "top": 3}.')
    return body


class AssistInput(AppliesPatches, InputChannel):
    """Input channel ``assist``: draft replies for support agents, no conversation."""

    @classmethod
    def name(cls) -> Text:
        """The channel's URL part: ``/webhooks/assist/``."""
        return "assist"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes ``GET /`` (health) and ``POST /suggest``; ``on_new_message`` is never called."""
        blueprint = Blueprint("assist_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return _json({"status": "ok"})

        @blueprint.route("/suggest", methods=["POST"])
        async def suggest_replies(request: Request) -> HTTPResponse:
            refused = authorisation_error(request.headers.get("Authorization"), os.environ)
            if refused:
                return _error(401, refused)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return _error(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
            body = _request_body(request)
            if isinstance(body, HTTPResponse):
                return body
            try:
                suggest_request = SuggestRequest.parse_obj(body)
            except ValidationError as error:
                return _error(422, validation_message(error))
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None:
                return _error(503, "The model is not loaded yet; try again shortly.")
            try:
                answer = await suggest(agent, suggest_request)
            except AssistRequestError as error:
                return _error(422, str(error))
            except AssistUnavailable as error:
                return _error(503, str(error))
            return _json(answer.dict())

        return blueprint
