"""The answer's context as entities: topic, next best answers, typed praise."""

import pytest

from partnerdesk.nlu.context import context_values

pytestmark = pytest.mark.slow


def _entities(parsed):
    return {e["entity"]: e["value"] for e in parsed["entities"]}


@pytest.mark.parametrize(
    ("text", "topic", "faq"),
    [
        ("when can we renew our action pack?", "renewal_window", "renew_action_pack"),
        ("액션팩 갱신 언제 돼요?", "renewal_window", "renew_action_pack"),
        ("we missed the renewal window, what now?", "reactivation", "missed_renewal"),
        ("can we split one token between two subscriptions?", "other", "token_split"),
    ],
)
def test_an_faq_answer_sets_its_topic_and_next_answers(parse, text, topic, faq):
    entities = _entities(parse(text))
    assert entities["topic"] == topic
    assert entities["answer_context"]["faq"] == faq
    assert 1 <= len(entities["answer_context"]["alternatives"]) <= 3
    assert faq not in entities["answer_context"]["alternatives"]


def test_a_rule_question_sets_its_topic_only(parse):
    entities = _entities(parse("can you work out our renewal window for the action pack?"))
    assert entities["topic"] == "renewal_window"
    assert "answer_context" not in entities


@pytest.mark.parametrize("text", ["2020-09-01", "hello", '/feedback{"helpful": "no"}'])
def test_other_messages_leave_the_context_alone(parse, text):
    entities = _entities(parse(text))
    assert "topic" not in entities and "answer_context" not in entities


def test_typed_praise_is_a_thumbs_up_and_a_click_keeps_its_value():
    assert context_values({"intent": {"name": "feedback"}, "entities": []}) == {"helpful": "yes"}
    click = {"intent": {"name": "feedback"}, "entities": [{"entity": "helpful", "value": "no"}]}
    assert context_values(click) == {}


def test_two_questions_take_the_first_asked_as_the_topic():
    parsed = {
        "text": "Can we split a token? And when do we renew our Action Pack?",
        "intent": {"name": "faq_multi"},
        "faq_answers": [
            {
                "intent_response_key": "faq/renew_action_pack",
                "text": "And when do we renew our Action Pack?",
            },
            {"intent_response_key": "faq/token_split", "text": "Can we split a token?"},
        ],
    }
    assert context_values(parsed) == {
        "topic": "other",
        "answer_context": {"faq": "token_split", "alternatives": []},
    }
