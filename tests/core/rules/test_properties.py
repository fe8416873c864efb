from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from partnerdesk.core.dates import format_date, parse_date
from partnerdesk.core.rules import (
    Offer,
    ReactivationStatus,
    RenewalStatus,
    TokenStatus,
    reactivation,
    renewal_window,
    replacement_token,
)

dates = st.dates(min_value=date(2001, 1, 1), max_value=date(2035, 12, 31))
elapsed = st.integers(min_value=0, max_value=12 * 366).map(lambda days: timedelta(days=days))
offers = st.sampled_from(Offer)


@given(purchase=dates, gap=elapsed, offer=offers)
def test_window_is_30_days_after_an_anniversary(purchase, gap, offer):
    result = renewal_window(purchase, purchase + gap, offer)
    opens, closes = result.dates["window_opens"], result.dates["window_closes"]
    assert (closes - opens).days + 1 == 30
    assert opens - timedelta(days=1) == result.dates["anniversary"]
    years = result.dates["anniversary"].year - purchase.year
    assert years >= 1
    assert purchase + relativedelta(years=years) == result.dates["anniversary"]


@given(purchase=dates, gap=elapsed, offer=offers)
def test_open_iff_today_within_window(purchase, gap, offer):
    today = purchase + gap
    result = renewal_window(purchase, today, offer)
    opens, closes = result.dates["window_opens"], result.dates["window_closes"]
    assert (result.status is RenewalStatus.open) == (opens <= today <= closes)
    if result.status is RenewalStatus.open:
        assert 1 <= result.days_left <= 30
        assert result.days_left == (closes - today).days + 1
        assert result.days_until is None
    elif result.status is RenewalStatus.not_open_yet:
        assert result.days_until >= 1
        assert today + timedelta(days=result.days_until) == opens
        assert result.days_left is None
    else:
        assert today > closes
        next_opens = result.dates["next_window_opens"]
        assert result.days_until >= 1
        assert today + timedelta(days=result.days_until) == next_opens
        assert (result.dates["next_window_closes"] - next_opens).days + 1 == 30


@given(purchase=dates, gap=elapsed)
def test_no_anniversary_is_skipped(purchase, gap):
    """The latest anniversary is never more than a year behind today."""
    today = purchase + gap
    result = renewal_window(purchase, today, Offer.competency)
    anniversary = result.dates["anniversary"]
    years = anniversary.year - purchase.year
    if anniversary > today:
        assert years == 1
        assert result.status is RenewalStatus.not_open_yet
    else:
        assert today < purchase + relativedelta(years=years + 1)


@given(anniversary=dates, offset=st.integers(min_value=-400, max_value=400))
def test_reactivation_matches_renewal_period(anniversary, offset):
    today = anniversary + timedelta(days=offset)
    result = reactivation(anniversary, today)
    expected = {
        offset <= 0: ReactivationStatus.not_due_yet,
        1 <= offset <= 30: ReactivationStatus.can_pay_fee,
        offset > 30: ReactivationStatus.support_ticket,
    }[True]
    assert result.status is expected
    if expected is ReactivationStatus.can_pay_fee:
        assert result.days_left == 31 - offset


@given(activation=dates, offset=st.integers(min_value=0, max_value=400))
def test_token_eligible_iff_within_30_days(activation, offset):
    today = activation + timedelta(days=offset)
    result = replacement_token(activation, today, "wrong_tenant", replaced_before=False)
    assert (result.status is TokenStatus.eligible) == (offset <= 30)
    if result.status is TokenStatus.eligible:
        assert result.days_left == 31 - offset >= 1


@given(day=dates, lang=st.sampled_from(["en", "ko"]))
def test_formatted_dates_read_back(day, lang):
    assert parse_date(format_date(day, lang), day).value == day


@given(day=dates)
def test_numeric_shapes_read_back(day):
    for text in (
        day.isoformat(),
        f"{day.year}. {day.month}. {day.day}.",
        f"{day.month}/{day.day}/{day.year}",
        f"{day.day} {format_date(day, 'en').split()[0][:3]} {day.year}",
    ):
        assert parse_date(text, day).value == day, text


@given(day=dates.filter(lambda value: value.day > 12))
def test_slash_dates_with_day_over_12_read_day_first(day):
    assert parse_date(f"{day.day}/{day.month}/{day.year}", day).value == day
