"""What the conversation carries from one answer to the next (no Rasa)."""

import pytest

from partnerdesk.core.context import (
    alternatives,
    faq_for_offer,
    in_asked_order,
    offer_of,
    other_offer,
    topic_of_faq,
    topic_of_intent,
)
from partnerdesk.core.ranking import RankedAnswer
from partnerdesk.core.rules import Offer


@pytest.mark.parametrize(
    ("faq_id", "topic"),
    [
        ("renew_action_pack", "renewal_window"),
        ("renew_competency", "renewal_window"),
        ("missed_renewal", "reactivation"),
        ("covid_hardship", "covid_extension"),
        ("replacement_token", "replacement_token"),
        ("token_split", "other"),
    ],
)
def test_topic_of_faq(faq_id, topic):
    assert topic_of_faq(faq_id) == topic


def test_topic_of_intent():
    assert topic_of_intent("ask_reactivation") == "reactivation"
    assert topic_of_intent("faq") is None
    assert topic_of_intent(None) is None


def test_alternatives_are_the_next_best_in_order_without_noise():
    ranking = [
        RankedAnswer("token_split", 0.99),
        RankedAnswer("share_vs_subscriptions", 0.004),
        RankedAnswer("replacement_token", 0.002),
        RankedAnswer("license_count", 0.001),
        RankedAnswer("merge_benefits", 0.0008),
        RankedAnswer("license_help", 0.00001),
    ]
    assert alternatives(ranking, "token_split") == [
        "share_vs_subscriptions",
        "replacement_token",
        "license_count",
    ]
    assert alternatives(ranking[:1] + ranking[-1:], "token_split") == []


def test_offers():
    assert offer_of({"faq": "renew_competency"}) is Offer.competency
    assert offer_of({"faq": "renew_competency", "offer": "action_pack"}) is Offer.action_pack
    assert offer_of({"faq": "token_split"}) is None
    assert offer_of(None) is None
    assert other_offer(Offer.action_pack) is Offer.competency
    assert other_offer(None) is None
    assert faq_for_offer("renew_action_pack", Offer.competency) == "renew_competency"
    assert faq_for_offer("renew_action_pack", Offer.action_pack) is None


def test_answers_in_the_order_asked():
    text = "First: can we split a token? Second: when do we renew?"
    answers = [{"text": "Second: when do we renew?"}, {"text": "First: can we split a token?"}]
    assert [a["text"] for a in in_asked_order(text, answers)] == [
        "First: can we split a token?",
        "Second: when do we renew?",
    ]
    assert in_asked_order(text, [{"text": "not there"}, answers[1]])[1] == {"text": "not there"}
