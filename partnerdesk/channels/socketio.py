"""The web chat's socket.io channel: long-polling only, the page's origins only, checked input.

Rasa's ``SocketIOInput`` builds its socket.io server inside its blueprint, with
settings that don't work for browsers here. This channel builds its own (the handlers
are Rasa's, plus input checks) so that nothing of Rasa's or engine.io's is patched:

- **No websocket upgrade.** On Rasa 3.6.21 with sanic 21.12.2 the upgrade fails under
  Python 3.11 (sanic passes a bare coroutine to ``asyncio.wait``); engine.io then keeps
  the session "upgrading" and answers every later poll empty, so a web chat never
  receives ``session_confirm``. Clients stay on HTTP long-polling, which works.
- **Only the page's origins.** Rasa passes ``cors_allowed_origins=[]``, which turns
  engine.io's origin check off. Here only ``PARTNERDESK_WEB_ORIGINS`` may connect
  (another ``Origin`` gets 400; clients without one, like python-socketio, are served),
  and engine.io's own CORS headers are kept away from sanic-cors's (``--cors``).
- **Malformed input is refused** (:mod:`partnerdesk.channels.socketio_checks`): a POST
  without a session, over engine.io's size limit or with undecodable packets gets a 4xx
  with a text message; a ``session_request`` or user message of the wrong shape is not
  processed, and the client gets a ``bad_request`` event ``{"error": "..."}``.
- **Each turn ends with ``turn_done``** ``{"answered": bool}``, which stops the page's
  typing indicator (:mod:`partnerdesk.channels.socketio_turns`).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import engineio
import socketio
from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from partnerdesk.channels.base import AppliesPatches
from partnerdesk.channels.socketio_checks import (
    polling_post_error,
    session_request_error,
    user_message,
)
from partnerdesk.channels.socketio_turns import AnswerNotingOutput
from partnerdesk.core.web_settings import web_origins
from partnerdesk.rasa_patches import skip_sanic_cors

logger = logging.getLogger(__name__)
# The event telling a client that its event was refused: {"error": "..."}.
BAD_REQUEST_EVENT = "bad_request"


class CheckedEngineIO(engineio.AsyncServer):
    """engine.io's server, refusing malformed long-polling POSTs before it reads them."""

    async def handle_request(self, *args: Any, **kwargs: Any) -> Any:
        """Answer one engine.io HTTP request (sanic passes the request first)."""
        request: Request = args[0]
        skip_sanic_cors(request)
        if request.method == "POST":
            if not request.args.get("sid"):
                return response.text("A POST needs the sid of an open session.", status=400)
            refused = polling_post_error(request.body or b"", self.max_http_buffer_size)
            if refused:
                return response.text(refused[1], status=refused[0])
        try:
            return await super().handle_request(*args, **kwargs)
        except KeyError:
            # python-engineio 4.7.1 checks "sid in sockets", then raises KeyError from
            # _get_socket when that session closed in between (seen under fuzzing).
            return response.text("This session is closed; open a new one.", status=400)


class CheckedSocketServer(socketio.AsyncServer):
    """python-socketio's server on :class:`CheckedEngineIO`."""

    def _engineio_server_class(self) -> type:
        return CheckedEngineIO


class PollingSocketIOInput(AppliesPatches, SocketIOInput):
    """Rasa's socket.io channel on long-polling only, for the page's origins."""

    @classmethod
    def name(cls) -> str:
        """Keeps the channel name ``socketio`` (trackers and metrics stay the same)."""
        return "socketio"

    def socket_server(self) -> socketio.AsyncServer:
        """The socket.io server: long-polling only, origins from ``PARTNERDESK_WEB_ORIGINS``."""
        return CheckedSocketServer(
            async_mode="sanic",
            cors_allowed_origins=web_origins(),
            allow_upgrades=False,
            transports=["polling"],
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The socket.io route and its event handlers."""
        sio = self.sio = self.socket_server()
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token") if isinstance(auth, dict) else None
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, *args: Any) -> None:
            problem = session_request_error(args)
            if problem:
                return await self._refuse(sid, "session_request", problem)
            data = dict(args[0] or {}) if args else {}
            session_id = data.get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, *args: Any) -> None:
            data, problem = user_message(args, self.metadata_key, self.session_persistence)
            if problem or data is None:
                return await self._refuse(sid, self.user_message_evt, problem or "no data")
            sender_id = data["session_id"] if self.session_persistence else sid
            output = AnswerNotingOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(
                    data["message"],
                    output,
                    sender_id,
                    input_channel=self.name(),
                    metadata=data.get(self.metadata_key) or {},
                )
            )
            await output.report_turn_done(sender_id)  # the page's typing indicator stops

        return blueprint

    async def _refuse(self, sid: str, event: str, problem: str) -> None:
        logger.warning("socket.io: refused a %s event from %s: %s", event, sid, problem)
        await self.sio.emit(BAD_REQUEST_EVENT, {"error": problem}, room=sid)
