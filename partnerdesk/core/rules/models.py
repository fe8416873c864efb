"""Typed inputs and results of the rules (pydantic v1).

Results hold statuses and named dates only; the sentences that explain them live in the
Rasa responses, looked up by :attr:`RuleResult.explanation_key`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, StrictBool, ValidationError, validator

from partnerdesk.core.rules.enums import (
    CovidStatus,
    FaqId,
    Offer,
    ReactivationStatus,
    RenewalStatus,
    Rule,
    TokenProblem,
    TokenStatus,
)
from partnerdesk.core.rules.errors import InvalidInputError

POLICY_VERSION = "MPN benefits FAQ, 10 Dec 2020"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RuleInputs(BaseModel):
    """Base of the rule inputs: dates must be ``date`` objects or ISO ``YYYY-MM-DD`` strings."""

    class Config:
        allow_mutation = False
        extra = "forbid"

    @validator("*", pre=True)
    def _strict_date(cls, value: Any, field: Any) -> Any:
        """Reject datetimes and timestamps, which pydantic would otherwise coerce to dates."""
        if field.type_ is not date:
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        raise TypeError("expected a date or an ISO YYYY-MM-DD string")

    @classmethod
    def build(cls, **values: Any) -> Any:
        """Validate ``values`` into this model, raising :class:`InvalidInputError` on failure."""
        try:
            return cls(**values)
        except ValidationError as error:
            raise InvalidInputError(str(error)) from error


class RenewalInputs(RuleInputs):
    """Inputs of :func:`renewal_window`."""

    purchase_date: date
    today: date
    offer: Offer


class ReactivationInputs(RuleInputs):
    """Inputs of :func:`reactivation`."""

    anniversary_date: date
    today: date
    renewed: StrictBool = False


class CovidInputs(RuleInputs):
    """Inputs of :func:`covid_extension`."""

    anniversary_date: date
    offer: Offer


class TokenInputs(RuleInputs):
    """Inputs of :func:`replacement_token`."""

    activation_date: date
    today: date
    reason: TokenProblem
    replaced_before: StrictBool


class RuleResult(BaseModel):
    """What a rule decided, as statuses and named dates.

    Attributes:
        rule: The rule that produced this result.
        status: The rule's outcome (a per-rule enum in each subclass).
        dates: Named dates, keyed by :class:`DateName` values.
        days_until: Days from today until the next relevant opening (open date − today).
        days_left: Days left counting today and the last day (1 on the last day).
        faq_id: Catalogue id of the FAQ answer the rule rests on.
        policy_version: The FAQ edition the rule encodes.
    """

    rule: Rule
    status: Enum
    dates: dict[str, date]
    days_until: int | None = None
    days_left: int | None = None
    faq_id: FaqId
    policy_version: str = POLICY_VERSION

    class Config:
        allow_mutation = False

    @property
    def explanation_key(self) -> str:
        """Key of the response that explains this result, e.g. ``"renewal_window.open"``."""
        return f"{self.rule.value}.{self.status.value}"

    def to_public_dict(self) -> dict[str, Any]:
        """JSON-ready view: enum values as strings and dates as ISO strings."""
        return {
            "rule": self.rule.value,
            "status": self.status.value,
            "dates": {name: value.isoformat() for name, value in self.dates.items()},
            "days_until": self.days_until,
            "days_left": self.days_left,
            "faq_id": self.faq_id.value,
            "policy_version": self.policy_version,
            "explanation_key": self.explanation_key,
        }


class RenewalResult(RuleResult):
    """Result of :func:`renewal_window`."""

    rule: Rule = Field(default=Rule.renewal_window, const=True)
    status: RenewalStatus
    offer: Offer


class ReactivationResult(RuleResult):
    """Result of :func:`reactivation`."""

    rule: Rule = Field(default=Rule.reactivation, const=True)
    status: ReactivationStatus
    faq_id: FaqId = Field(default=FaqId.missed_renewal, const=True)


class CovidResult(RuleResult):
    """Result of :func:`covid_extension`."""

    rule: Rule = Field(default=Rule.covid_extension, const=True)
    status: CovidStatus
    faq_id: FaqId = Field(default=FaqId.covid_hardship, const=True)
    offer: Offer


class TokenResult(RuleResult):
    """Result of :func:`replacement_token`."""

    rule: Rule = Field(default=Rule.replacement_token, const=True)
    status: TokenStatus
    faq_id: FaqId = Field(default=FaqId.replacement_token, const=True)
    reason: TokenProblem
