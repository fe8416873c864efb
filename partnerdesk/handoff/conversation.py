"""Reading and writing a partner's conversation from outside a turn (the agent's side).

Every write goes through the tracker store under the lock store's lock for that sender,
as Rasa's own ``/conversations/<id>/tracker/events`` does: a partner message arriving at
the same moment waits for the write instead of being lost.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from rasa.core.actions.action import create_bot_utterance
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationResumed, Event, SlotSet

from partnerdesk.core.handoff import AGENT_KEY, TranscriptLine, transcript

RESOLVED_RESPONSE = "utter_handoff_resolved"
REASON_SLOT = "handoff_reason"


async def write(
    agent: Any, conversation_id: str, events_for: Callable[[Any], Any]
) -> Dict[str, Any]:
    """Append the events ``await events_for(tracker)`` returns, under the sender's lock.

    Returns:
        ``{"tracker": the saved tracker, "events": the events appended}``.
    """
    async with agent.lock_store.lock(conversation_id):
        tracker = await agent.processor.get_tracker(conversation_id)
        events: List[Event] = await events_for(tracker)
        tracker.update_with_events(events, agent.domain)
        await agent.processor.save_tracker(tracker)
    return {"tracker": tracker, "events": events}


def agent_message(text: str, name: str) -> Dict[str, Any]:
    """What an agent's reply is, on every channel: the text, and who wrote it."""
    return {"text": text, "metadata": {AGENT_KEY: name}}


def agent_utterance(text: str, name: str) -> BotUttered:
    """The agent's reply as a stored bot message whose metadata names the agent."""
    return BotUttered(text=text, metadata={AGENT_KEY: name})


async def resume_events(agent: Any, tracker: Any) -> List[Event]:
    """The bot resumes: ``ConversationResumed``, the reason cleared, "back", then listen.

    The "PartnerDesk is back" message is the ``utter_handoff_resolved`` response in the
    partner's language; without the closing ``action_listen`` the next question would
    not match a rule and would fall back.
    """
    message = await agent.processor.nlg.generate(
        RESOLVED_RESPONSE, tracker, tracker.get_latest_input_channel() or "rest"
    )
    events: List[Event] = [ConversationResumed(), SlotSet(REASON_SLOT, None)]
    if message:
        events.append(create_bot_utterance({**message, "utter_action": RESOLVED_RESPONSE}))
    events.append(ActionExecuted(ACTION_LISTEN_NAME))
    return events


def bot_message(event: BotUttered) -> Dict[str, Any]:
    """A stored bot message as output channels send it (text, buttons, ...)."""
    return {key: value for key, value in event.message().items() if value is not None}


async def transcript_of(agent: Any, conversation_id: str) -> Dict[str, Any]:
    """The whole conversation (every session) as transcript lines, with its slots.

    Returns:
        ``{"lines": [TranscriptLine], "slots": {name: value}}``.
    """
    tracker = await agent.tracker_store.retrieve_full_tracker(conversation_id)
    if tracker is None:
        return {"lines": [], "slots": {}}
    lines: List[TranscriptLine] = transcript(event.as_dict() for event in tracker.events)
    return {"lines": lines, "slots": tracker.current_slot_values()}


def latest_user_metadata(tracker: Any) -> Dict[str, Any]:
    """The metadata of the partner's latest message (Slack: where to answer)."""
    latest: Optional[Any] = tracker.latest_message
    metadata = getattr(latest, "metadata", None)
    return metadata if isinstance(metadata, dict) else {}
