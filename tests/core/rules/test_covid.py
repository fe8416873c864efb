from datetime import date

import pytest

from partnerdesk.core.rules import CovidStatus, FaqId, Offer, covid_extension


@pytest.mark.parametrize(
    ("anniversary", "status"),
    [
        ("2020-06-30", "not_eligible"),
        ("2020-07-01", "extended"),
        ("2020-12-31", "extended"),
        ("2021-01-01", "not_eligible"),
        ("2019-09-01", "not_eligible"),
    ],
)
def test_eligible_from_1_july_to_31_december_2020(iso, anniversary, status):
    result = covid_extension(iso(anniversary), Offer.competency)
    assert result.status == status
    assert result.faq_id is FaqId.covid_hardship


def test_extended_through_same_day_2021_with_fee_window(iso):
    result = covid_extension(iso("2020-12-31"), Offer.competency)
    assert {name: value.isoformat() for name, value in result.dates.items()} == {
        "anniversary": "2020-12-31",
        "extended_through": "2021-12-31",
        "fee_window_opens": "2022-01-01",
        "fee_window_closes": "2022-01-30",
    }
    assert result.days_until is None
    assert result.days_left is None


def test_not_eligible_names_the_eligible_range(iso):
    result = covid_extension(iso("2020-06-30"), Offer.competency)
    assert result.dates["eligible_from"] == date(2020, 7, 1)
    assert result.dates["eligible_through"] == date(2020, 12, 31)
    assert "extended_through" not in result.dates


@pytest.mark.parametrize("anniversary", ["2020-08-15", "2020-03-01"])
def test_action_pack_is_not_covered(iso, anniversary):
    result = covid_extension(iso(anniversary), "action_pack")
    assert result.status is CovidStatus.not_applicable_offer
    assert result.offer is Offer.action_pack
