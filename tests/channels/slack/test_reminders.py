"""Slack: a direct message is one conversation, and "Remind me" schedules a reminder
(chat.scheduleMessage on the loopback fake), with PARTNERDESK_TODAY=2021-08-20."""

import json
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from partnerdesk.core.calendar import calendar_event, reminder_payload
from partnerdesk.core.rules import replacement_token
from tests.channels.slack.slack_requests import (
    PARTNER,
    button_click,
    envelope,
    message_event,
    new_channel,
)

pytestmark = [pytest.mark.slow, pytest.mark.server]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
SEOUL = ZoneInfo("Asia/Seoul")


def _buttons(post):
    actions = [block for block in post.blocks or [] if block["type"] == "actions"]
    return {b["text"]["text"]: b["value"] for block in actions for b in block["elements"]}


def _wait_scheduled(fake_slack, channel, count=1, timeout_s=20):
    deadline = time.monotonic() + timeout_s
    while len(fake_slack.scheduled_in(channel)) < count:
        assert time.monotonic() < deadline, fake_slack.scheduled
        time.sleep(0.1)
    return fake_slack.scheduled_in(channel)


def test_a_direct_message_is_one_conversation_across_messages_and_threads(
    slack, fake_slack, user_events
):
    channel = new_channel("D")
    first = message_event("can you check our renewal window?", channel)
    slack.event(envelope(first))
    [question] = fake_slack.wait_for_posts_in(channel, first["ts"])
    assert "When did you buy it?" in question.text
    # not a thread reply: the question in progress is not forgotten
    second = message_event("1 September 2020", channel)
    slack.event(envelope(second))
    [answer] = fake_slack.wait_for_posts_in(channel, second["ts"])  # in the latest's thread
    assert "It opens on September 2, 2021" in answer.text
    # a reply in an older thread is still the same conversation
    third = message_event("thanks!", channel, thread_ts=first["ts"])
    slack.event(envelope(third))
    fake_slack.wait_for_posts_in(channel, first["ts"], count=2)
    said = [e["text"] for e in user_events(f"{PARTNER}_{channel}", expect=3)]
    assert said == ["can you check our renewal window?", "1 September 2020", "thanks!"]


@pytest.mark.parametrize(
    ("question", "language", "day", "reminder"),
    [
        (
            "we bought the action pack on 1 Sept 2020, when can we renew?",
            "en",
            "2021-09-02",
            "PartnerDesk reminder: your MPN renewal window opens today, September 2, 2021, "
            "and runs through October 1, 2021.",
        ),
        (
            "2021년 8월 1일에 토큰을 잘못된 테넌트에 활성화했는데 교체 받을 수 있나요?",
            "ko",
            "2021-08-31",
            "PartnerDesk 알림: 오늘(2021년 8월 31일)은 파트너 센터 지원을 통해 "
            "대체 토큰을 요청할 수 있는 마지막 날입니다.",
        ),
    ],
)
def test_remind_me_schedules_a_reminder_at_nine_on_the_first_day(
    slack, fake_slack, question, language, day, reminder
):
    channel = new_channel("D")
    event = message_event(question, channel)
    slack.event(envelope(event))
    [answer] = fake_slack.wait_for_posts_in(channel, event["ts"])
    buttons = _buttons(answer)
    title = "알림 받기" if language == "ko" else "Remind me"
    assert buttons[title].startswith('/remind_me{"event": ')
    assert slack.click(button_click(answer, buttons[title])).status_code == 200
    [scheduled] = _wait_scheduled(fake_slack, channel)
    nine = datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=SEOUL)
    assert scheduled.post_at == int(nine.timestamp())
    assert scheduled.thread_ts == event["ts"]
    assert scheduled.text.startswith(reminder)
    said = fake_slack.wait_for_posts_in(channel, event["ts"], count=2)[1].text
    if language == "ko":
        assert said.startswith("알림을 예약했습니다.") and "오전 9시(Asia/Seoul)" in said
    else:
        assert said.startswith("Done: I'll remind you in this thread on September 2, 2021 at 9:00")


def test_no_remind_me_beyond_slacks_120_days_but_the_calendar_link(slack, fake_slack):
    channel = new_channel("D")
    event = message_event("we got MAP on March 1 2021, when is the renewal window?", channel)
    slack.event(envelope(event))
    [answer] = fake_slack.wait_for_posts_in(channel, event["ts"])
    assert "opens on March 2, 2022" in answer.text
    assert "Remind me" not in _buttons(answer)
    assert "/calendar/renewal-window.ics?" in answer.text and "|Add to calendar>" in answer.text


def _post_with(channel, thread_ts, value):
    from tests.channels.slack.fake_slack import Post

    blocks = [{"type": "actions", "elements": [{"type": "button", "value": value}]}]
    return Post(channel=channel, text="answer", thread_ts=thread_ts, blocks=blocks, ts=thread_ts)


def test_a_reminder_whose_day_has_come_is_not_scheduled(slack, fake_slack):
    """A click on an old answer's button, on or after the reminder's day."""
    channel, ts = new_channel("D"), "1629400000.000100"
    today = datetime(2021, 8, 20).date()
    due = calendar_event(
        replacement_token(datetime(2021, 7, 21).date(), today, "wrong_tenant", False), today
    )
    assert due.first == today
    click = button_click(_post_with(channel, ts, reminder_payload(due, "en")), "x")
    click["actions"][0]["value"] = reminder_payload(due, "en")
    assert slack.click(click).status_code == 200
    [said] = fake_slack.wait_for_posts_in(channel, ts)
    assert (
        said.text
        == "August 20, 2021 is today or already past, so there is no reminder to schedule."
    )
    assert fake_slack.scheduled_in(channel) == []


@pytest.mark.parametrize(
    "value",
    [
        '/remind_me{"event": "rule=renewal_window&first=2021-13-01"}',
        "/remind_me{not json",
        json.dumps({"event": 1}).join(["/remind_me", ""]),
    ],
)
def test_a_forged_reminder_click_is_refused_politely(slack, fake_slack, value):
    channel, ts = new_channel("D"), "1629400000.000200"
    click = button_click(_post_with(channel, ts, value), value)
    assert slack.click(click).status_code == 200
    [said] = fake_slack.wait_for_posts_in(channel, ts)
    assert said.text.startswith("Sorry, I couldn't schedule that reminder in Slack.")
    assert fake_slack.scheduled_in(channel) == []


def test_when_slack_refuses_the_partner_is_told(slack, fake_slack):
    channel = new_channel("D")
    event = message_event("we bought the action pack on 1 Sept 2020, when can we renew?", channel)
    slack.event(envelope(event))
    [answer] = fake_slack.wait_for_posts_in(channel, event["ts"])
    fake_slack.schedule_error = "time_in_past"
    try:
        slack.click(button_click(answer, _buttons(answer)["Remind me"]))
        said = fake_slack.wait_for_posts_in(channel, event["ts"], count=2)[1]
    finally:
        fake_slack.schedule_error = None
    assert "Add to calendar" in said.text and said.text.startswith("Sorry")
    assert fake_slack.scheduled_in(channel) == []
