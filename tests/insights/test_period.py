"""Reading ``since``, ``until`` and ``idle_minutes`` (contracts.md), in PARTNERDESK_TZ."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from partnerdesk.core.clock import local_zone
from partnerdesk.core.insight_period import (
    PeriodError,
    parse_idle_minutes,
    parse_period,
)

SEOUL = ZoneInfo("Asia/Seoul")
# 2021-08-20 10:00 in Seoul
NOW = datetime(2021, 8, 20, 1, 0, tzinfo=timezone.utc)


def test_default_is_the_last_30_calendar_days_including_today():
    period = parse_period(None, None, NOW, SEOUL)
    assert period.since == datetime(2021, 7, 22, tzinfo=SEOUL)
    assert period.until == datetime(2021, 8, 21, tzinfo=SEOUL)
    days = period.days()
    assert len(days) == 30 and days[0] == date(2021, 7, 22) and days[-1] == date(2021, 8, 20)


def test_date_only_and_zone_less_values_are_read_in_the_local_zone():
    period = parse_period("2021-08-01", "2021-08-02T12:30", NOW, SEOUL)
    assert period.since == datetime(2021, 8, 1, tzinfo=SEOUL)
    assert period.until == datetime(2021, 8, 2, 12, 30, tzinfo=SEOUL)
    assert period.since_ts == datetime(2021, 7, 31, 15, tzinfo=timezone.utc).timestamp()
    assert period.days() == [date(2021, 8, 1), date(2021, 8, 2)]


def test_values_with_a_zone_keep_it_and_days_use_the_local_zone():
    period = parse_period("2021-08-01T00:00:00Z", "2021-08-02T00:00:00+00:00", NOW, SEOUL)
    assert period.since_ts == datetime(2021, 8, 1, tzinfo=timezone.utc).timestamp()
    # 09:00 on the 1st to 08:59 on the 2nd in Seoul
    assert period.days() == [date(2021, 8, 1), date(2021, 8, 2)]


def test_since_is_inclusive_and_until_exclusive():
    period = parse_period("2021-08-01", "2021-08-02", NOW, SEOUL)
    assert period.contains(period.since_ts)
    assert not period.contains(period.until_ts)
    assert period.contains(period.until_ts - 0.001)
    assert period.days() == [date(2021, 8, 1)]


def test_since_alone_runs_to_the_end_of_today_and_until_alone_starts_30_days_before():
    assert parse_period("2021-08-10", None, NOW, SEOUL).until == datetime(2021, 8, 21, tzinfo=SEOUL)
    period = parse_period(None, "2021-08-10", NOW, SEOUL)
    assert period.until - period.since == timedelta(days=30)


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("yesterday", None, "\"since\": 'yesterday' is not an ISO 8601"),
        (None, "2021-02-30", "\"until\": '2021-02-30' is not an ISO 8601"),
        ("", None, '"since" must be an ISO 8601'),
        ("   ", None, '"since" must be an ISO 8601'),
        ("2021-08-01" * 10, None, '"since" must be an ISO 8601'),
        ("2021-08-02", "2021-08-01", '"since" (2021-08-02T00:00:00+09:00) must be before "until"'),
        ("2021-08-01", "2021-08-01", "must be before"),
        ("2000-01-01", "2021-01-01", "at most 3660 days"),
        ("0001-01-01T00:00+14:00", "0001-01-02", "is not an ISO 8601"),
        (None, "9999-12-31T23:00-10:00", "is not an ISO 8601"),
        (None, "0001-01-15", '"until" is too early'),
        ("2030-01-01", None, "must be before"),
        ("2021-08-01T25:00", None, "is not an ISO 8601"),
        ("2021-08-01\x00", None, "is not an ISO 8601"),
    ],
)
def test_bad_periods_say_what_is_wrong(since, until, message):
    with pytest.raises(PeriodError) as raised:
        parse_period(since, until, NOW, SEOUL)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 30), ("0", 0), ("10080", 10080), ("45", 45)]
)
def test_idle_minutes(value, expected):
    assert parse_idle_minutes(value) == expected


@pytest.mark.parametrize("value", ["-1", "10081", "1.5", "", " 5", "abc", "1e3", "٣", "9" * 40])
def test_bad_idle_minutes(value):
    with pytest.raises(PeriodError, match="whole number from 0 to 10080"):
        parse_idle_minutes(value)


def test_the_local_zone_comes_from_partnerdesk_tz():
    assert local_zone({}) == SEOUL
    assert local_zone({"PARTNERDESK_TZ": "Europe/Paris"}) == ZoneInfo("Europe/Paris")
    with pytest.raises(ValueError, match="not a known time zone"):
        local_zone({"PARTNERDESK_TZ": "Mars/Olympus"})
