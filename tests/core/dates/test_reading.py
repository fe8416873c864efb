from datetime import date

import pytest

from partnerdesk.core.dates import find_date, parse_date
from partnerdesk.core.rules import (
    DateParseError,
    ImpossibleDateError,
    RulesInputError,
    UnparseableDateError,
)

TODAY = date(2021, 6, 1)
SEPT_1_2020 = date(2020, 9, 1)

WHOLE_MESSAGES = [
    # English, month first
    ("September 1, 2020", SEPT_1_2020),
    ("Sept 1 2020", SEPT_1_2020),
    ("Sep 1st 2020", SEPT_1_2020),
    ("Sept. 1, 2020", SEPT_1_2020),
    ("SEPTEMBER 1ST, 2020", SEPT_1_2020),
    ("sep 1 2020", SEPT_1_2020),
    # English, day first
    ("1 Sept 2020", SEPT_1_2020),
    ("1 September 2020", SEPT_1_2020),
    ("1st of September 2020", SEPT_1_2020),
    ("2020 September 1", SEPT_1_2020),
    # every abbreviation
    ("Jan 5 2021", date(2021, 1, 5)),
    ("Feb 5 2021", date(2021, 2, 5)),
    ("Mar 5 2021", date(2021, 3, 5)),
    ("Apr 5 2021", date(2021, 4, 5)),
    ("May 5 2021", date(2021, 5, 5)),
    ("Jun 5 2020", date(2020, 6, 5)),
    ("Jul 5 2020", date(2020, 7, 5)),
    ("Aug 5 2020", date(2020, 8, 5)),
    ("Sep 5 2020", date(2020, 9, 5)),
    ("Oct 5 2020", date(2020, 10, 5)),
    ("Nov 5 2020", date(2020, 11, 5)),
    ("Dec 5 2020", date(2020, 12, 5)),
    ("2nd March 2021", date(2021, 3, 2)),
    ("July 23rd, 2020", date(2020, 7, 23)),
    # numeric
    ("2020-09-01", SEPT_1_2020),
    ("2020/09/01", SEPT_1_2020),
    ("2020.09.01", SEPT_1_2020),
    ("2020. 9. 1.", SEPT_1_2020),
    ("9/1/2020", SEPT_1_2020),
    ("09/01/2020", SEPT_1_2020),
    ("9/1/20", SEPT_1_2020),
    ("13/9/2020", date(2020, 9, 13)),
    ("12/31/2020", date(2020, 12, 31)),
    # Korean
    ("2020년 9월 1일", SEPT_1_2020),
    ("2020년9월1일", SEPT_1_2020),
    ("2020 년 9 월 1 일", SEPT_1_2020),
    ("2020년 09월 01일", SEPT_1_2020),
    ("20년 9월 1일", SEPT_1_2020),
    # surrounding spaces and punctuation
    ("  2020-09-01?  ", SEPT_1_2020),
    ("'9/1/2020'.", SEPT_1_2020),
]

WITHOUT_YEAR = [
    ("9월 1일", date(2020, 9, 1)),
    ("September 1", date(2020, 9, 1)),
    ("1 Sept", date(2020, 9, 1)),
    ("June 1", date(2021, 6, 1)),
    ("6월 2일", date(2020, 6, 2)),
    ("February 29", date(2020, 2, 29)),
]

SENTENCES = [
    ("we bought the Action Pack on 1 Sept 2020, when can we renew?", SEPT_1_2020, "1 Sept 2020"),
    ("2020년 9월 1일에 액션팩 샀는데 언제 갱신해요?", SEPT_1_2020, "2020년 9월 1일"),
    ("Our competency anniversary is September 1, 2020.", SEPT_1_2020, "September 1, 2020"),
    ("I think it was sep 1st 2020 or so", SEPT_1_2020, "sep 1st 2020"),
    ("Purchased: 2020-09-01!", SEPT_1_2020, "2020-09-01"),
    ("토큰을 2020.09.01에 활성화했어요", SEPT_1_2020, "2020.09.01"),
    ("activated 9/1/2020 on the wrong tenant", SEPT_1_2020, "9/1/2020"),
    ("on Tuesday, September 1, 2020 we paid", SEPT_1_2020, "September 1, 2020"),
    ("bought 1 Sept 2020, renewed 2 Sept 2021", SEPT_1_2020, "1 Sept 2020"),
]

NO_DATE = [
    "when can we renew our action pack?",
    "액션팩 언제 갱신해요?",
    "May I renew in May 2021?",
    "Rasa 3.6.21 on version 2020.1",
    "call 010-1234-5678",
    "a 25-seat token",
    "",
    "😀🎉",
]

IMPOSSIBLE = [
    "30 February 2021",
    "February 30",
    "2021년 2월 30일",
    "2월 30일",
    "2021-02-29",
    "13/13/2020",
    "31/04/2020",
    "4/31/2020",
    "2020-13-01",
    "32 Sept 2020",
    "0/1/2020",
    "Sept 0",
]

UNPARSEABLE = [
    "blah",
    "",
    "   ",
    "😀",
    "next tuesday",
    "yesterday",
    "September 2020",
    "2020년 9월",
    "9/1",
    "it was 1 Sept 2020",
]


@pytest.mark.parametrize(("text", "expected"), WHOLE_MESSAGES)
def test_whole_message_with_year(text, expected):
    parsed = parse_date(text, TODAY)
    assert parsed.value == expected
    assert parsed.had_year is True
    assert find_date(text, TODAY) == parsed


@pytest.mark.parametrize(("text", "expected"), WITHOUT_YEAR)
def test_without_year_most_recent_not_in_future(text, expected):
    parsed = parse_date(text, TODAY)
    assert parsed.value == expected
    assert parsed.had_year is False
    assert parsed.matched_text == text


def test_without_year_across_year_boundary():
    parsed = parse_date("December 20", date(2021, 1, 5))
    assert parsed.value == date(2020, 12, 20)
    assert parse_date("12월 20일", date(2021, 1, 5)).value == date(2020, 12, 20)


@pytest.mark.parametrize(("text", "expected", "matched"), SENTENCES)
def test_find_date_inside_sentence(text, expected, matched):
    parsed = find_date(text, TODAY)
    assert parsed is not None
    assert (parsed.value, parsed.matched_text, parsed.had_year) == (expected, matched, True)


def test_find_date_without_year_in_sentence():
    parsed = find_date("9월 1일에 샀어요", TODAY)
    assert parsed is not None
    assert (parsed.value, parsed.matched_text, parsed.had_year) == (SEPT_1_2020, "9월 1일", False)


@pytest.mark.parametrize("text", NO_DATE)
def test_find_date_none_without_date(text):
    assert find_date(text, TODAY) is None


@pytest.mark.parametrize("text", IMPOSSIBLE)
def test_impossible_dates_raise(text):
    with pytest.raises(ImpossibleDateError) as caught:
        parse_date(text, TODAY)
    assert caught.value.matched_text == text
    with pytest.raises(ImpossibleDateError):
        find_date(f"we bought it on {text}, ok?", TODAY)


@pytest.mark.parametrize("text", UNPARSEABLE)
def test_unparseable_raises(text):
    with pytest.raises(UnparseableDateError):
        parse_date(text, TODAY)


def test_error_hierarchy():
    assert issubclass(ImpossibleDateError, DateParseError)
    assert issubclass(UnparseableDateError, DateParseError)
    assert issubclass(DateParseError, RulesInputError)
    assert issubclass(RulesInputError, ValueError)


def test_future_dates_are_returned_for_the_caller_to_check():
    assert parse_date("2022-01-01", TODAY).value == date(2022, 1, 1)
