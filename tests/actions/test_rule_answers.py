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
    assert message["calendar_url"].startswith("http://localhost:8080/calendar/renewal-window.ics?")
    assert events[-2:] == [SlotSet("offer", None), SlotSet("purchase_date", None)]
    assert SlotSet("topic", "renewal_window") in events


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
            {"token_problem": "wrong_tenant", "activation_date": "2021-08-01"},
            "utter_replacement_token_eligible_if_not_replaced",
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
        # Past the deadline the problem was never asked: too late for every problem.
        ({"activation_date": "2021-06-01"}, "utter_replacement_token_expired"),
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


# --- Calendar links, Slack reminders, the context a rule answer leaves (issue 15) ---

SLACK_DOMAIN = {
    "responses": {
        "utter_button_remind_me": [
            {
                "condition": [{"type": "slot", "name": "language", "value": "ko"}],
                "text": "알림 받기",
            },
            {"text": "Remind me"},
        ]
    }
}


def _slack(tracker):
    tracker.events.append({"event": "user", "text": "x", "input_channel": "slack"})
    return tracker


async def test_a_window_still_ahead_has_a_calendar_link_and_in_slack_a_reminder(
    dispatcher, make_tracker
):
    tracker = _slack(make_tracker(slots={"language": "ko", "purchase_date": "2020-09-01"}))
    await ActionAnswerRenewal().run(dispatcher, tracker, SLACK_DOMAIN)
    [message] = dispatcher.messages
    assert "lang=ko" in message["calendar_url"]
    assert "first=2021-09-02" in message["calendar_url"]
    [button] = message["buttons"]
    assert button["title"] == "알림 받기"
    assert button["payload"].startswith('/remind_me{"event": "rule=renewal_window&')


async def test_no_reminder_outside_slack_nor_beyond_slacks_120_days(dispatcher, make_tracker):
    await ActionAnswerRenewal().run(
        dispatcher, make_tracker(slots={"purchase_date": "2020-09-01"}), SLACK_DOMAIN
    )
    # The window opens in 13 days, but this conversation is not in Slack.
    assert dispatcher.messages[0]["buttons"] == []
    far = _slack(make_tracker(slots={"purchase_date": "2021-03-01"}))  # opens in 194 days
    await ActionAnswerRenewal().run(dispatcher, far, SLACK_DOMAIN)
    assert dispatcher.messages[1]["buttons"] == []
    assert "calendar_url" in dispatcher.messages[1]


async def test_a_deadline_already_past_has_no_calendar_link(dispatcher, make_tracker):
    await ActionAnswerToken().run(
        dispatcher, make_tracker(slots={"activation_date": "2021-06-01"}), SLACK_DOMAIN
    )
    assert "calendar_url" not in dispatcher.messages[0]


async def test_a_covid_fee_window_already_over_gets_its_own_answer(dispatcher, make_tracker):
    await ActionAnswerCovid().run(
        dispatcher, make_tracker(slots={"anniversary_date": "2020-07-01"}), {}
    )
    [message] = dispatcher.messages
    assert message["response"] == "utter_covid_extension_extended_fee_window_passed"
    assert "calendar_url" not in message


async def test_the_conditional_token_answer_carries_the_correction_payload(
    dispatcher, make_tracker
):
    tracker = make_tracker(slots={"token_problem": "wrong_tenant", "activation_date": "2021-08-01"})
    await ActionAnswerToken().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["days_left"] == 12
    assert (message["token_problem"], message["activation_iso"]) == ("wrong_tenant", "2021-08-01")


@pytest.mark.parametrize(
    ("context", "faq_id"),
    [
        (None, "renew_action_pack"),  # not said: the Action Pack's answer states the same rule
        ({"faq": "renew_competency", "alternatives": []}, "renew_competency"),
    ],
)
async def test_the_renewal_answer_cites_the_offer_of_the_conversation(
    dispatcher, make_tracker, context, faq_id
):
    tracker = make_tracker(slots={"purchase_date": "2020-09-01", "answer_context": context})
    events = await ActionAnswerRenewal().run(dispatcher, tracker, {})
    [saved] = [e["value"] for e in events if e.get("name") == "answer_context"]
    assert saved == {
        "faq": faq_id,
        "alternatives": [],
        "rule": "renewal_window",
        "date": "2020-09-01",
        "offer": faq_id.removeprefix("renew_"),
    }
