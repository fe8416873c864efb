"""Answers from the conversation's context: the other offer, and both of two questions."""

import pytest

from actions.context import ActionAnswerBothQuestions, ActionAnswerOtherOffer

RENEWAL = {
    "faq": "renew_action_pack",
    "alternatives": [],
    "rule": "renewal_window",
    "date": "2020-09-01",
    "offer": "action_pack",
}


async def test_after_a_renewal_answer_the_other_offer_gets_the_same_window(
    dispatcher, make_tracker
):
    tracker = make_tracker(
        "and for our competency?", intent="ask_other_offer", slots={"answer_context": RENEWAL}
    )
    events = await ActionAnswerOtherOffer().run(dispatcher, tracker, {})
    same, answer = dispatcher.messages
    assert same["response"] == "utter_same_for_competency"
    assert answer["response"] == "utter_renewal_window_not_open_yet"
    assert answer["window_opens"] == "September 2, 2021"
    [context] = [e["value"] for e in events if e.get("name") == "answer_context"]
    assert (context["faq"], context["offer"]) == ("renew_competency", "competency")


async def test_without_naming_it_the_other_offer_is_meant(dispatcher, make_tracker):
    tracker = make_tracker(
        "그럼 다른 쪽은요?",
        intent="ask_other_offer",
        slots={"answer_context": RENEWAL, "language": "ko"},
    )
    await ActionAnswerOtherOffer().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_same_for_competency"


@pytest.mark.parametrize(
    ("faq", "text", "response"),
    [
        ("renew_action_pack", "what about a gold competency?", "utter_faq/renew_competency"),
        ("renew_competency", "그럼 액션팩은요?", "utter_faq/renew_action_pack"),
        ("covid_hardship", "and the action pack?", "utter_covid_extension_not_applicable_offer"),
    ],
)
async def test_after_an_faq_answer_the_answer_for_the_other_offer(
    dispatcher, make_tracker, faq, text, response
):
    tracker = make_tracker(
        text, intent="ask_other_offer", slots={"answer_context": {"faq": faq, "alternatives": []}}
    )
    await ActionAnswerOtherOffer().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == [response]


async def test_covid_action_pack_follow_up_of_a_rule_answer(dispatcher, make_tracker):
    context = {**RENEWAL, "rule": "covid_extension", "faq": "covid_hardship", "offer": "competency"}
    tracker = make_tracker(
        "what about the action pack?", intent="ask_other_offer", slots={"answer_context": context}
    )
    await ActionAnswerOtherOffer().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_covid_extension_not_applicable_offer"
    ]


async def test_without_a_last_answer_it_falls_back_honestly(dispatcher, make_tracker):
    tracker = make_tracker("what about competencies?", intent="ask_other_offer")
    await ActionAnswerOtherOffer().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] in (
        ["utter_cannot_answer"],
        ["utter_did_you_mean"],
    )


async def test_both_questions_are_answered_in_the_order_asked(dispatcher, make_tracker):
    text = "Can one token be split? Also, when can we renew our Action Pack?"
    tracker = make_tracker(text, intent="faq_multi")
    tracker.latest_message["faq_answers"] = [  # best first, as the NLU lists them
        {
            "intent_response_key": "faq/renew_action_pack",
            "confidence": 0.9,
            "text": "Also, when can we renew our Action Pack?",
        },
        {
            "intent_response_key": "faq/token_split",
            "confidence": 0.8,
            "text": "Can one token be split?",
        },
    ]
    assert await ActionAnswerBothQuestions().run(dispatcher, tracker, {}) == []
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_faq/token_split",
        "utter_faq/renew_action_pack",
    ]
