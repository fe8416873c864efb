"""The request model: what it accepts, and the messages for what it refuses."""

import datetime

import pytest
from pydantic import ValidationError

from partnerdesk.assist.models import SuggestRequest, validation_message


def refusal(body):
    with pytest.raises(ValidationError) as caught:
        SuggestRequest.parse_obj(body)
    return validation_message(caught.value)


def test_defaults_and_dates():
    request = SuggestRequest.parse_obj({"text": "hi", "purchase_date": "2020-09-01"})
    assert request.top == 3
    assert request.purchase_date == datetime.date(2020, 9, 1)
    assert request.anniversary_date is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, '"text": is required'),
        ({"text": ""}, '"text": must be 1 to 5000 characters long'),
        ({"text": " \n "}, '"text": must not be blank'),
        ({"text": "x" * 5001}, '"text": must be 1 to 5000 characters long'),
        ({"text": 42}, '"text": must be a string'),
        ({"text": None}, '"text": must not be null'),
        ({"text": ["a"]}, '"text": must be a string'),
        ({"text": "a", "top": 0}, '"top": must be between 1 and 10'),
        ({"text": "a", "top": 11}, '"top": must be between 1 and 10'),
        ({"text": "a", "top": "3"}, '"top": must be an integer'),
        ({"text": "a", "top": 2.0}, '"top": must be an integer'),
        ({"text": "a", "top": True}, '"top": must be an integer'),
        (
            {"text": "a", "purchase_date": "2021-02-30"},
            '"purchase_date": 2021-02-30 is not a real date',
        ),
        (
            {"text": "a", "anniversary_date": "1 Sept 2020"},
            '"anniversary_date": must be an ISO date',
        ),
        ({"text": "a", "activation_date": 20210801}, '"activation_date": must be an ISO date'),
        (
            {"text": "a", "activation_date": "2021-08-01T00:00"},
            '"activation_date": must be an ISO date',
        ),
        ({"text": "a", "sender": "me"}, '"sender": is not a known field'),
    ],
)
def test_refusals_say_what_is_wrong(body, message):
    assert refusal(body).startswith(message)


def test_every_problem_is_reported():
    message = refusal({"text": "", "top": 0})
    assert '"text"' in message and '"top"' in message


def test_5000_characters_are_accepted():
    assert len(SuggestRequest(text="가" * 5000).text) == 5000
