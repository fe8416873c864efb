"""Reactivating a membership after a missed renewal (FAQ: missed_renewal)."""

from __future__ import annotations

from datetime import date

from partnerdesk.core.rules.enums import DateName, ReactivationStatus
from partnerdesk.core.rules.models import ReactivationInputs, ReactivationResult
from partnerdesk.core.rules.periods import days_left, days_until, window_after


def reactivation(anniversary_date: date, today: date, renewed: bool = False) -> ReactivationResult:
    """What a partner can do about the membership whose anniversary is ``anniversary_date``.

    The fee can be paid on the Membership offers page in Partner Center up to the anniversary
    + 30 days, the same period as the renewal window. After that, the route is a support
    ticket via Partner Center asking for a COVID override.

    - ``renewed``: ``not_needed`` (nothing to reactivate);
    - ``today`` ≤ anniversary: ``not_due_yet``; the membership has not lapsed, and the fee
      period opens the day after the anniversary (``days_until``);
    - anniversary + 1 ≤ ``today`` ≤ anniversary + 30: ``can_pay_fee`` (``days_left`` counts
      today and the deadline);
    - later: ``support_ticket``.

    Dates: ``anniversary``, ``window_opens`` (anniversary + 1) and ``deadline``
    (anniversary + 30) for every status.

    Args:
        anniversary_date: The membership's anniversary date (past or future).
        today: The reference date.
        renewed: Whether the partner says they already renewed.

    Raises:
        InvalidInputError: An argument has the wrong type.
    """
    inputs = ReactivationInputs.build(
        anniversary_date=anniversary_date, today=today, renewed=renewed
    )
    today = inputs.today
    opens, deadline = window_after(inputs.anniversary_date)
    dates = {
        DateName.anniversary.value: inputs.anniversary_date,
        DateName.window_opens.value: opens,
        DateName.deadline.value: deadline,
    }
    if inputs.renewed:
        return ReactivationResult(status=ReactivationStatus.not_needed, dates=dates)
    if today < opens:
        return ReactivationResult(
            status=ReactivationStatus.not_due_yet, dates=dates, days_until=days_until(opens, today)
        )
    if today <= deadline:
        return ReactivationResult(
            status=ReactivationStatus.can_pay_fee, dates=dates, days_left=days_left(deadline, today)
        )
    return ReactivationResult(status=ReactivationStatus.support_ticket, dates=dates)
