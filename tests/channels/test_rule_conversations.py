"""Partner-specific answers over REST, with today pinned to 2021-08-20 on the action server."""

import pytest

from tests.channels.test_rest import new_sender, say

pytestmark = [pytest.mark.slow, pytest.mark.server]


def conversation(base, *messages):
    sender = new_sender()
    return [" ".join(m["text"] for m in say(base, sender, text)) for text in messages]


def test_renewal_window_from_the_faq_example(rasa_url):
    [answer] = conversation(
        rasa_url, "we bought the Action Pack on 1 Sept 2020, when can we renew?"
    )
    assert "September 2, 2021" in answer and "in 13 days" in answer and "October 1, 2021" in answer
    assert "Source:" in answer and "Membership" in answer


def test_renewal_window_in_korean(rasa_url):
    [answer] = conversation(rasa_url, "2020년 9월 1일에 액션팩 구매했는데 언제 갱신할 수 있어요?")
    assert "2021년 9월 2일" in answer and "13일 후" in answer and "출처:" in answer


def test_covid_extension_with_the_date_as_a_follow_up(rasa_url):
    first, answer = conversation(
        rasa_url, "does the covid extension apply to our competency?", "15 October 2020"
    )
    assert (
        "July 1 and December 31, 2020" in first and "anniversary date?" in first
    )  # rule, then the question
    assert "October 15, 2021" in answer and "November 14, 2021" in answer


def test_replacement_token_in_one_turn(rasa_url):
    # An earlier replacement is never asked: the answer states it as a condition.
    [answer] = conversation(
        rasa_url,
        "we activated the token on the wrong tenant on 1 August, can we still get a replacement?",
    )
    assert answer.startswith("If this token hasn't been replaced before")
    assert "August 31, 2021" in answer and "12 days left" in answer


def test_missed_renewal_can_still_pay(rasa_url):
    [answer] = conversation(
        rasa_url,
        "our anniversary was 2021-07-25 and we missed the renewal, can we still pay the fee?",
    )
    assert "August 24, 2021" in answer and "5 days left" in answer


@pytest.mark.parametrize(
    ("date", "complaint"),
    [
        ("2022-01-05", "is in the future"),
        ("30 February 2021", "isn't a real date"),
        ("whenever", "couldn't read"),
    ],
)
def test_bad_dates_are_explained_and_asked_again(rasa_url, date, complaint):
    _, reply = conversation(
        rasa_url, "when can we renew our action pack? please work out our dates", date
    )
    assert complaint in reply and "purchase date" in reply


def test_bad_date_in_korean(rasa_url):
    _, reply = conversation(rasa_url, "우리 액션팩 갱신 기간 계산해 주세요", "2021년 2월 30일")
    assert "존재하지 않는 날짜" in reply and "구매일" in reply
