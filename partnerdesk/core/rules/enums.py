"""Enumerations of the rules: rule names, FAQ ids, offers, statuses and date names."""

from __future__ import annotations

from enum import Enum


class Rule(str, Enum):
    """Which rule produced a result."""

    renewal_window = "renewal_window"
    reactivation = "reactivation"
    covid_extension = "covid_extension"
    replacement_token = "replacement_token"


class FaqId(str, Enum):
    """Catalogue ids of the FAQ answers the rules rest on."""

    renew_action_pack = "renew_action_pack"
    renew_competency = "renew_competency"
    missed_renewal = "missed_renewal"
    covid_hardship = "covid_hardship"
    replacement_token = "replacement_token"
    token_split = "token_split"


class Offer(str, Enum):
    """The MPN offer a membership date belongs to."""

    action_pack = "action_pack"
    competency = "competency"


class TokenProblem(str, Enum):
    """Why a partner wants a replacement token."""

    wrong_tenant = "wrong_tenant"
    seats_added_by_mistake = "seats_added_by_mistake"
    other = "other"


class RenewalStatus(str, Enum):
    """Where today falls relative to the renewal window."""

    not_open_yet = "not_open_yet"
    open = "open"
    missed = "missed"


class ReactivationStatus(str, Enum):
    """What a partner can do after (or before) their anniversary."""

    not_due_yet = "not_due_yet"
    can_pay_fee = "can_pay_fee"
    support_ticket = "support_ticket"
    not_needed = "not_needed"


class CovidStatus(str, Enum):
    """Outcome of the COVID-19 competency extension."""

    extended = "extended"
    not_eligible = "not_eligible"
    not_applicable_offer = "not_applicable_offer"


class TokenStatus(str, Enum):
    """Outcome of a replacement-token request."""

    eligible = "eligible"
    expired = "expired"
    already_replaced = "already_replaced"
    not_covered = "not_covered"


class DateName(str, Enum):
    """Names used as keys of :attr:`RuleResult.dates`."""

    purchase = "purchase"
    anniversary = "anniversary"
    window_opens = "window_opens"
    window_closes = "window_closes"
    next_anniversary = "next_anniversary"
    next_window_opens = "next_window_opens"
    next_window_closes = "next_window_closes"
    deadline = "deadline"
    extended_through = "extended_through"
    fee_window_opens = "fee_window_opens"
    fee_window_closes = "fee_window_closes"
    eligible_from = "eligible_from"
    eligible_through = "eligible_through"
    activation = "activation"
