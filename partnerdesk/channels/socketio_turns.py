"""Telling the web chat that a turn is over, so its typing indicator can stop.

The page shows "typing…" after the partner sends a message (``web/support/typing.js``)
and hides it when an answer arrives. When a turn ends without one, because the
conversation is paused while a person takes over (issue 12's handoff), the page would
show "typing…" for nothing. After every message the socket.io channel therefore sends
``turn_done`` ``{"answered": bool}`` to the conversation's room: ``false`` means nothing
was sent, and the page keeps its indicator off until PartnerDesk answers again.
"""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa.core.channels.socketio import SocketIOOutput

TURN_DONE_EVENT = "turn_done"


class AnswerNotingOutput(SocketIOOutput):
    """Rasa's socket.io output, noting whether the turn sent anything."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answered = False

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Send one bot message (as Rasa does) and note that the turn answered."""
        self.answered = True
        await super().send_response(recipient_id, message)

    async def report_turn_done(self, room: Text) -> None:
        """Tell the page that the turn is over, and whether it answered."""
        await self.sio.emit(TURN_DONE_EVENT, {"answered": self.answered}, room=room)
