"""What the agent-facing HTTP channels share: the token check, JSON answers and CORS.

The reply assistant (``/webhooks/assist/``) and the agent API (``/webhooks/agent/``) take
``Authorization: Bearer <PARTNERDESK_ASSIST_TOKEN>`` (compared in constant time). With the
variable unset every request gets 401, unless ``PARTNERDESK_DEV=1`` (local development).

Both answer CORS themselves, preflight included, for ``PARTNERDESK_WEB_ORIGINS``, so the
agent pages work whether Rasa runs with ``--cors`` (``scripts/run``) or without it (the
acceptance way). sanic-cors is told to leave their responses alone, and a header it did
add is never doubled.
"""

from __future__ import annotations

import hmac
import json
from functools import partial
from typing import Any, Callable, Mapping, Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from partnerdesk.core.web_settings import web_origins
from partnerdesk.rasa_patches import skip_sanic_cors

TOKEN_ENV = "PARTNERDESK_ASSIST_TOKEN"
DEV_ENV = "PARTNERDESK_DEV"
_BEARER = "bearer "
ALLOWED_HEADERS = "Authorization, Content-Type"
PREFLIGHT_MAX_AGE_S = "600"

json_response = partial(response.json, dumps=partial(json.dumps, ensure_ascii=False))


def error_response(status: int, message: str) -> HTTPResponse:
    """``{"error": message}`` with ``status``."""
    return json_response({"error": message}, status=status)


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


def json_object(request: Request, usage: str) -> Any:
    """The request body as a JSON object, or a 400 response saying what to send."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
        return error_response(400, f"The body must be JSON: {usage}.")
    if not isinstance(body, dict):
        return error_response(400, f"The body must be a JSON object: {usage}.")
    return body


def page_route(blueprint: Blueprint, uri: str, *methods: str) -> Callable[..., Any]:
    """``blueprint.route`` for a route the agent pages call: ``OPTIONS`` (preflight) too."""
    return blueprint.route(uri, methods=[*methods, "OPTIONS"])


def allow_page_origins(blueprint: Blueprint, methods: str) -> None:
    """Answer CORS for the pages' origins on the routes of ``blueprint``.

    Routes must accept ``OPTIONS`` (:func:`page_route`): sanic resolves the route before
    it runs a blueprint's middleware, which answers the preflight.

    Args:
        blueprint: The channel's blueprint.
        methods: The methods browsers may use, e.g. ``"GET, POST"``.
    """

    @blueprint.middleware("request")
    async def preflight(request: Request) -> Optional[HTTPResponse]:
        skip_sanic_cors(request)
        if request.method == "OPTIONS":
            return response.empty(status=204)
        return None

    @blueprint.middleware("response")
    async def cors_headers(request: Request, answer: HTTPResponse) -> None:
        origin = request.headers.get("origin")
        if not origin or origin not in web_origins():
            return
        if "access-control-allow-origin" in answer.headers:
            return
        answer.headers["Access-Control-Allow-Origin"] = origin
        answer.headers["Vary"] = "Origin"
        if request.method == "OPTIONS":
            answer.headers["Access-Control-Allow-Methods"] = f"{methods}, OPTIONS"
            answer.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            answer.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE_S
