from datetime import date

import pytest

from partnerdesk.core.dates.writing import DateStyle, format_date


@pytest.mark.parametrize(
    ("day", "lang", "expected"),
    [
        (date(2021, 9, 2), "en", "September 2, 2021"),
        (date(2021, 9, 2), "ko", "2021년 9월 2일"),
        (date(2022, 1, 14), "en", "January 14, 2022"),
        (date(2022, 1, 14), "ko", "2022년 1월 14일"),
        (date(2024, 2, 29), "en", "February 29, 2024"),
        (date(2020, 12, 31), "ko", "2020년 12월 31일"),
        (date(2021, 9, 2), "en-US", "September 2, 2021"),
        (date(2021, 9, 2), "ko_KR", "2021년 9월 2일"),
        (date(2021, 9, 2), "KO", "2021년 9월 2일"),
    ],
)
def test_format_date(day, lang, expected):
    assert format_date(day, lang) == expected


MONTHS = "January February March April May June July August September October November December"


@pytest.mark.parametrize(("month", "name"), enumerate(MONTHS.split(), start=1))
def test_every_month(month, name):
    assert format_date(date(2021, month, 5), "en") == f"{name} 5, 2021"
    assert format_date(date(2021, month, 5), "ko") == f"2021년 {month}월 5일"


@pytest.mark.parametrize("lang", ["fr", "", "english"])
def test_unknown_language_raises(lang):
    with pytest.raises(ValueError):
        format_date(date(2021, 9, 2), lang)


def test_citation_style():
    assert format_date(date(2020, 12, 10), "en", DateStyle.CITATION) == "10 Dec 2020"
    assert format_date(date(2021, 9, 2), "en-US", DateStyle.CITATION) == "2 Sep 2021"
    assert format_date(date(2020, 12, 10), "ko", DateStyle.CITATION) == "2020년 12월 10일"
