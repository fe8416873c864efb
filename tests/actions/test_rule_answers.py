import pytest
from rasa_sdk.events import SlotSet

from actions.rule_answers import (
    ActionAnswerCovid,
    ActionAnswerReactivation,
    ActionAnswerRenewal,
    ActionAnswerToken,
    ActionRememberDate,
)


async def test_renewal_answer_in_english(dispatcher, make_tracker):
    tracker = make_tracker(slots={"offer": "action_pack", "purchase_date": "2020-09-01"})
    events = await ActionAnswerRenewal().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_renewal_window_not_open_yet"
    assert message["window_opens"] == "September 2, 2021"
    assert message["window_closes"] == "October 1, 2021"
    assert message["days_until"] == 13
    assert message["section"] == "Membership"
    assert message["section_url"].startswith("https://learn.microsoft.com/en-us/")
    assert events == [SlotSet("offer", None), SlotSet("purchase_date", None)]


async def test_renewal_answer_in_korean(dispatcher, make_tracker):
    tracker = make_tracker(
        slots={"language": "ko", "offer": "competency", "purchase_date": "2019-08-01"}
    )
    await ActionAnswerRenewal().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_renewal_window_open"
    assert message["window_closes"] == "2021년 8월 31일"
    assert message["days_left"] == 12
    assert "/ko-kr/" in message["section_url"]


@pytest.mark.parametrize(
    ("anniversary", "response", "extra"),
    [
        ("2020-10-15", "utter_covid_extension_extended", {"extended_through": "October 15, 2021"}),
        ("2020-06-30", "utter_covid_extension_not_eligible", {}),
        ("2021-01-01", "utter_covid_extension_not_eligible", {}),
    ],
)
async def test_covid_answers(dispatcher, make_tracker, anniversary, response, extra):
    await ActionAnswerCovid().run(
        dispatcher, make_tracker(slots={"anniversary_date": anniversary}), {}
    )
    [message] = dispatcher.messages
    assert message["response"] == response
    assert message.items() >= extra.items()


async def test_covid_does_not_apply_to_the_action_pack(dispatcher, make_tracker):
    await ActionAnswerCovid().run(
        dispatcher,
        make_tracker(slots={"anniversary_date": "2020-10-15", "offer": "action_pack"}),
        {},
    )
    assert dispatcher.messages[0]["response"] == "utter_covid_extension_not_applicable_offer"


@pytest.mark.parametrize(
    ("anniversary", "response"),
    [
        ("2021-08-01", "utter_reactivation_can_pay_fee"),
        ("2021-07-21", "utter_reactivation_can_pay_fee"),  # last day
        ("2021-07-20", "utter_reactivation_support_ticket"),
        ("2021-09-01", "utter_reactivation_not_due_yet"),
    ],
)
async def test_reactivation_answers(dispatcher, make_tracker, anniversary, response):
    await ActionAnswerReactivation().run(
        dispatcher, make_tracker(slots={"anniversary_date": anniversary}), {}
    )
    assert dispatcher.messages[0]["response"] == response


@pytest.mark.parametrize(
    ("slots", "response"),
    [
        (
            {
                "token_problem": "wrong_tenant",
                "activation_date": "2021-08-01",
                "replaced_before": False,
            },
            "utter_replacement_token_eligible",
        ),
        (
            {
                "token_problem": "wrong_tenant",
                "activation_date": "2021-07-21",
                "replaced_before": False,
            },
            "utter_replacement_token_eligible",
        ),
        (
            {
                "token_problem": "seats_added_by_mistake",
                "activation_date": "2021-07-20",
                "replaced_before": False,
            },
            "utter_replacement_token_expired",
        ),
        (
            {
                "token_problem": "wrong_tenant",
                "activation_date": "2021-08-01",
                "replaced_before": True,
            },
            "utter_replacement_token_already_replaced",
        ),
        ({"token_problem": "other"}, "utter_replacement_token_not_covered"),
    ],
)
async def test_token_answers(dispatcher, make_tracker, slots, response):
    events = await ActionAnswerToken().run(dispatcher, make_tracker(slots=slots), {})
    assert dispatcher.messages[0]["response"] == response
    assert SlotSet("token_problem", None) in events


async def test_a_date_alone_is_remembered_and_the_rules_offered(dispatcher, make_tracker):
    events = await ActionRememberDate().run(
        dispatcher, make_tracker("2020년 9월 1일", slots={"language": "ko"}), {}
    )
    assert events == [SlotSet("pending_date", "2020-09-01")]
    assert dispatcher.messages[0]["response"] == "utter_ask_what_date_is_for"
    assert dispatcher.messages[0]["date"] == "2020년 9월 1일"


@pytest.mark.parametrize(
    ("text", "response"),
    [("Feb 30 2021", "utter_date_impossible"), ("soon", "utter_date_unparseable")],
)
async def test_a_bad_date_alone_gets_a_clear_message(dispatcher, make_tracker, text, response):
    assert await ActionRememberDate().run(dispatcher, make_tracker(text), {}) == []
    assert dispatcher.messages[0]["response"] == response
