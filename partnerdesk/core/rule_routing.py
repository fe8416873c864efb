"""Which rule a question is about, and what each rule needs: one table.

:data:`ROUTES` is the one home of the intent → rule → form → date slot → answer action
mapping. The chat's form rules are generated from it (``python -m partnerdesk.generate``),
the action server reads its date slots from it, and the reply assistant uses it to apply
a rule to the text an agent pastes.

The assistant cannot ask follow-up questions, so :func:`apply_rule` takes what it can: the
date the agent gave, else the first date in the text; the offer named in the text, else
the better-ranked renewal FAQ; a replacement-token answer needs the problem named (wrong
tenant, seats added by mistake) and assumes no earlier replacement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from partnerdesk.core.dates.reading import find_date
from partnerdesk.core.mentions import detect_offer, detect_token_problem
from partnerdesk.core.rules import (
    DateParseError,
    FaqId,
    FutureDateError,
    Offer,
    Rule,
    RuleResult,
    RulesInputError,
    covid_extension,
    reactivation,
    renewal_window,
    replacement_token,
)

DEFAULT_COVID_OFFER = Offer.competency
"""The COVID-19 question is about a competency unless the partner names the Action Pack."""


@dataclass(frozen=True)
class RuleRoute:
    """How the chat reaches one rule.

    Attributes:
        rule: The rule.
        intent: The intent of a question about it (also its buttons' payload).
        form: The form that collects what the rule needs.
        date_slot: The slot of the date the rule takes.
        date_is_past: Whether that date must not lie in the future.
        answer_action: The action that applies the rule and answers.
        faq_ids: The FAQ answers the rule rests on.
    """

    rule: Rule
    intent: str
    form: str
    date_slot: str
    date_is_past: bool
    answer_action: str
    faq_ids: tuple[FaqId, ...]


ROUTES: tuple[RuleRoute, ...] = (
    RuleRoute(Rule.renewal_window, "ask_renewal_window", "renewal_form", "purchase_date", True,
              "action_answer_renewal", (FaqId.renew_action_pack, FaqId.renew_competency)),
    RuleRoute(Rule.covid_extension, "ask_covid_extension", "covid_form", "anniversary_date",
              False, "action_answer_covid", (FaqId.covid_hardship,)),
    RuleRoute(Rule.reactivation, "ask_reactivation", "reactivation_form", "anniversary_date",
              False, "action_answer_reactivation", (FaqId.missed_renewal,)),
    RuleRoute(Rule.replacement_token, "ask_replacement_token", "token_form", "activation_date",
              True, "action_answer_token", (FaqId.replacement_token,)),
)  # fmt: skip
ROUTE_BY_RULE = {route.rule: route for route in ROUTES}
PAST_ONLY_SLOTS = frozenset(route.date_slot for route in ROUTES if route.date_is_past)
_RULE_BY_INTENT = {route.intent: route.rule for route in ROUTES}
_RULE_BY_FAQ = {faq_id.value: route.rule for route in ROUTES for faq_id in route.faq_ids}
_OFFER_BY_FAQ = {
    FaqId.renew_action_pack.value: Offer.action_pack,
    FaqId.renew_competency.value: Offer.competency,
}


class GivenDateError(ValueError):
    """A date the agent gave that its rule cannot take (a purchase after today)."""


def choose_rule(intent: str | None, faq_ids: Sequence[str]) -> Rule | None:
    """The rule a message asks about: by intent, else by the best-ranked FAQ."""
    if intent in _RULE_BY_INTENT:
        return _RULE_BY_INTENT[intent]
    return _RULE_BY_FAQ.get(faq_ids[0]) if faq_ids else None


def apply_rule(
    rule: Rule, text: str, given: date | None, faq_ids: Sequence[str], today: date
) -> RuleResult | None:
    """``rule`` applied to the partner's date, or None when no usable date is known.

    Args:
        rule: The rule to apply.
        text: The partner's message (the date, offer and token problem are read from it).
        given: The date the agent gave for the rule's date slot, if any.
        faq_ids: The FAQ ids of the message's ranking, best first.
        today: The reference date.

    Raises:
        GivenDateError: ``given`` is a date the rule refuses (a purchase after today).
    """
    day = given or _date_in(text, today)
    if day is None:
        return None
    try:
        return _APPLY[rule](day, today, text, faq_ids)
    except FutureDateError as error:
        if given is None:
            return None
        field = ROUTE_BY_RULE[rule].date_slot
        raise GivenDateError(f'"{field}": {given} is after today ({today})') from error
    except RulesInputError:
        return None


def _date_in(text: str, today: date) -> date | None:
    try:
        found = find_date(text, today)
    except DateParseError:  # a date-shaped text naming no day (30 February)
        return None
    return found.value if found else None


def _renewal(day: date, today: date, text: str, faq_ids: Sequence[str]) -> RuleResult:
    ranked = (_OFFER_BY_FAQ[faq_id] for faq_id in faq_ids if faq_id in _OFFER_BY_FAQ)
    offer = detect_offer(text) or next(ranked, None)
    return renewal_window(day, today, offer)  # type: ignore[arg-type]  # None: InvalidInputError


def _covid(day: date, today: date, text: str, faq_ids: Sequence[str]) -> RuleResult:
    return covid_extension(day, detect_offer(text) or DEFAULT_COVID_OFFER)


def _reactivation(day: date, today: date, text: str, faq_ids: Sequence[str]) -> RuleResult:
    return reactivation(day, today)


def _token(day: date, today: date, text: str, faq_ids: Sequence[str]) -> RuleResult | None:
    problem = detect_token_problem(text)
    return replacement_token(day, today, problem, False) if problem else None


_APPLY: dict[Rule, Callable[[date, date, str, Sequence[str]], RuleResult | None]] = {
    Rule.renewal_window: _renewal,
    Rule.covid_extension: _covid,
    Rule.reactivation: _reactivation,
    Rule.replacement_token: _token,
}
