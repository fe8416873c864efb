"""When an Action Pack or competency can be renewed (FAQ: Membership)."""

from __future__ import annotations

from datetime import date
from typing import Any

from partnerdesk.core.rules.enums import DateName, FaqId, Offer, RenewalStatus
from partnerdesk.core.rules.models import RenewalInputs, RenewalResult
from partnerdesk.core.rules.periods import (
    anniversary,
    days_left,
    days_until,
    ensure_not_future,
    window_after,
)

_FAQ_BY_OFFER = {
    Offer.action_pack: FaqId.renew_action_pack,
    Offer.competency: FaqId.renew_competency,
}


def renewal_window(purchase_date: date, today: date, offer: Offer | str) -> RenewalResult:
    """Where ``today`` falls relative to the renewal window of a membership.

    The window runs from an anniversary + 1 day to the anniversary + 30 days, inclusive.
    Anniversaries are ``purchase_date`` + k years (k ≥ 1) with ``relativedelta`` semantics:
    a 29 February purchase has its anniversary on 28 February in non-leap years.
    With A the latest anniversary on or before ``today``:

    - no A yet: ``not_open_yet``; the first window is given;
    - ``today`` == A: ``not_open_yet``; the window opens tomorrow;
    - A + 1 ≤ ``today`` ≤ A + 30: ``open``;
    - ``today`` > A + 30: ``missed``; that window closed on A + 30, and the next window is
      given as ``next_*`` dates. The reactivation period ends on the same day, so the
      missed route is a support ticket (see :func:`reactivation`).

    Dates: ``purchase``, ``anniversary``, ``window_opens``, ``window_closes``, plus
    ``next_anniversary``, ``next_window_opens``, ``next_window_closes`` when missed.
    ``days_until`` = open date − today when not open yet (next window's when missed);
    ``days_left`` counts today and the last day when open.

    Args:
        purchase_date: The day the offer was purchased.
        today: The reference date.
        offer: ``action_pack`` or ``competency``; picks the FAQ id.

    Raises:
        FutureDateError: ``purchase_date`` is after ``today``.
        InvalidInputError: An argument has the wrong type.
    """
    inputs = RenewalInputs.build(purchase_date=purchase_date, today=today, offer=offer)
    purchase, today = inputs.purchase_date, inputs.today
    ensure_not_future("purchase_date", purchase, today)

    years = today.year - purchase.year
    if anniversary(purchase, years) > today:
        years -= 1
    latest = anniversary(purchase, years) if years >= 1 else None

    def result(status: RenewalStatus, **extra: Any) -> RenewalResult:
        faq_id = _FAQ_BY_OFFER[inputs.offer]
        return RenewalResult(status=status, offer=inputs.offer, faq_id=faq_id, **extra)

    if latest is None:
        first = anniversary(purchase, 1)
        opens, closes = window_after(first)
        return result(
            RenewalStatus.not_open_yet,
            dates=_window_dates(purchase, first, opens, closes),
            days_until=days_until(opens, today),
        )

    opens, closes = window_after(latest)
    dates = _window_dates(purchase, latest, opens, closes)
    if today < opens:
        return result(RenewalStatus.not_open_yet, dates=dates, days_until=days_until(opens, today))
    if today <= closes:
        return result(RenewalStatus.open, dates=dates, days_left=days_left(closes, today))

    following = anniversary(purchase, years + 1)
    next_opens, next_closes = window_after(following)
    dates |= {
        DateName.next_anniversary.value: following,
        DateName.next_window_opens.value: next_opens,
        DateName.next_window_closes.value: next_closes,
    }
    return result(RenewalStatus.missed, dates=dates, days_until=days_until(next_opens, today))


def _window_dates(
    purchase: date, anniversary_day: date, opens: date, closes: date
) -> dict[str, date]:
    """The named dates of one window."""
    return {
        DateName.purchase.value: purchase,
        DateName.anniversary.value: anniversary_day,
        DateName.window_opens.value: opens,
        DateName.window_closes.value: closes,
    }
