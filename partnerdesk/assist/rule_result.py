"""The partner-specific rule a message asks about, applied to the partner's date.

The chat routes a rule question by its intent (``ask_renewal_window`` …), reads the date
from the message (``find_date``) and asks for whatever is missing. The assistant cannot
ask, so it takes what it can: the intent, else the best FAQ when it is a rule's FAQ; the
date the agent gave, else the first date in the message; the offer named in the message,
else the better-ranked renewal FAQ. A replacement-token answer needs the problem named
(wrong tenant, seats added by mistake) and assumes no earlier replacement.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Dict, List, Optional

from actions.mentions import detect_offer, detect_token_problem
from actions.rules import (
    DateParseError,
    FutureDateError,
    Rule,
    RuleResult,
    RulesInputError,
    covid_extension,
    find_date,
    reactivation,
    renewal_window,
    replacement_token,
)
from partnerdesk.assist.models import SuggestRequest

RULE_BY_INTENT = {
    "ask_renewal_window": Rule.renewal_window,
    "ask_covid_extension": Rule.covid_extension,
    "ask_reactivation": Rule.reactivation,
    "ask_replacement_token": Rule.replacement_token,
}
RULE_BY_FAQ = {
    "renew_action_pack": Rule.renewal_window,
    "renew_competency": Rule.renewal_window,
    "covid_hardship": Rule.covid_extension,
    "missed_renewal": Rule.reactivation,
    "replacement_token": Rule.replacement_token,
}
DATE_FIELD_BY_RULE = {
    Rule.renewal_window: "purchase_date",
    Rule.covid_extension: "anniversary_date",
    Rule.reactivation: "anniversary_date",
    Rule.replacement_token: "activation_date",
}
_OFFER_BY_FAQ = {"renew_action_pack": "action_pack", "renew_competency": "competency"}


class GivenDateError(ValueError):
    """A date the agent gave that its rule cannot take (a purchase after today)."""


def choose_rule(intent: Optional[str], faq_ids: List[str]) -> Optional[Rule]:
    """The rule the message asks about: by intent, else by the best-ranked FAQ."""
    if intent in RULE_BY_INTENT:
        return RULE_BY_INTENT[intent]
    return RULE_BY_FAQ.get(faq_ids[0]) if faq_ids else None


def apply_rule(
    rule: Rule, request: SuggestRequest, faq_ids: List[str], today: date
) -> Optional[RuleResult]:
    """``rule`` applied to the partner's date, or ``None`` when no usable date is known.

    Raises:
        GivenDateError: The agent's own date field is one the rule refuses.
    """
    field = DATE_FIELD_BY_RULE[rule]
    given = request.given_date(field)
    day = given or _date_in(request.text, today)
    if day is None:
        return None
    try:
        return _RULES[rule](day, today, request.text, faq_ids)
    except FutureDateError as error:
        if given is None:
            return None
        raise GivenDateError(f'"{field}": {given} is after today ({today})') from error
    except RulesInputError:
        return None


def _date_in(text: str, today: date) -> Optional[date]:
    try:
        found = find_date(text, today)
    except DateParseError:  # a date-shaped text naming no day (30 February)
        return None
    return found.value if found else None


def _renewal(day: date, today: date, text: str, faq_ids: List[str]) -> RuleResult:
    ranked_offers = (_OFFER_BY_FAQ[faq_id] for faq_id in faq_ids if faq_id in _OFFER_BY_FAQ)
    return renewal_window(day, today, detect_offer(text) or next(ranked_offers, None))


def _covid(day: date, today: date, text: str, faq_ids: List[str]) -> RuleResult:
    return covid_extension(day, detect_offer(text) or "competency")


def _reactivation(day: date, today: date, text: str, faq_ids: List[str]) -> RuleResult:
    return reactivation(day, today)


def _token(day: date, today: date, text: str, faq_ids: List[str]) -> Optional[RuleResult]:
    problem = detect_token_problem(text)
    return replacement_token(day, today, problem, False) if problem else None


_RULES: Dict[Rule, Callable[[date, date, str, List[str]], Optional[RuleResult]]] = {
    Rule.renewal_window: _renewal,
    Rule.covid_extension: _covid,
    Rule.reactivation: _reactivation,
    Rule.replacement_token: _token,
}
