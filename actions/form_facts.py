"""What a partner's reply to a form's question says, and saying back what was kept.

A reply may answer another question than the one asked: a date when asked what went
wrong with the token, the offer when asked the purchase date. Such facts fill their
slots, are said back ("Noted: the token was activated on August 1, 2021."), and the
question comes again; the reply is never misread as the answer asked for.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from partnerdesk.core import clock
from partnerdesk.core.dates import find_date, format_date
from partnerdesk.core.mentions import detect_offer, detect_replaced_before, detect_token_problem
from partnerdesk.core.rules import ImpossibleDateError

# Messages with these intents are interruptions, never answers to a form's question.
INTERRUPTING_INTENTS = frozenset(
    {
        "faq",
        "faq_multi",
        "stop",
        "greet",
        "goodbye",
        "thank",
        "bot_challenge",
        "human_handoff",
        "feedback",
        "not_helpful",
    }
)
DATE_SLOTS = ("purchase_date", "anniversary_date", "activation_date")
# Facts said back with utter_noted_<slot>_<value>.
NOTED_VALUES = {
    "offer": ("action_pack", "competency"),
    "token_problem": ("wrong_tenant", "seats_added_by_mistake"),
    "replaced_before": (True, False),
}
_SKIPPED = frozenset({"requested_slot", "pending_date"})


def latest_text(tracker: Tracker) -> str:
    """The partner's latest words (a button's payload is none)."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The latest message's intent."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def is_answer_to(tracker: Tracker, slot: str) -> bool:
    """Whether the latest message replies to the form's question for ``slot``."""
    asked = tracker.get_slot("requested_slot") == slot
    return asked and latest_intent(tracker) not in INTERRUPTING_INTENTS


def facts_in(text: str) -> Dict[Text, Any]:
    """The facts other than dates that a message names: offer, token problem, replacement."""
    facts: Dict[Text, Any] = {
        "offer": detect_offer(text),
        "token_problem": detect_token_problem(text),
        "replaced_before": detect_replaced_before(text),
    }
    return {name: value for name, value in facts.items() if value is not None}


def has_date(text: str) -> bool:
    """Whether the message holds a date (a possible one or not)."""
    try:
        return find_date(text, clock.today()) is not None
    except ImpossibleDateError:
        return True


def noted_response(slot: str, value: Any) -> Optional[str]:
    """The response that says back ``slot`` = ``value``, if there is one."""
    if slot in DATE_SLOTS:
        return f"utter_noted_{slot}"
    if value in NOTED_VALUES.get(slot, ()):
        return f"utter_noted_{slot}_{str(value).lower()}"
    return None


def acknowledge(
    dispatcher: CollectingDispatcher,
    asked: Optional[str],
    before: Mapping[str, Any],
    events: List[EventType],
    language: str,
) -> None:
    """Say back the facts a reply gave while the form asked for ``asked`` and got nothing.

    Nothing is said when no question was asked yet (the first message), when the
    question was answered, or when the reply already got a message (an unreadable date).
    """
    set_now = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    if not asked or set_now.get(asked) is not None or dispatcher.messages:
        return
    for slot, value in set_now.items():
        if slot == asked or slot in _SKIPPED or value is None or before.get(slot) == value:
            continue
        response = noted_response(slot, value)
        if response is None:
            continue
        if slot in DATE_SLOTS:
            day = format_date(date.fromisoformat(str(value)), language)
            dispatcher.utter_message(response=response, date=day)
        else:
            dispatcher.utter_message(response=response)
