"""Rasa's socket.io channel, made to work for browsers on Python 3.11.

On stock Rasa 3.6.21 with sanic 21.12.2 the websocket upgrade fails under
Python 3.11 (sanic passes a bare coroutine to ``asyncio.wait``), engine.io then
keeps the session marked "upgrading" and answers every later poll empty, so a
web chat never receives ``session_confirm``. This channel stops offering the
upgrade: clients stay on HTTP long-polling, which works.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint


class PollingSocketIOInput(SocketIOInput):
    """``SocketIOInput`` that serves engine.io over long-polling only."""

    @classmethod
    def name(cls) -> str:
        """Keeps the channel name ``socketio`` (trackers and metrics stay the same)."""
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint, with transport upgrades switched off."""
        blueprint = super().blueprint(on_new_message)
        engine = self.sio.eio
        engine.allow_upgrades = False
        engine.transports = ["polling"]
        return blueprint
