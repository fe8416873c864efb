"""Handing a conversation to a person, as the action server sees it.

The action server has no database and no Slack credentials: ``action_handoff`` returns
only its message, ``ConversationPaused`` and the reason in the ``handoff_reason`` slot;
the Rasa server writes the handoff record and tells the agents
(:mod:`partnerdesk.handoff.runtime`). While a handoff is open the conversation stays
paused: a new session keeps the pause (``action_session_start``) and ``/restart`` is
ignored (``action_restart``). After two replies in a row that PartnerDesk could not
answer, it offers a person (``utter_offer_person``, a "Talk to a person" button).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    EventType,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher

from partnerdesk.core.handoff import reason_or_default
from partnerdesk.core.outcomes import FALLBACK_REPLIES

REASON_SLOT = "handoff_reason"


def previous_reply_fell_back(tracker: Tracker) -> bool:
    """Whether PartnerDesk's reply to the partner's previous message was a fallback.

    Reads only the previous turn (its bot messages, between the previous and the current
    user message), never the conversation's history.
    """
    seen_current = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_current:
                return False
            seen_current = True
        elif kind == "bot" and seen_current:
            if (event.get("metadata") or {}).get("utter_action") in FALLBACK_REPLIES:
                return True
    return False


def offer_person_if_again(tracker: Tracker, dispatcher: CollectingDispatcher) -> None:
    """After a fallback reply: offer a person if the previous reply fell back too."""
    if previous_reply_fell_back(tracker):
        dispatcher.utter_message(response="utter_offer_person")


class ActionHandoff(Action):
    """Hands the conversation to a person: the message, the reason, the pause."""

    def name(self) -> Text:
        """Action name used in the domain."""
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """``utter_handoff_started`` (its variant follows ``agents_online``), then pause.

        The reason comes with the button that offered a person (``thumbs_down``,
        ``fallbacks``); a request in the partner's own words is ``asked``. The closing
        ``action_listen`` is what Rasa's prediction loop would have added had the pause
        not stopped it: without it Rasa's default ``/restart`` mapping (which needs the
        latest action to be ``action_listen``) would not apply while paused, and the
        request for a person would be predicted again.
        """
        given = next(tracker.get_latest_entity_values(REASON_SLOT), None)
        dispatcher.utter_message(response="utter_handoff_started")
        return [
            SlotSet(REASON_SLOT, reason_or_default(given)),
            ConversationPaused(),
            ActionExecuted("action_listen"),
        ]


class ActionSessionStart(Action):
    """Rasa's session start (slots carried over), keeping an open handoff's pause."""

    def name(self) -> Text:
        """Replaces Rasa's default ``action_session_start``."""
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """``SessionStarted``, the slots, the pause if the conversation was paused, listen."""
        events: List[EventType] = [SessionStarted()]
        carry_over = (domain.get("session_config") or {}).get("carry_over_slots_to_new_session")
        if carry_over is not False:
            events += [
                SlotSet(name, value) for name, value in tracker.slots.items() if value is not None
            ]
        if tracker.is_paused():
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events


class ActionRestart(Action):
    """Rasa's ``/restart``, except while a person has the conversation."""

    def name(self) -> Text:
        """Replaces Rasa's default ``action_restart``."""
        return "action_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Restart, unless the conversation is paused for a handoff.

        Paused, the ``/restart`` is taken back (``UserUtteranceReverted``): Rasa handles a
        restart even in a paused conversation, and with nothing returned it would go on
        predicting (and answer with its fallback) while the person has the conversation.
        The slots are then set again as they were before the ``/restart``: Rasa's replay of
        a ``UserUtteranceReverted`` rewinds to the action before the message, and while
        paused there is none between the partner's messages, so it would also drop what
        those messages set (``answer_context``, the language).
        """
        if tracker.is_paused():
            return [UserUtteranceReverted(), *slots_as_before_latest_message(tracker, domain)]
        if _has_response(domain, "utter_restart"):  # as Rasa's own: only if there is one
            dispatcher.utter_message(response="utter_restart")
        return [Restarted()]


def slots_as_before_latest_message(tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
    """A ``SlotSet`` for every slot, with the value it had before the latest user message."""
    events = tracker.events
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    latest = users[-1] if users else len(events)
    changed_since = {e.get("name") for e in events[latest:] if e.get("event") == "slot"}
    values = dict(tracker.slots)
    for name in changed_since:
        values[name] = (domain.get("slots", {}).get(name) or {}).get("initial_value")
        for event in reversed(events[:latest]):
            if event.get("event") in ("restart", "session_started"):
                break
            if event.get("event") == "slot" and event.get("name") == name:
                values[name] = event.get("value")
                break
    return [SlotSet(name, value) for name, value in values.items()]


class ActionOutOfScope(Action):
    """Says the question is outside the FAQ, and offers a person the second time."""

    def name(self) -> Text:
        """Action name used in the domain."""
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """``utter_out_of_scope``, then ``utter_offer_person`` after a second fallback."""
        dispatcher.utter_message(response="utter_out_of_scope")
        offer_person_if_again(tracker, dispatcher)
        return []


def _has_response(domain: Dict[Text, Any], name: str) -> bool:
    return name in (domain.get("responses") or {})
