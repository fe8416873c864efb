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
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from sanic.request import Request
from sanic_cors.core import SANIC_CORS_EVALUATED

from partnerdesk.web.settings import web_origins


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
        engine.handle_request = _without_sanic_cors(engine.handle_request)
        return blueprint


def _without_sanic_cors(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """``handler``, with sanic-cors's response middleware skipping its requests."""

    @wraps(handler)
    async def handle_request(request: Request, *args: Any, **kwargs: Any) -> Any:
        setattr(request.ctx, SANIC_CORS_EVALUATED, "1")
        return await handler(request, *args, **kwargs)

    return handle_request
