"""Rasa events as the tracker store keeps them (``Event.as_dict()``), built for tests.

Outcome tests build conversations from these; the handoff events (the ``handoff_reason``
slot, ``pause``, agent replies) are what the handoff work stores, per contracts.md.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional


class Conversation:
    """Appends events with increasing timestamps, starting at ``start``."""

    def __init__(self, start: float = 1_700_000_000.0, channel: str = "rest") -> None:
        self.clock = start
        self.channel = channel
        self.events: List[Dict[str, Any]] = []

    def _add(self, event: Dict[str, Any], after: float) -> "Conversation":
        self.clock += after
        self.events.append({**event, "timestamp": self.clock})
        return self

    def session_start(self, after: float = 1.0, **slots: Any) -> "Conversation":
        """Rasa's session start, with carried-over slots."""
        self._add({"event": "action", "name": "action_session_start"}, after)
        self._add({"event": "session_started"}, 0.001)
        for name, value in slots.items():
            self.slot(name, value, after=0.001)
        return self._add({"event": "action", "name": "action_listen"}, 0.001)

    def user(
        self,
        text: str,
        intent: str = "faq",
        language: Optional[str] = "en",
        after: float = 5.0,
        **entities: str,
    ) -> "Conversation":
        """A partner message with its language entity and other entities."""
        found = [{"entity": "language", "value": language}] if language else []
        found += [{"entity": name, "value": value} for name, value in entities.items()]
        self._add(
            {
                "event": "user",
                "text": text,
                "input_channel": self.channel,
                "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": found},
            },
            after,
        )
        if language:
            self.slot("language", language, after=0.001)
        return self

    def bot(
        self, utter_action: Optional[str], after: float = 0.1, **metadata: Any
    ) -> "Conversation":
        """A bot message sent by ``utter_action`` (an agent's: ``agent=<name>``)."""
        meta = {"utter_action": utter_action} if utter_action else {}
        self._add({"event": "action", "name": utter_action or "action_x"}, after)
        return self._add({"event": "bot", "text": "…", "metadata": {**meta, **metadata}}, 0.001)

    def listen(self) -> "Conversation":
        """``action_listen``."""
        return self._add({"event": "action", "name": "action_listen"}, 0.001)

    def slot(self, name: str, value: Any, after: float = 0.001) -> "Conversation":
        """A ``slot`` event."""
        return self._add({"event": "slot", "name": name, "value": value}, after)

    def pause(self, after: float = 0.001) -> "Conversation":
        """``ConversationPaused``."""
        return self._add({"event": "pause"}, after)

    def resume(self, after: float = 1.0) -> "Conversation":
        """``ConversationResumed``."""
        return self._add({"event": "resume"}, after)

    def ask_faq(
        self, text: str, faq_id: str, language: str = "en", after: float = 5.0
    ) -> "Conversation":
        """A question answered from the FAQ, with the listen after it."""
        return self.user(text, "faq", language, after).bot(f"utter_faq/{faq_id}").listen()

    def click(self, helpful: str, faq_id: str, after: float = 3.0) -> "Conversation":
        """A 👍/👎 click under an answer, and the thanks."""
        payload = "/feedback" + json.dumps({"helpful": helpful, "feedback_faq": faq_id})
        self.user(payload, "feedback", None, after, helpful=helpful, feedback_faq=faq_id)
        return self.bot("utter_feedback_thanks").listen()

    def handoff(self, reason: str = "asked", after: float = 5.0) -> "Conversation":
        """The partner asks for a person: the handoff action's message, reason slot and pause."""
        self.user("talk to a person", "human_handoff", "en", after)
        self.bot("utter_handoff_started").slot("handoff_reason", reason).pause()
        return self.listen()
