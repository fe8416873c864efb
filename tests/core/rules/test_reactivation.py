from datetime import date

import pytest

from partnerdesk.core.rules import FaqId, InvalidInputError, ReactivationStatus, reactivation

ANNIVERSARY = date(2021, 9, 1)


def test_dates_are_anniversary_window_open_and_deadline(iso):
    result = reactivation(ANNIVERSARY, iso("2021-09-10"))
    assert {name: value.isoformat() for name, value in result.dates.items()} == {
        "anniversary": "2021-09-01",
        "window_opens": "2021-09-02",
        "deadline": "2021-10-01",
    }
    assert result.faq_id is FaqId.missed_renewal


@pytest.mark.parametrize(("today", "days_left"), [("2021-09-02", 30), ("2021-10-01", 1)])
def test_fee_payable_through_anniversary_plus_30(iso, today, days_left):
    result = reactivation(ANNIVERSARY, iso(today))
    assert result.status is ReactivationStatus.can_pay_fee
    assert result.days_left == days_left


def test_after_deadline_needs_support_ticket(iso):
    result = reactivation(ANNIVERSARY, iso("2021-10-02"))
    assert result.status is ReactivationStatus.support_ticket
    assert result.days_left is None
    assert result.days_until is None


@pytest.mark.parametrize(("today", "days_until"), [("2021-09-01", 1), ("2021-08-01", 32)])
def test_on_or_before_anniversary_not_due_yet(iso, today, days_until):
    result = reactivation(ANNIVERSARY, iso(today))
    assert result.status is ReactivationStatus.not_due_yet
    assert result.days_until == days_until


@pytest.mark.parametrize("today", ["2021-08-01", "2021-09-10", "2022-01-01"])
def test_renewed_membership_needs_nothing(iso, today):
    assert reactivation(ANNIVERSARY, iso(today), renewed=True).status == "not_needed"


def test_renewed_must_be_a_bool(iso):
    with pytest.raises(InvalidInputError):
        reactivation(ANNIVERSARY, iso("2021-09-10"), renewed="yes")
