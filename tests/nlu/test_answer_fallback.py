import pytest
from rasa.shared.nlu.training_data.message import Message

from partnerdesk.nlu.answer_fallback import AnswerAwareFallbackClassifier
from partnerdesk.nlu.faq_payload import FaqPayloadResolver

CONFIG = {
    "threshold": 0.4,
    "ambiguity_threshold": 0.05,
    "answer_threshold": 0.4,
    "answer_ambiguity_threshold": 0.05,
}


def _message(text, intent_ranking, answer_ranking):
    ranking = [
        {"id": i, "confidence": conf, "intent_response_key": f"faq/{key}"}
        for i, (key, conf) in enumerate(answer_ranking)
    ]
    top = ranking[0] if ranking else {}
    return Message(
        data={
            "text": text,
            "intent": {"name": intent_ranking[0][0], "confidence": intent_ranking[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in intent_ranking],
            "response_selector": {
                "all_retrieval_intents": ["faq"],
                "faq": {
                    "response": {
                        "intent_response_key": top.get("intent_response_key"),
                        "utter_action": f"utter_{top.get('intent_response_key')}",
                        "confidence": top.get("confidence", 0.0),
                        "responses": [],
                    },
                    "ranking": ranking,
                },
            },
        }
    )


def _classify(message):
    classifier = AnswerAwareFallbackClassifier.create(CONFIG, None, None, None)
    classifier.process([message])
    return message.get("intent")["name"], message.get("fallback_reason")


def test_confident_intent_and_answer_pass():
    message = _message(
        "renew",
        [("faq", 0.95), ("greet", 0.05)],
        [("renew_competency", 0.9), ("renew_action_pack", 0.05)],
    )
    assert _classify(message) == ("faq", None)


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ([("renew_competency", 0.3), ("renew_action_pack", 0.25)], "low_answer_confidence"),
        ([("renew_competency", 0.46), ("renew_action_pack", 0.44)], "ambiguous_answer"),
        ([], "no_answer"),
    ],
)
def test_confident_faq_intent_with_weak_answer_falls_back(answers, reason):
    message = _message("renew", [("faq", 0.97), ("greet", 0.03)], answers)
    assert _classify(message) == ("nlu_fallback", reason)
    assert message.get("intent_ranking")[0]["name"] == "nlu_fallback"


def test_low_intent_confidence_falls_back():
    message = _message("hmm", [("faq", 0.3), ("out_of_scope", 0.28)], [("token_split", 0.9)])
    assert _classify(message) == ("nlu_fallback", "low_intent_confidence")


def test_answer_confidence_is_ignored_for_other_intents():
    message = _message("hello", [("greet", 0.99)], [("token_split", 0.1), ("license_help", 0.09)])
    assert _classify(message) == ("greet", None)


def test_button_payload_selects_the_named_answer_at_full_confidence():
    message = _message(
        "/faq/renew_action_pack",
        [("out_of_scope", 0.6), ("faq", 0.4)],
        [("renew_competency", 0.5), ("renew_action_pack", 0.3), ("token_split", 0.2)],
    )
    FaqPayloadResolver().process([message])
    assert _classify(message) == ("faq", None)
    response = message.get("response_selector")["faq"]["response"]
    assert response["intent_response_key"] == "faq/renew_action_pack"
    assert response["utter_action"] == "utter_faq/renew_action_pack"
    assert (
        message.get("response_selector")["faq"]["ranking"][0]["intent_response_key"]
        == "faq/renew_action_pack"
    )


@pytest.mark.parametrize(
    "text", ["/faq/no_such_answer", "/faq/", "faq/renew_action_pack", "/greet"]
)
def test_unknown_or_malformed_payloads_are_left_alone(text):
    message = _message(text, [("out_of_scope", 0.9)], [("renew_competency", 0.5)])
    FaqPayloadResolver().process([message])
    assert message.get("intent")["name"] == "out_of_scope"


@pytest.mark.parametrize("text", ["", "   ", "👍🙏", "?!", "<>"])
def test_message_without_words_falls_back(text):
    message = _message(text, [("greet", 0.99)], [("token_split", 0.9)])
    assert _classify(message) == ("nlu_fallback", "no_words")
