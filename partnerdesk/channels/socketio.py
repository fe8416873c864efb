"""Rasa's socket.io channel, made to work for browsers on Python 3.11.

On stock Rasa 3.6.21 with sanic 21.12.2 the websocket upgrade fails under
Python 3.11 (sanic passes a bare coroutine to ``asyncio.wait``), engine.io then
keeps the session marked "upgrading" and answers every later poll empty, so a
web chat never receives ``session_confirm``. This channel stops offering the
upgrade: clients stay on HTTP long-polling, which works.

Rasa creates engine.io with ``cors_allowed_origins=[]``, which turns engine.io's
origin check off altogether: any web page could hold a conversation. This channel
allows only the support page's origins (``PARTNERDESK_WEB_ORIGINS``, see
:mod:`partnerdesk.web.settings`): a request with another ``Origin`` gets 400, one
without ``Origin`` (not a browser, e.g. python-socketio) is served. engine.io then
sends the CORS headers of its route itself, so that works without ``rasa run --cors``
too; with ``--cors``, sanic-cors is told to leave that route alone (two
``Access-Control-Allow-Origin`` headers make browsers refuse the response).

Malformed input is refused before engine.io or Rasa act on it
(:mod:`partnerdesk.channels.socketio_checks`): a long-polling POST without a
session, over engine.io's size limit or with undecodable packets gets a 4xx with a
text message; a ``session_request`` or user message with data of the wrong shape is
not processed, and the client gets a ``bad_request`` event ``{"error": "..."}``.
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any, Awaitable, Callable, Optional, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic_cors.core import SANIC_CORS_EVALUATED
from socketio import AsyncServer

from partnerdesk.channels.socketio_checks import (
    polling_post_error,
    session_request_error,
    user_message,
)
from partnerdesk.web.settings import web_origins

logger = logging.getLogger(__name__)
# The event telling a client that its event was refused: {"error": "..."}.
BAD_REQUEST_EVENT = "bad_request"


class PollingSocketIOInput(SocketIOInput):
    """``SocketIOInput`` that serves engine.io over long-polling only."""

    @classmethod
    def name(cls) -> str:
        """Keeps the channel name ``socketio`` (trackers and metrics stay the same)."""
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint, with transport upgrades off and browser origins limited."""
        blueprint = super().blueprint(on_new_message)
        engine = self.sio.eio
        engine.allow_upgrades = False
        engine.transports = ["polling"]
        engine.cors_allowed_origins = web_origins()
        # Read when the blueprint is registered, which attaches engine.io's route.
        engine.handle_request = _without_sanic_cors(_checked_posts(engine))
        self._check_events()
        return blueprint

    def _check_events(self) -> None:
        """Put checks of their data in front of Rasa's event handlers."""
        handlers = self.sio.handlers[self.namespace or "/"]
        session_request = handlers["session_request"]
        handle_message = handlers[self.user_message_evt]

        async def checked_session_request(sid: str, *args: Any) -> None:
            problem = session_request_error(args)
            if problem:
                return await _refuse(self.sio, sid, "session_request", problem)
            return await session_request(sid, args[0] if args else None)

        async def checked_message(sid: str, *args: Any) -> None:
            data, problem = user_message(args, self.metadata_key, self.session_persistence)
            if problem:
                return await _refuse(self.sio, sid, self.user_message_evt, problem)
            return await handle_message(sid, data)

        handlers["session_request"] = checked_session_request
        handlers[self.user_message_evt] = checked_message


async def _refuse(sio: AsyncServer, sid: str, event: str, problem: str) -> None:
    logger.warning("socket.io: refused a %s event from %s: %s", event, sid, problem)
    await sio.emit(BAD_REQUEST_EVENT, {"error": problem}, room=sid)


def _checked_posts(engine: Any) -> Callable[..., Awaitable[Any]]:
    """engine.io's request handler, refusing malformed long-polling POSTs itself."""
    handler = engine.handle_request

    @wraps(handler)
    async def handle_request(request: Request, *args: Any, **kwargs: Any) -> Any:
        if request.method == "POST":
            refused = _post_error(request, engine.max_http_buffer_size)
            if refused:
                return response.text(refused[1], status=refused[0])
        try:
            return await handler(request, *args, **kwargs)
        except KeyError:
            # python-engineio 4.7.1 checks "sid in sockets", then raises KeyError from
            # _get_socket when that session closed in between (seen under fuzzing).
            return response.text("This session is closed; open a new one.", status=400)

    return handle_request


def _post_error(request: Request, max_bytes: int) -> Optional[Tuple[int, str]]:
    if not request.args.get("sid"):
        return 400, "A POST needs the sid of an open session."
    return polling_post_error(request.body or b"", max_bytes)


def _without_sanic_cors(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """``handler``, with sanic-cors's response middleware skipping its requests."""

    @wraps(handler)
    async def handle_request(request: Request, *args: Any, **kwargs: Any) -> Any:
        setattr(request.ctx, SANIC_CORS_EVALUATED, "1")
        return await handler(request, *args, **kwargs)

    return handle_request
