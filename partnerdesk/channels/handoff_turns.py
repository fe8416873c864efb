"""A partner's turn, as the handoff sees it: what the partner channels share.

Wraps the ``on_new_message`` Rasa gives a channel (REST, socket.io, Slack):

- a turn in which PartnerDesk said nothing is a turn of a paused conversation (every
  answered turn says something), so only then is the database asked whether the
  conversation is handed to a person, and the partner's words relayed to the agents'
  Slack thread: an answered turn costs nothing extra for this;
- a REST reply starts with the agent messages that waited for this partner (one query
  per REST turn, answered or not: a message may wait while the bot answers again).

Without the handoff runtime (no agent API on this server) it changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from partnerdesk.handoff.runtime import current

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


class CountingOutput(OutputChannel):
    """Passes every message on to the channel's own output, counting them."""

    def __init__(self, inner: OutputChannel) -> None:
        """Count what goes through to ``inner``."""
        self.inner = inner
        self.sent = 0

    def name(self) -> Text:
        """The wrapped channel's name (responses may differ per channel)."""
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Send through the wrapped output, counting."""
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _sent(output: OutputChannel) -> Optional[int]:
    if isinstance(output, CollectingOutputChannel):
        return len(output.messages)
    return getattr(output, "sent", None)


def handoff_turns(on_new_message: Handler, hand_over_queued: bool = False) -> Handler:
    """``on_new_message``, telling the handoff about unanswered turns.

    Args:
        on_new_message: Rasa's handler for the channel's messages.
        hand_over_queued: Put the agent messages waiting for the partner first in the
            reply (a REST channel's collected messages).
    """

    async def handle(message: UserMessage) -> Any:
        runtime = current()
        if not runtime.started:
            return await on_new_message(message)
        output = message.output_channel
        if not isinstance(output, CollectingOutputChannel):
            output = message.output_channel = CountingOutput(output)
        before = _sent(output)
        result = await on_new_message(message)
        said = _sent(output) != before
        if hand_over_queued and isinstance(output, CollectingOutputChannel):
            queued = await runtime.take_queued(message.sender_id)
            output.messages[:0] = [{"recipient_id": message.sender_id, **m} for m in queued]
        if not said:
            try:
                await runtime.partner_spoke(message.sender_id, message.text or "")
            except Exception:
                logger.exception("A paused conversation's message was not relayed to agents.")
        return result

    return handle
