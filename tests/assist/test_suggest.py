"""The reply assistant's core against the in-process agent (trained model, no server)."""

import asyncio
import datetime

import pytest
import yaml
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.rule_answers import ActionAnswerCovid, ActionAnswerRenewal
from partnerdesk.assist.models import SuggestRequest
from partnerdesk.assist.suggest import AssistRequestError, AssistUnavailable, suggest
from partnerdesk.core.knowledge import load_knowledge
from partnerdesk.core.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

RENEWAL_QUESTION = "we bought the Action Pack on 1 Sept 2020, when can we renew?"


@pytest.fixture(scope="module")
def faq_responses():
    """The generated ``utter_faq/<id>`` responses: {id: {"en": text, "ko": text}}."""
    data = yaml.safe_load((PROJECT_ROOT / "data" / "responses" / "faq.yml").read_text())
    return {
        name.split("/", 1)[1]: {
            ("ko" if variation.get("condition") else "en"): variation["text"]
            for variation in variations
        }
        for name, variations in data["responses"].items()
    }


def chat_says(agent, action, slots):
    """What the chat sends for a rule action: its response rendered by the Rasa server's NLG."""
    dispatcher = CollectingDispatcher()
    tracker = Tracker("partner", slots, {}, [], False, None, {}, "action_listen")
    asyncio.run(action.run(dispatcher, tracker, {}))
    [message] = dispatcher.messages
    name = message.pop("response")
    variables = {
        k: v
        for k, v in message.items()
        if v is not None
        and k
        not in (
            "text",
            "buttons",
            "image",
            "elements",
            "attachment",
            "custom",
            "json_message",
            "template",
        )
    }
    generated = TemplatedNaturalLanguageGenerator(agent.domain.responses).generate_from_slots(
        name, slots, "rest", **variables
    )
    return generated["text"]


def test_ranked_by_confidence_with_catalogue_ids(suggest_for):
    answer = suggest_for("can one token unlock several subscriptions", top=10)
    confidences = [s["confidence"] for s in answer["suggestions"]]
    assert len(confidences) == 10 and confidences == sorted(confidences, reverse=True)
    catalogue = {faq.id for faq in load_knowledge().faqs}
    assert {s["faq_id"] for s in answer["suggestions"]} <= catalogue
    assert len({s["faq_id"] for s in answer["suggestions"]}) == 10


@pytest.mark.parametrize("top", [1, 3])
def test_top_limits_the_suggestions(suggest_for, top):
    assert len(suggest_for("how many licenses do we have", top=top)["suggestions"]) == top


def test_english_draft_is_the_chat_answer(suggest_for, faq_responses):
    answer = suggest_for("does the action pack come with VS enterprise?")
    assert answer["language"] == "en" and answer["fallback"] is False
    best = answer["suggestions"][0]
    assert best["faq_id"] == "vs_enterprise_in_action_pack" and best["low_confidence"] is False
    assert best["reply"] == best["reply_en"] == faq_responses[best["faq_id"]]["en"]
    entry = load_knowledge().by_id(best["faq_id"])
    assert best["title"] == entry.title.en
    assert best["citation"] == {"section": entry.section.name.en, "url": entry.url.en}
    assert "/en-us/" in best["citation"]["url"]


def test_korean_draft_with_an_english_version(suggest_for, faq_responses):
    answer = suggest_for("액션팩에 비주얼 스튜디오 엔터프라이즈 포함돼요?")
    assert answer["language"] == "ko" and answer["fallback"] is False
    best = answer["suggestions"][0]
    assert best["faq_id"] == "vs_enterprise_in_action_pack"
    assert best["reply"] == faq_responses[best["faq_id"]]["ko"]
    assert best["reply_en"] == faq_responses[best["faq_id"]]["en"]
    entry = load_knowledge().by_id(best["faq_id"])
    assert best["title"] == entry.title.ko
    assert best["citation"] == {"section": entry.section.name.ko, "url": entry.url.ko}
    assert "/ko-kr/" in best["citation"]["url"]
    assert all("/ko-kr/" in s["citation"]["url"] for s in answer["suggestions"])


