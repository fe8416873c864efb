import pytest
from rasa_sdk.events import SlotSet

from actions.forms import ValidateCovidForm, ValidateRenewalForm, ValidateTokenForm
from partnerdesk.core.mentions import detect_offer, detect_token_problem
from tests.conftest import domain_forms

DOMAIN = {"forms": domain_forms()}


@pytest.mark.parametrize(
    ("text", "offer"),
    [
        ("we bought the Action Pack", "action_pack"),
        ("MAP renewal", "action_pack"),
        ("액션팩 샀어요", "action_pack"),
        ("our gold competency", "competency"),
        ("역량 갱신", "competency"),
        ("renewal please", None),
        ("action pack or competency?", None),
        ("mapping our tenant", None),
    ],
)
def test_detect_offer(text, offer):
    assert detect_offer(text) == offer


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("activated on the wrong tenant", "wrong_tenant"),
        ("다른 테넌트에 활성화", "wrong_tenant"),
        ("we added seats instead of extending", "seats_added_by_mistake"),
        ("사용자를 실수로 추가했어요", "seats_added_by_mistake"),
        ("the key does not work", None),
    ],
)
def test_detect_token_problem(text, problem):
    assert detect_token_problem(text) == problem


async def test_first_message_with_offer_and_date_fills_the_renewal_form(dispatcher, make_tracker):
    tracker = make_tracker(
        "we bought the Action Pack on 1 Sept 2020, when can we renew?",
        intent="ask_renewal_window",
        active_loop="renewal_form",
    )
    events = await ValidateRenewalForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("offer", "action_pack") in events
    assert SlotSet("purchase_date", "2020-09-01") in events
    assert dispatcher.messages == []


async def test_korean_date_in_the_first_message(dispatcher, make_tracker):
    tracker = make_tracker(
        "2020년 9월 1일에 액션팩 샀는데 언제 갱신해요?",
        intent="ask_renewal_window",
        active_loop="renewal_form",
    )
    events = await ValidateRenewalForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("purchase_date", "2020-09-01") in events


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("30 February 2020", "utter_date_impossible"),
        ("2021년 2월 30일", "utter_date_impossible"),
        ("sometime last spring", "utter_date_unparseable"),
        ("2022-01-05", "utter_date_in_future"),
    ],
)
async def test_bad_dates_get_a_clear_message_and_the_question_again(
    dispatcher, make_tracker, text, response
):
    tracker = make_tracker(
        text,
        slots={"requested_slot": "purchase_date", "offer": "action_pack"},
        active_loop="renewal_form",
    )
    events = await ValidateRenewalForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("purchase_date", None) in events
    assert [m["response"] for m in dispatcher.messages] == [response]


async def test_future_anniversary_is_allowed(dispatcher, make_tracker):
    tracker = make_tracker(
        "2021-12-01", slots={"requested_slot": "anniversary_date"}, active_loop="covid_form"
    )
    events = await ValidateCovidForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("anniversary_date", "2021-12-01") in events


async def test_faq_question_inside_the_form_is_not_taken_as_a_date(dispatcher, make_tracker):
    tracker = make_tracker(
        "can we share VS subscriptions?",
        intent="faq",
        slots={"requested_slot": "purchase_date", "offer": "competency"},
        active_loop="renewal_form",
    )
    events = await ValidateRenewalForm().run(dispatcher, tracker, DOMAIN)
    assert not any(e.get("name") == "purchase_date" for e in events)
    assert dispatcher.messages == []


async def test_a_remembered_date_fills_the_date_slot(dispatcher, make_tracker):
    tracker = make_tracker(
        "/ask_covid_extension",
        intent="ask_covid_extension",
        slots={"pending_date": "2020-10-15"},
        active_loop="covid_form",
    )
    events = await ValidateCovidForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("anniversary_date", "2020-10-15") in events
    assert SlotSet("pending_date", None) in events


async def test_uncovered_token_problem_needs_no_more_questions(dispatcher, make_tracker):
    tracker = make_tracker(
        "the product key stopped working",
        intent="out_of_scope",
        slots={"requested_slot": "token_problem"},
        active_loop="token_form",
    )
    events = await ValidateTokenForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("token_problem", "other") in events
    assert SlotSet("requested_slot", None) in events


async def test_an_action_pack_named_with_the_anniversary_is_noted(dispatcher, make_tracker):
    tracker = make_tracker(
        "our action pack anniversary was 2020-10-15, covid extension?",
        intent="ask_covid_extension",
        active_loop="covid_form",
    )
    events = await ValidateCovidForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("offer", "action_pack") in events


