"""Choosing and applying the rule a message asks about (no model needed)."""

import datetime

import pytest

from partnerdesk.core.rule_routing import GivenDateError, apply_rule, choose_rule
from partnerdesk.core.rules import Rule

TODAY = datetime.date(2021, 8, 20)


@pytest.mark.parametrize(
    ("intent", "faq_ids", "rule"),
    [
        ("ask_renewal_window", ["license_count"], Rule.renewal_window),
        ("ask_covid_extension", [], Rule.covid_extension),
        ("ask_reactivation", ["renew_action_pack"], Rule.reactivation),
        ("ask_replacement_token", [], Rule.replacement_token),
        ("faq", ["renew_competency", "renew_action_pack"], Rule.renewal_window),
        ("faq", ["missed_renewal"], Rule.reactivation),
        ("faq", ["license_count", "renew_action_pack"], None),
        ("greet", [], None),
    ],
)
def test_choose_rule(intent, faq_ids, rule):
    assert choose_rule(intent, faq_ids) == rule


def apply(rule, text, faq_ids=("renew_action_pack", "renew_competency"), given=None):
    day = datetime.date.fromisoformat(given) if given else None
    return apply_rule(rule, text, day, list(faq_ids), TODAY)


def test_date_from_the_text():
    result = apply(Rule.renewal_window, "we bought the Action Pack on 1 Sept 2020")
    assert result.status.value == "not_open_yet"
    assert result.dates["window_opens"] == datetime.date(2021, 9, 2)


def test_the_given_date_beats_the_text():
    result = apply(Rule.renewal_window, "bought it on 1 Sept 2020", given="2020-08-01")
    assert result.dates["purchase"] == datetime.date(2020, 8, 1)


def test_offer_from_the_better_ranked_renewal_faq_when_the_text_names_none():
    result = apply(
        Rule.renewal_window,
        "bought on 2020-09-01",
        faq_ids=["renew_competency", "renew_action_pack"],
    )
    assert result.faq_id.value == "renew_competency"


@pytest.mark.parametrize(
    "text", ["when can we renew?", "we bought it on 30 February 2020", "we bought it on 2030-01-01"]
)
def test_no_usable_date_in_the_text_gives_none(text):
    assert apply(Rule.renewal_window, text) is None


def test_a_given_future_purchase_date_is_an_error():
    with pytest.raises(GivenDateError, match="purchase_date"):
        apply(Rule.renewal_window, "when can we renew?", given="2030-01-01")


def test_token_needs_a_named_problem():
    assert apply(Rule.replacement_token, "activated on 2021-08-01, replacement?") is None
    result = apply(Rule.replacement_token, "activated on the wrong tenant on 2021-08-01")
    assert (result.status.value, result.dates["deadline"]) == (
        "eligible",
        datetime.date(2021, 8, 31),
    )


def test_covid_is_about_a_competency_unless_told_otherwise():
    assert apply(Rule.covid_extension, "anniversary 2020-10-15").status.value == "extended"
    result = apply(Rule.covid_extension, "action pack anniversary 2020-10-15")
    assert result.status.value == "not_applicable_offer"


def test_reactivation_uses_the_anniversary_field():
    result = apply(Rule.reactivation, "we missed it", given="2021-07-25")
    assert (result.status.value, result.days_left) == ("can_pay_fee", 5)
