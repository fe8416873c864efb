from datetime import date

import pytest

from partnerdesk.core.rules import (
    TOKEN_SPLIT_ALLOWED,
    TOKEN_SPLIT_FAQ_ID,
    FaqId,
    FutureDateError,
    TokenProblem,
    TokenStatus,
    replacement_token,
)

ACTIVATED = date(2021, 1, 15)


@pytest.mark.parametrize("reason", [TokenProblem.wrong_tenant, "seats_added_by_mistake"])
@pytest.mark.parametrize(("today", "days_left"), [("2021-01-15", 31), ("2021-02-14", 1)])
def test_eligible_through_activation_plus_30(iso, reason, today, days_left):
    result = replacement_token(ACTIVATED, iso(today), reason, replaced_before=False)
    assert result.status is TokenStatus.eligible
    assert result.dates == {"activation": ACTIVATED, "deadline": iso("2021-02-14")}
    assert result.days_left == days_left
    assert result.faq_id is FaqId.replacement_token


def test_day_31_expired(iso):
    result = replacement_token(ACTIVATED, iso("2021-02-15"), "wrong_tenant", False)
    assert result.status is TokenStatus.expired
    assert result.days_left is None


def test_one_time_only(iso):
    result = replacement_token(ACTIVATED, iso("2021-01-20"), "wrong_tenant", replaced_before=True)
    assert result.status is TokenStatus.already_replaced


@pytest.mark.parametrize("replaced_before", [False, True])
def test_other_problems_not_covered(iso, replaced_before):
    result = replacement_token(ACTIVATED, iso("2021-01-20"), TokenProblem.other, replaced_before)
    assert result.status is TokenStatus.not_covered
    assert "deadline" not in result.dates


def test_future_activation_raises(iso):
    with pytest.raises(FutureDateError) as caught:
        replacement_token(iso("2021-01-21"), iso("2021-01-20"), "wrong_tenant", False)
    assert caught.value.field == "activation_date"


def test_tokens_cannot_be_split():
    assert TOKEN_SPLIT_ALLOWED is False
    assert TOKEN_SPLIT_FAQ_ID is FaqId.token_split
