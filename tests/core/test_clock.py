from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from partnerdesk.core.clock import today


def test_pinned_by_environment(clean_clock_env):
    clean_clock_env.setenv("PARTNERDESK_TODAY", "2021-09-02")
    assert today() == date(2021, 9, 2)


@pytest.mark.parametrize("value", ["2021-02-30", "02/09/2021", "20210902", "tomorrow", "2021-9-2"])
def test_invalid_pinned_value_names_the_variable(clean_clock_env, value):
    clean_clock_env.setenv("PARTNERDESK_TODAY", value)
    with pytest.raises(ValueError, match="PARTNERDESK_TODAY"):
        today()


def test_empty_pinned_value_counts_as_unset(clean_clock_env):
    clean_clock_env.setenv("PARTNERDESK_TODAY", "")
    assert_today_in_zone("Asia/Seoul")


def test_defaults_to_seoul(clean_clock_env):
    assert_today_in_zone("Asia/Seoul")


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_time_zone_from_environment(clean_clock_env, zone):
    clean_clock_env.setenv("PARTNERDESK_TZ", zone)
    assert_today_in_zone(zone)


def test_unknown_time_zone_names_the_variable(clean_clock_env):
    clean_clock_env.setenv("PARTNERDESK_TZ", "Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="PARTNERDESK_TZ"):
        today()


def test_explicit_environment_mapping():
    assert today({"PARTNERDESK_TODAY": "2020-02-29"}) == date(2020, 2, 29)


def assert_today_in_zone(zone: str) -> None:
    """today() is the date in ``zone`` (either one if midnight passes during the call)."""
    before = datetime.now(ZoneInfo(zone)).date()
    result = today()
    after = datetime.now(ZoneInfo(zone)).date()
    assert result in {before, after}