def test_renewal_rule_as_of_partnerdesk_today(agent, monkeypatch):
    monkeypatch.setenv("PARTNERDESK_TODAY", "2021-08-20")
    answer = asyncio.run(suggest(agent, SuggestRequest(text=RENEWAL_QUESTION))).dict()
    assert answer["suggestions"][0]["faq_id"] == "renew_action_pack"
    rule = answer["rule_result"]
    assert (rule["rule"], rule["status"], rule["faq_id"]) == (
        "renewal_window",
        "not_open_yet",
        "renew_action_pack",
    )
    assert rule["dates"] == {
        "purchase": "2020-09-01",
        "anniversary": "2021-09-01",
        "window_opens": "2021-09-02",
        "window_closes": "2021-10-01",
    }
    assert rule["explanation"].startswith(
        "Your renewal window isn't open yet. It opens on September 2, 2021 (in 13 days)"
        " and runs through October 1, 2021."
    )
    slots = {"language": "en", "offer": "action_pack", "purchase_date": "2020-09-01"}
    assert rule["explanation"] == chat_says(agent, ActionAnswerRenewal(), slots)


def test_the_rule_follows_the_clock(suggest_for):
    rule = suggest_for(RENEWAL_QUESTION, as_of=datetime.date(2021, 9, 10))["rule_result"]
    assert rule["status"] == "open" and "22 days left" in rule["explanation"]


def test_korean_rule_explanation_is_the_chat_sentence(agent, suggest_for, monkeypatch):
    monkeypatch.setenv("PARTNERDESK_TODAY", "2021-08-20")
    answer = suggest_for("역량 기념일이 2020년 10월 15일인데 코로나 연장 적용되나요?")
    rule = answer["rule_result"]
    assert (rule["rule"], rule["status"]) == ("covid_extension", "extended")
    assert rule["dates"]["extended_through"] == "2021-10-15"
    assert "2021년 10월 15일까지 연장" in rule["explanation"] and "/ko-kr/" in rule["explanation"]
    slots = {"language": "ko", "anniversary_date": "2020-10-15"}
    assert rule["explanation"] == chat_says(agent, ActionAnswerCovid(), slots)


def test_dates_given_as_fields(suggest_for):
    answer = suggest_for("when can we renew our competency?", purchase_date="2020-07-01")
    rule = answer["rule_result"]
    assert (rule["faq_id"], rule["status"]) == ("renew_competency", "missed")
    assert rule["dates"]["next_window_opens"] == "2022-07-02"


def test_a_future_purchase_date_field_is_refused(agent, today):
    request = SuggestRequest(text="when can we renew the action pack?", purchase_date="2022-01-01")
    with pytest.raises(AssistRequestError, match="purchase_date"):
        asyncio.run(suggest(agent, request, today))


def test_no_rule_without_a_date(suggest_for):
    assert suggest_for("when can we renew our action pack?")["rule_result"] is None


def test_out_of_scope_falls_back_with_low_confidence_suggestions(suggest_for):
    answer = suggest_for("how much does the action pack cost?")
    assert answer["fallback"] is True and answer["rule_result"] is None
    assert len(answer["suggestions"]) == 3
    assert all(s["low_confidence"] for s in answer["suggestions"])


def test_confident_answer_marks_only_weak_runners_up(suggest_for):
    suggestions = suggest_for("액션팩 언제 갱신해요?")["suggestions"]
    assert [s["low_confidence"] for s in suggestions] == [False, True, True]


def test_nothing_is_stored(agent, suggest_for):
    suggest_for("how many licenses do we have")
    assert list(asyncio.run(agent.tracker_store.keys())) == []


def test_a_wrong_date_setting_makes_the_assistant_unavailable(agent, monkeypatch):
    monkeypatch.setenv("PARTNERDESK_TODAY", "20 August")
    with pytest.raises(AssistUnavailable, match="PARTNERDESK_TODAY"):
        asyncio.run(suggest(agent, SuggestRequest(text=RENEWAL_QUESTION)))


def test_an_agent_without_a_model_is_unavailable():
    from rasa.core.agent import Agent

    with pytest.raises(AssistUnavailable, match="not loaded"):
        asyncio.run(suggest(Agent(), SuggestRequest(text="hi")))
