"""``/webhooks/agent/handoffs``: the agents' side of a handoff to a person.

- ``GET  /handoffs?status=waiting|active|resolved|all`` (default: waiting and active),
  oldest first: ``{"handoffs": [record + transcript + suggestions + rule_result],
  "now": ISO time}``. It also records that someone has the Inbox open.
- ``POST /handoffs/<id>/reply`` ``{"text": 1–5000 chars, "agent": 1–100 chars}`` →
  ``{"delivered": bool}``: stored as a bot message with ``{"agent": name}`` metadata and
  sent to the partner on their channel (queued when they cannot be reached now).
- ``POST /handoffs/<id>/resolve`` → ``{"resolved": true, "delivered": bool}``: the bot
  resumes and says, in the partner's language, that it is back.

The reply assistant's token and rules apply (401, ``PARTNERDESK_DEV``). Bad requests get
400/422 ``{"error"}``, an unknown id 404, a second agent or a resolved handoff 409, a body
over 64 KiB 413, and 503 while the model or the database is not there. Database work
runs in worker threads, off Rasa's event loop.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from typing import Any, Awaitable, Callable

import sqlalchemy as sa
from rasa.core.lock_store import LockError
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from partnerdesk.channels.http import error_response, json_object, json_response, page_route
from partnerdesk.core.handoff import iso_utc, reply_problems, statuses_from_query
from partnerdesk.handoff import service
from partnerdesk.handoff.runtime import current

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
REPLY_USAGE = '{"text": "...", "agent": "your name"}'
_HANDOFF_ID = re.compile(r"[0-9a-f]{32}")
Route = Callable[..., Awaitable[HTTPResponse]]


def _unavailable(error: Exception) -> HTTPResponse:
    logger.error("Agent API: the conversation store failed: %s", error)
    return error_response(503, "The conversation store is not available; try again shortly.")


def _guarded(context: Any, route: Route) -> Route:
    """The token check, a started runtime, and 503 (never 500) when a store fails."""

    @functools.wraps(route)  # sanic names routes after their handlers
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        refused = context.refusal(request)
        if refused:
            return refused
        runtime = current()
        if not runtime.started or getattr(request.app.ctx, "agent", None) is None:
            return error_response(503, "The server is still starting; try again shortly.")
        try:
            return await route(request, *args, **kwargs)
        except (sa.exc.SQLAlchemyError, LockError, OSError) as error:
            return _unavailable(error)

    return guarded


def _known_id(handoff_id: str) -> bool:
    return bool(_HANDOFF_ID.fullmatch(handoff_id))


def _not_found(handoff_id: str) -> HTTPResponse:
    return error_response(404, f"No handoff has the id {handoff_id[:64]!r}.")


async def list_handoffs(request: Request) -> HTTPResponse:
    """Waiting and active handoffs (or ``?status=``), oldest first, with transcripts."""
    runtime = current()
    wanted = request.args.get("status")
    statuses = statuses_from_query(wanted)
    if statuses is None:
        return error_response(
            400, '"status" must be one of waiting, active, resolved, all (default: open ones).'
        )
    try:
        await runtime.agent_seen()
    except sa.exc.SQLAlchemyError as error:  # the Inbox still works; presence is best effort
        logger.warning("Agent API: presence not recorded: %s", error)
    handoffs = await service.listing(runtime, statuses)
    return json_response({"handoffs": handoffs, "now": iso_utc(time.time())})


async def reply(request: Request, handoff_id: str) -> HTTPResponse:
    """An agent's reply to the partner."""
    if len(request.body or b"") > MAX_BODY_BYTES:
        return error_response(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    body = json_object(request, REPLY_USAGE)
    if isinstance(body, HTTPResponse):
        return body
    text, agent, problems = reply_problems(body)
    if problems or text is None or agent is None:
        return error_response(422, "; ".join(problems))
    if not _known_id(handoff_id):
        return _not_found(handoff_id)
    runtime = current()
    await runtime.agent_seen()
    try:
        delivered = await service.reply(runtime, handoff_id, text, agent)
    except service.UnknownHandoff:
        return _not_found(handoff_id)
    except service.Conflict as conflict:
        return error_response(409, str(conflict))
    return json_response({"delivered": delivered})


async def resolve(request: Request, handoff_id: str) -> HTTPResponse:
    """The agent is done: the bot takes the conversation back."""
    if len(request.body or b"") > MAX_BODY_BYTES:
        return error_response(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    if not _known_id(handoff_id):
        return _not_found(handoff_id)
    runtime = current()
    await runtime.agent_seen()
    try:
        delivered = await service.resolve(runtime, handoff_id)
    except service.UnknownHandoff:
        return _not_found(handoff_id)
    except service.Conflict as conflict:
        return error_response(409, str(conflict))
    return json_response({"resolved": True, "delivered": delivered})


def register(blueprint: Blueprint, context: Any) -> None:
    """Add the handoff routes, and start the handoff runtime once the server runs."""

    @blueprint.listener("after_server_start")
    async def start_handoffs(app: Any, _loop: Any) -> None:
        await current().start(app)

    page_route(blueprint, "/handoffs", "GET")(_guarded(context, list_handoffs))
    page_route(blueprint, "/handoffs/<handoff_id:str>/reply", "POST")(_guarded(context, reply))
    page_route(blueprint, "/handoffs/<handoff_id:str>/resolve", "POST")(_guarded(context, resolve))
