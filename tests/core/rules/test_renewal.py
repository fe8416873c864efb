from datetime import date

import pytest

from partnerdesk.core.rules import (
    FaqId,
    FutureDateError,
    InvalidInputError,
    Offer,
    RenewalStatus,
    RulesInputError,
    renewal_window,
)

PURCHASE = date(2020, 9, 1)


def dates_of(result):
    return {name: value.isoformat() for name, value in result.dates.items()}


def test_faq_example_window_opens_day_after_anniversary(iso):
    result = renewal_window(PURCHASE, iso("2021-06-01"), Offer.action_pack)
    assert result.status is RenewalStatus.not_open_yet
    assert dates_of(result) == {
        "purchase": "2020-09-01",
        "anniversary": "2021-09-01",
        "window_opens": "2021-09-02",
        "window_closes": "2021-10-01",
    }
    assert result.days_until == (date(2021, 9, 2) - date(2021, 6, 1)).days == 93
    assert result.days_left is None
    assert result.faq_id is FaqId.renew_action_pack


def test_competency_uses_competency_faq(iso):
    result = renewal_window(PURCHASE, iso("2021-06-01"), "competency")
    assert result.faq_id is FaqId.renew_competency
    assert result.offer is Offer.competency


def test_on_purchase_day_window_not_open(iso):
    result = renewal_window(PURCHASE, PURCHASE, Offer.action_pack)
    assert result.status is RenewalStatus.not_open_yet
    assert result.dates["window_opens"] == iso("2021-09-02")
    assert result.days_until == 366


def test_on_anniversary_opens_tomorrow(iso):
    result = renewal_window(PURCHASE, iso("2021-09-01"), Offer.action_pack)
    assert result.status is RenewalStatus.not_open_yet
    assert result.dates["anniversary"] == iso("2021-09-01")
    assert result.dates["window_opens"] == iso("2021-09-02")
    assert result.days_until == 1


@pytest.mark.parametrize(
    ("today", "days_left"),
    [("2021-09-02", 30), ("2021-09-15", 17), ("2021-09-30", 2), ("2021-10-01", 1)],
)
def test_open_from_day_1_to_day_30_with_inclusive_days_left(iso, today, days_left):
    result = renewal_window(PURCHASE, iso(today), Offer.action_pack)
    assert result.status is RenewalStatus.open
    assert result.days_left == days_left
    assert result.days_until is None
    assert result.dates["window_closes"] == iso("2021-10-01")


def test_day_31_is_missed_with_next_window(iso):
    result = renewal_window(PURCHASE, iso("2021-10-02"), Offer.competency)
    assert result.status is RenewalStatus.missed
    assert dates_of(result) == {
        "purchase": "2020-09-01",
        "anniversary": "2021-09-01",
        "window_opens": "2021-09-02",
        "window_closes": "2021-10-01",
        "next_anniversary": "2022-09-01",
        "next_window_opens": "2022-09-02",
        "next_window_closes": "2022-10-01",
    }
    assert result.days_until == (date(2022, 9, 2) - date(2021, 10, 2)).days
    assert result.days_left is None


def test_day_before_next_anniversary_is_still_missed(iso):
    result = renewal_window(PURCHASE, iso("2022-08-31"), Offer.competency)
    assert result.status is RenewalStatus.missed
    assert result.dates["next_window_opens"] == iso("2022-09-02")
    assert result.days_until == 2


def test_leap_day_purchase_anniversary_is_28_february(iso):
    result = renewal_window(iso("2020-02-29"), iso("2021-02-28"), Offer.action_pack)
    assert result.status is RenewalStatus.not_open_yet
    assert result.dates["anniversary"] == iso("2021-02-28")
    assert result.dates["window_opens"] == iso("2021-03-01")
    assert result.dates["window_closes"] == iso("2021-03-30")
    assert result.days_until == 1


@pytest.mark.parametrize(("today", "status"), [("2021-03-30", "open"), ("2021-03-31", "missed")])
def test_leap_day_purchase_window_ends_30_march(iso, today, status):
    assert renewal_window(iso("2020-02-29"), iso(today), Offer.action_pack).status == status


def test_leap_day_purchase_in_a_leap_year_uses_29_february(iso):
    result = renewal_window(iso("2020-02-29"), iso("2024-03-01"), Offer.competency)
    assert result.status is RenewalStatus.open
    assert result.dates["anniversary"] == iso("2024-02-29")
    assert result.dates["window_closes"] == iso("2024-03-30")
    assert result.days_left == 30


def test_leap_day_missed_in_2023_points_to_2024_window(iso):
    result = renewal_window(iso("2020-02-29"), iso("2024-02-28"), Offer.competency)
    assert result.status is RenewalStatus.missed
    assert result.dates["anniversary"] == iso("2023-02-28")
    assert result.dates["next_anniversary"] == iso("2024-02-29")
    assert result.dates["next_window_opens"] == iso("2024-03-01")


def test_window_crosses_year_boundary(iso):
    result = renewal_window(iso("2020-12-15"), iso("2021-12-31"), Offer.action_pack)
    assert result.status is RenewalStatus.open
    assert result.dates["window_opens"] == iso("2021-12-16")
    assert result.dates["window_closes"] == iso("2022-01-14")
    assert result.days_left == 15
    assert renewal_window(iso("2020-12-15"), iso("2022-01-14"), "action_pack").days_left == 1
    assert renewal_window(iso("2020-12-15"), iso("2022-01-15"), "action_pack").status == "missed"


@pytest.mark.parametrize(
    ("today", "status", "anniversary"),
    [
        ("2021-03-05", "open", "2021-03-01"),
        ("2021-02-28", "missed", "2020-03-01"),
        ("2021-03-01", "not_open_yet", "2021-03-01"),
    ],
)
def test_multi_year_membership_uses_latest_anniversary(iso, today, status, anniversary):
    result = renewal_window(iso("2018-03-01"), iso(today), Offer.competency)
    assert result.status == status
    assert result.dates["anniversary"] == iso(anniversary)


def test_future_purchase_date_raises_typed_error(iso):
    with pytest.raises(FutureDateError) as caught:
        renewal_window(iso("2021-06-02"), iso("2021-06-01"), Offer.action_pack)
    assert isinstance(caught.value, RulesInputError)
    assert caught.value.field == "purchase_date"
    assert caught.value.value == iso("2021-06-02")


def test_iso_strings_are_accepted(iso):
    result = renewal_window("2020-09-01", "2021-09-02", "action_pack")
    assert result.status is RenewalStatus.open
    assert result.dates["purchase"] == PURCHASE


@pytest.mark.parametrize(
    "bad",
    [
        {"purchase_date": "1 Sept 2020"},
        {"purchase_date": "20200901"},
        {"purchase_date": 1598918400},
        {"offer": "gold"},
    ],
)
def test_bad_inputs_raise_invalid_input(iso, bad):
    arguments = {"purchase_date": PURCHASE, "today": iso("2021-06-01"), "offer": "action_pack"}
    with pytest.raises(InvalidInputError):
        renewal_window(**(arguments | bad))


def test_datetime_is_rejected():
    from datetime import datetime

    with pytest.raises(InvalidInputError):
        renewal_window(datetime(2020, 9, 1, 12), date(2021, 6, 1), Offer.action_pack)
