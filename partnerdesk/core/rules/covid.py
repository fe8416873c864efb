"""The COVID-19 competency extension (FAQ: covid_hardship)."""

from __future__ import annotations

from datetime import date

from partnerdesk.core.rules.enums import CovidStatus, DateName, Offer
from partnerdesk.core.rules.models import CovidInputs, CovidResult
from partnerdesk.core.rules.periods import anniversary, window_after

ELIGIBLE_FROM = date(2020, 7, 1)
ELIGIBLE_THROUGH = date(2020, 12, 31)


def covid_extension(anniversary_date: date, offer: Offer | str) -> CovidResult:
    """Whether a competency anniversary falls under the COVID-19 extension.

    - Action Pack: ``not_applicable_offer`` (the extension covers competencies only);
    - anniversary from 1 July to 31 December 2020 inclusive: ``extended`` through the next
      anniversary (the same day in 2021; a 29 February would become 28 February), with the
      fee due in that anniversary's renewal window;
    - otherwise: ``not_eligible``.

    Dates: ``anniversary`` always; when extended also ``extended_through``,
    ``fee_window_opens`` (+1 day) and ``fee_window_closes`` (+30 days); when not eligible
    ``eligible_from`` and ``eligible_through``. ``days_until``/``days_left`` are None.

    Args:
        anniversary_date: The competency's anniversary date.
        offer: ``competency`` or ``action_pack``.

    Raises:
        InvalidInputError: An argument has the wrong type.
    """
    inputs = CovidInputs.build(anniversary_date=anniversary_date, offer=offer)
    day = inputs.anniversary_date
    dates = {DateName.anniversary.value: day}
    if inputs.offer is not Offer.competency:
        return CovidResult(status=CovidStatus.not_applicable_offer, offer=inputs.offer, dates=dates)
    if not ELIGIBLE_FROM <= day <= ELIGIBLE_THROUGH:
        dates |= {
            DateName.eligible_from.value: ELIGIBLE_FROM,
            DateName.eligible_through.value: ELIGIBLE_THROUGH,
        }
        return CovidResult(status=CovidStatus.not_eligible, offer=inputs.offer, dates=dates)
    extended_through = anniversary(day, 1)
    fee_opens, fee_closes = window_after(extended_through)
    dates |= {
        DateName.extended_through.value: extended_through,
        DateName.fee_window_opens.value: fee_opens,
        DateName.fee_window_closes.value: fee_closes,
    }
    return CovidResult(status=CovidStatus.extended, offer=inputs.offer, dates=dates)
