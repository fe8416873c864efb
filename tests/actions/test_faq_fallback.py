import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_fallback import ActionFaqFallback, close_answers


def _tracker(intents, answers, language="en", reason="low_answer_confidence"):
    latest = {
        "text": "renewal?",
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}]
        + [{"name": n, "confidence": c} for n, c in intents],
        "fallback_reason": reason,
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": f"faq/{k}", "confidence": c} for k, c in answers
                ]
            }
        },
    }
    return Tracker("partner", {"language": language}, latest, [], False, None, {}, "action_listen")


async def _run(tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionFaqFallback().run(dispatcher, tracker, {})
    return events, dispatcher.messages


CLOSE = [
    ("renew_competency", 0.38),
    ("renew_action_pack", 0.35),
    ("missed_renewal", 0.2),
    ("token_split", 0.01),
]


async def test_close_answers_become_did_you_mean_buttons_in_english():
    events, [message] = await _run(_tracker([("faq", 0.9)], CLOSE))
    assert events == []
    assert message["response"] == "utter_did_you_mean"
    assert [b["payload"] for b in message["buttons"]] == [
        "/faq/renew_competency",
        "/faq/renew_action_pack",
        "/faq/missed_renewal",
    ]
    assert all(b["title"] and b["title"].isascii() for b in message["buttons"])


async def test_button_titles_follow_the_language_slot():
    _, [message] = await _run(_tracker([("faq", 0.9)], CLOSE, language="ko"))
    assert len(message["buttons"]) == 3
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in b["title"]) for b in message["buttons"])


@pytest.mark.parametrize(
    ("intents", "answers"),
    [
        ([("out_of_scope", 0.5), ("faq", 0.4)], CLOSE),  # looked out of scope
        (
            [("faq", 0.9)],
            [("renew_competency", 0.2), ("token_split", 0.05), ("license_help", 0.04)],
        ),
        ([("faq", 0.9)], [("renew_competency", 0.45), ("token_split", 0.05)]),  # one candidate only
    ],
)
async def test_no_close_answers_gets_the_honest_reply(intents, answers):
    _, [message] = await _run(_tracker(intents, answers))
    assert message == {**message, "response": "utter_cannot_answer", "buttons": []}


async def test_message_without_words_asks_for_a_question():
    _, [message] = await _run(_tracker([("greet", 0.9)], CLOSE, reason="no_words"))
    assert message["response"] == "utter_empty_message"


def test_close_answers_ignores_the_fallback_entry_in_the_ranking():
    parse = _tracker([("faq", 0.9)], CLOSE).latest_message
    assert close_answers(parse) == ["renew_competency", "renew_action_pack", "missed_renewal"]
