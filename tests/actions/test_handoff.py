"""The handoff's actions with real trackers and a real dispatcher."""

from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_fallback import ActionFaqFallback
from actions.handoff import (
    ActionHandoff,
    ActionOutOfScope,
    ActionRestart,
    ActionSessionStart,
    previous_reply_fell_back,
)

DOMAIN = {"session_config": {"carry_over_slots_to_new_session": True}, "responses": {}}


def tracker(
    events: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    paused: bool = False,
    intent: str = "human_handoff",
) -> Tracker:
    latest = {
        "text": "x",
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
    }
    return Tracker(
        "partner",
        {"language": "en", **(slots or {})},
        latest,
        events or [],
        paused,
        None,
        {},
        "action_listen",
    )


def user(text: str = "q") -> Dict[str, Any]:
    return {"event": "user", "text": text}


def bot(utter: str) -> Dict[str, Any]:
    return {"event": "bot", "text": utter, "metadata": {"utter_action": utter}}


async def test_handoff_says_its_message_sets_the_reason_and_pauses():
    dispatcher = CollectingDispatcher()
    events = await ActionHandoff().run(dispatcher, tracker(), {})
    assert events == [
        SlotSet("handoff_reason", "asked"),
        ConversationPaused(),
        ActionExecuted("action_listen"),
    ]
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_started"]


@pytest.mark.parametrize("reason", ["thumbs_down", "fallbacks"])
async def test_the_buttons_reason_comes_with_the_handoff(reason):
    given = [{"entity": "handoff_reason", "value": reason}]
    events = await ActionHandoff().run(CollectingDispatcher(), tracker(entities=given), {})
    assert events[0] == SlotSet("handoff_reason", reason)


async def test_an_unknown_reason_is_asked():
    given = [{"entity": "handoff_reason", "value": "because"}]
    events = await ActionHandoff().run(CollectingDispatcher(), tracker(entities=given), {})
    assert events[0] == SlotSet("handoff_reason", "asked")


async def test_a_new_session_of_a_paused_conversation_stays_paused():
    slots = {"language": "ko", "handoff_reason": "asked", "purchase_date": None}
    events = await ActionSessionStart().run(
        CollectingDispatcher(), tracker(slots=slots, paused=True), DOMAIN
    )
    assert events == [
        SessionStarted(),
        SlotSet("language", "ko"),
        SlotSet("handoff_reason", "asked"),
        ConversationPaused(),
        ActionExecuted("action_listen"),
    ]


async def test_a_new_session_otherwise_carries_the_slots_over_as_rasa_does():
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker(), DOMAIN)
    assert events == [SessionStarted(), SlotSet("language", "en"), ActionExecuted("action_listen")]
    no_carry = {"session_config": {"carry_over_slots_to_new_session": False}}
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker(), no_carry)
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


async def test_restart_is_ignored_while_a_person_has_the_conversation():
    dispatcher = CollectingDispatcher()
    paused = await ActionRestart().run(dispatcher, tracker(paused=True), DOMAIN)
    assert paused == [UserUtteranceReverted(), SlotSet("language", "en")]
    assert dispatcher.messages == []
    assert await ActionRestart().run(dispatcher, tracker(), DOMAIN) == [Restarted()]


async def test_a_restart_taken_back_keeps_what_the_paused_messages_set():
    """Rasa's replay of the revert rewinds past the paused messages: the slots are set again
    as they were before the /restart (what the /restart message itself set is not kept)."""
    events = [
        {"event": "action", "name": "action_handoff"},
        {"event": "pause"},
        user("can one token be split?"),
        {"event": "slot", "name": "answer_context", "value": {"faq": "token_split"}},
        user("/restart"),
        {"event": "slot", "name": "language", "value": "ko"},
        {"event": "slot", "name": "topic", "value": "renewal"},
    ]
    slots = {"language": "ko", "topic": "renewal", "answer_context": {"faq": "token_split"}}
    domain = {"slots": {"language": {"initial_value": None}, "topic": {}}}
    reverted = await ActionRestart().run(
        CollectingDispatcher(), tracker(events, slots, paused=True), domain
    )
    assert reverted[0] == UserUtteranceReverted()
    for expected in (
        SlotSet("answer_context", {"faq": "token_split"}),
        SlotSet("language", None),
        SlotSet("topic", None),
    ):
        assert expected in reverted[1:]


def test_previous_reply_fell_back_reads_only_the_previous_turn():
    fell = [user(), bot("utter_cannot_answer"), user()]
    assert previous_reply_fell_back(tracker(fell))
    answered = [user(), bot("utter_cannot_answer"), user(), bot("utter_faq/x"), user()]
    assert not previous_reply_fell_back(tracker(answered))
    # this turn's own fallback reply is not the previous one
    assert not previous_reply_fell_back(
        tracker([user(), bot("utter_faq/x"), user(), bot("utter_out_of_scope")])
    )
    # a reply offering a person after the fallback still counts the fallback
    offered = [user(), bot("utter_cannot_answer"), bot("utter_offer_person"), user()]
    assert previous_reply_fell_back(tracker(offered))
    assert not previous_reply_fell_back(tracker([user()]))


async def test_out_of_scope_offers_a_person_the_second_time_in_a_row():
    first = CollectingDispatcher()
    await ActionOutOfScope().run(first, tracker([user()], intent="out_of_scope"), {})
    assert [m["response"] for m in first.messages] == ["utter_out_of_scope"]
    second = CollectingDispatcher()
    events = [user(), bot("utter_empty_message"), user()]
    await ActionOutOfScope().run(second, tracker(events, intent="out_of_scope"), {})
    assert [m["response"] for m in second.messages] == ["utter_out_of_scope", "utter_offer_person"]


async def test_cannot_answer_offers_a_person_after_an_out_of_scope_reply():
    latest_parse = {"intent": {"name": "nlu_fallback"}, "response_selector": {}}
    t = tracker([user(), bot("utter_out_of_scope"), user()], intent="nlu_fallback")
    t.latest_message.update(latest_parse)
    dispatcher = CollectingDispatcher()
    await ActionFaqFallback().run(dispatcher, t, {})
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_cannot_answer",
        "utter_offer_person",
    ]
