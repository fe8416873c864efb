"""Replacement tokens and token splitting (FAQ: replacement_token, token_split)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from partnerdesk.core.rules.enums import DateName, FaqId, TokenProblem, TokenStatus
from partnerdesk.core.rules.models import TokenInputs, TokenResult
from partnerdesk.core.rules.periods import WINDOW_DAYS, days_left, ensure_not_future

TOKEN_SPLIT_ALLOWED = False
"""A token can't be split to unlock several subscriptions (a 25-seat token stays one token)."""

TOKEN_SPLIT_FAQ_ID = FaqId.token_split

COVERED_PROBLEMS = frozenset({TokenProblem.wrong_tenant, TokenProblem.seats_added_by_mistake})


def replacement_token(
    activation_date: date,
    today: date,
    reason: TokenProblem | str,
    replaced_before: bool,
) -> TokenResult:
    """Whether a replacement token can be issued for a token activated on ``activation_date``.

    Checked in this order:

    - ``reason`` ``other``: ``not_covered`` (only cloud services on the wrong tenant and seats
      added by mistake to an existing subscription are covered; point to support);
    - ``replaced_before``: ``already_replaced`` (replacement is one time only);
    - ``today`` ≤ activation + 30 days: ``eligible`` (``days_left`` counts today and the
      deadline);
    - later: ``expired``.

    Dates: ``activation`` always; ``deadline`` (activation + 30 days) when covered.

    Args:
        activation_date: The day the original token was activated.
        today: The reference date.
        reason: ``wrong_tenant``, ``seats_added_by_mistake`` or ``other``.
        replaced_before: Whether this token was already replaced once.

    Raises:
        FutureDateError: ``activation_date`` is after ``today``.
        InvalidInputError: An argument has the wrong type.
    """
    inputs = TokenInputs.build(
        activation_date=activation_date, today=today, reason=reason, replaced_before=replaced_before
    )
    today = inputs.today
    ensure_not_future("activation_date", inputs.activation_date, today)
    dates = {DateName.activation.value: inputs.activation_date}

    def result(status: TokenStatus, **extra: Any) -> TokenResult:
        return TokenResult(status=status, reason=inputs.reason, **extra)

    if inputs.reason not in COVERED_PROBLEMS:
        return result(TokenStatus.not_covered, dates=dates)
    deadline = token_deadline(inputs.activation_date)
    dates[DateName.deadline.value] = deadline
    if inputs.replaced_before:
        return result(TokenStatus.already_replaced, dates=dates)
    if today <= deadline:
        return result(TokenStatus.eligible, dates=dates, days_left=days_left(deadline, today))
    return result(TokenStatus.expired, dates=dates)


def token_deadline(activation_date: date) -> date:
    """The last day a replacement can be requested: activation + 30 days."""
    return activation_date + timedelta(days=WINDOW_DAYS)