@pytest.mark.parametrize(
    ("offer", "kept"),
    [("action_pack", "action_pack"), ("competency", "competency"), ("gold", None)],
)
async def test_only_known_offers_are_kept(dispatcher, make_tracker, offer, kept):
    tracker = make_tracker(
        f'/ask_renewal_window{{"offer": "{offer}"}}',
        active_loop="renewal_form",
        slots={"requested_slot": "purchase_date"},
    )
    tracker.events.append({"event": "slot", "name": "offer", "value": offer})
    events = await ValidateRenewalForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("offer", kept) in events


# --- Ask only for what changes the answer; keep what was said out of turn (issue 15) ---


async def test_the_renewal_form_never_asks_for_the_offer(dispatcher, make_tracker):
    tracker = make_tracker(
        "when does our renewal window open?",
        intent="ask_renewal_window",
        active_loop="renewal_form",
    )
    events = await ValidateRenewalForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("requested_slot", "purchase_date") in events


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("August 1, 2021", "en", "August 1, 2021"),
        ("2021년 8월 1일에 활성화했습니다", "ko", "2021년 8월 1일"),
    ],
)
async def test_a_date_given_when_asked_the_problem_is_kept_and_said_back(
    dispatcher, make_tracker, text, language, said
):
    tracker = make_tracker(
        text,
        slots={"requested_slot": "token_problem", "language": language},
        active_loop="token_form",
    )
    events = await ValidateTokenForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("activation_date", "2021-08-01") in events
    assert not any(e.get("name") == "token_problem" and e.get("value") for e in events)
    assert SlotSet("requested_slot", "token_problem") in events
    assert [(m["response"], m.get("date")) for m in dispatcher.messages] == [
        ("utter_noted_activation_date", said)
    ]


async def test_an_offer_given_when_asked_the_date_is_kept_not_misread(dispatcher, make_tracker):
    tracker = make_tracker(
        "it's for our gold competency",
        slots={"requested_slot": "purchase_date"},
        active_loop="renewal_form",
    )
    events = await ValidateRenewalForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("offer", "competency") in events
    assert SlotSet("requested_slot", "purchase_date") in events
    assert [m["response"] for m in dispatcher.messages] == ["utter_noted_offer_competency"]


async def test_the_problem_given_when_asked_the_date_is_said_back(dispatcher, make_tracker):
    tracker = make_tracker(
        "we added seats instead of extending",
        slots={"requested_slot": "activation_date", "token_problem": "wrong_tenant"},
        active_loop="token_form",
    )
    events = await ValidateTokenForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("token_problem", "seats_added_by_mistake") in events
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_noted_token_problem_seats_added_by_mistake"
    ]


async def test_the_first_message_is_never_said_back(dispatcher, make_tracker):
    tracker = make_tracker(
        "we activated the token on the wrong tenant, can we get a new one?",
        intent="ask_replacement_token",
        active_loop="token_form",
    )
    events = await ValidateTokenForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("requested_slot", "activation_date") in events
    assert dispatcher.messages == []


async def test_the_covid_form_asks_no_date_for_the_action_pack(dispatcher, make_tracker):
    tracker = make_tracker(
        "does the covid extension cover our action pack?",
        intent="ask_covid_extension",
        active_loop="covid_form",
    )
    events = await ValidateCovidForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("offer", "action_pack") in events
    assert SlotSet("requested_slot", None) in events


@pytest.mark.parametrize(
    ("text", "requested"),
    [
        # Past the 30 days: too late for every problem, so the problem is not asked.
        ("can we still replace a token we activated on June 1, 2021?", None),
        # Within them: the problem changes the answer.
        ("can we still replace a token we activated on August 1, 2021?", "token_problem"),
    ],
)
async def test_the_problem_is_asked_only_while_it_matters(
    dispatcher, make_tracker, text, requested
):
    tracker = make_tracker(text, intent="ask_replacement_token", active_loop="token_form")
    events = await ValidateTokenForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("requested_slot", requested) in events


@pytest.mark.parametrize(
    ("text", "replaced"),
    [
        ("wrong tenant on Aug 1 2021, and we already got a replacement once", True),
        ("2021년 8월 1일 잘못된 테넌트, 교체받은 적 없어요", False),
        ("wrong tenant on Aug 1 2021", None),
    ],
)
async def test_an_earlier_replacement_is_kept_when_said_never_asked(
    dispatcher, make_tracker, text, replaced
):
    tracker = make_tracker(text, intent="ask_replacement_token", active_loop="token_form")
    events = await ValidateTokenForm().run(dispatcher, tracker, DOMAIN)
    assert SlotSet("requested_slot", None) in events
    kept = [e["value"] for e in events if e.get("name") == "replaced_before"]
    assert kept == ([] if replaced is None else [replaced])
