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
- **Replicas share emits.** With ``PARTNERDESK_REDIS_URL`` set (the production profile)
  the server's client manager is python-socketio's ``AsyncRedisManager``, given when the
  server is built, before any connection: a message for a partner held by another
  replica (an agent's reply) reaches them through Redis. Emits to a partner this
  replica holds stay local, so the bot's own answers need no Redis.
- **Handoffs** (:mod:`partnerdesk.handoff`): open sessions are the partners' presence;
  agent messages that waited for a closed page are sent when it reconnects.
- **Each turn ends with ``turn_done``** ``{"answered": bool}``, which stops the page's
  typing indicator (:mod:`partnerdesk.channels.socketio_turns`).
"""

from __future__ import annotations

import logging
import os
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
from partnerdesk.channels.handoff_turns import handoff_turns
from partnerdesk.channels.socketio_checks import (
    polling_post_error,
    session_request_error,
    user_message,
)
from partnerdesk.channels.socketio_turns import AnswerNotingOutput
from partnerdesk.core.web_settings import web_origins
from partnerdesk.handoff.delivery import SocketIODelivery
from partnerdesk.handoff.runtime import current
from partnerdesk.rasa_patches import skip_sanic_cors

logger = logging.getLogger(__name__)
# The event telling a client that its event was refused: {"error": "..."}.
BAD_REQUEST_EVENT = "bad_request"
REDIS_URL_ENV = "PARTNERDESK_REDIS_URL"
# The Redis pub/sub channel the replicas' socket.io servers share.
REDIS_CHANNEL = "partnerdesk-socketio"


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
    """python-socketio's server on :class:`CheckedEngineIO`, emitting locally when it can."""

    def _engineio_server_class(self) -> type:
        return CheckedEngineIO

    async def emit(
        self,
        event: str,
        data: Any = None,
        to: Any = None,
        room: Any = None,
        skip_sid: Any = None,
        namespace: Optional[str] = None,
        callback: Any = None,
        ignore_queue: bool = False,
    ) -> None:
        """Emit; to a room with members on this server, without the Redis round trip."""
        room = to or room
        if not ignore_queue and callback is None and self._held_here(room, namespace or "/"):
            ignore_queue = True
        await super().emit(
            event,
            data,
            room=room,
            skip_sid=skip_sid,
            namespace=namespace,
            callback=callback,
            ignore_queue=ignore_queue,
        )

    def _held_here(self, room: Any, namespace: str) -> bool:
        if not isinstance(room, str) or namespace not in self.manager.rooms:
            return False
        return any(True for _ in self.manager.get_participants(namespace, room))


def client_manager(env: Optional[Dict[str, str]] = None) -> Optional[socketio.AsyncManager]:
    """The Redis client manager replicas share, when ``PARTNERDESK_REDIS_URL`` is set."""
    url = (os.environ if env is None else env).get(REDIS_URL_ENV)
    if not url:
        return None
    return socketio.AsyncRedisManager(url, channel=REDIS_CHANNEL)


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
            client_manager=client_manager(),
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The socket.io route and its event handlers."""
        sio = self.sio = self.socket_server()
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        runtime = current()
        delivery = SocketIODelivery(runtime, sio, self.bot_message_evt)
        runtime.register_deliverer(self.name(), delivery)
        on_new_message = handoff_turns(on_new_message)

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
                await runtime.presence.arrive(session_id, sid)
            await sio.emit("session_confirm", session_id, room=sid)
            for message in await runtime.take_queued(session_id):
                await delivery.send(sid, message)

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            await runtime.presence.leave(sid)

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
