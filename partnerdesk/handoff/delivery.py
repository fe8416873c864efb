"""How messages from the agents' side reach a partner, per channel (Slack: its channel).

- **socket.io:** delivered when a session of the conversation is open (on any replica:
  the server's Redis client manager carries the emit there). An agent's message is the
  ``bot_uttered`` event ``{"text": <unchanged>, "metadata": {"agent": <name>}}``; other
  messages go as Rasa's socket.io output sends them. With no session open the message
  is queued and sent when the page reconnects.
- **REST:** never delivered at once; queued and put first in the partner's next reply.
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.core.channels.socketio import SocketIOOutput

from partnerdesk.core.handoff import AGENT_KEY, Handoff
from partnerdesk.handoff.runtime import HandoffRuntime


async def queue(runtime: HandoffRuntime, record: Handoff, message: Dict[str, Any]) -> bool:
    """Keep the message until the partner can be reached; never delivered now."""
    assert runtime.store is not None
    agent = (message.get("metadata") or {}).get(AGENT_KEY)
    await runtime.db(runtime.store.queue, record, message.get("text") or "", agent)
    return False


class QueueDelivery:
    """REST partners: every message waits for their next request."""

    def __init__(self, runtime: HandoffRuntime) -> None:
        """Queue in ``runtime``'s store."""
        self.runtime = runtime

    async def deliver(self, record: Handoff, tracker: Any, message: Dict[str, Any]) -> bool:
        """Queue the message (REST has no way to push it)."""
        return await queue(self.runtime, record, message)


class SocketIODelivery:
    """Web-chat partners: an emit to the conversation's room, if a session is open."""

    def __init__(self, runtime: HandoffRuntime, sio: Any, event: str) -> None:
        """Emit ``event`` (``bot_uttered``) with the socket.io server ``sio``."""
        self.runtime = runtime
        self.sio = sio
        self.event = event

    async def deliver(self, record: Handoff, tracker: Any, message: Dict[str, Any]) -> bool:
        """Emit the message to the partner's page, or queue it for its next connection."""
        room = record.conversation_id
        if not await self.runtime.presence.is_present(room):
            return await queue(self.runtime, record, message)
        await self.send(room, message)
        return True

    async def send(self, room: str, message: Dict[str, Any]) -> None:
        """Emit one message to ``room`` (a conversation or one session)."""
        if AGENT_KEY in (message.get("metadata") or {}):
            await self.sio.emit(self.event, message, room=room)
        else:
            await SocketIOOutput(self.sio, self.event).send_response(room, dict(message))
