"""Slack answers: one post, in the right thread and language, one conversation per thread."""

import re
import time

import pytest

from tests.channels.slack.conftest import ANSWERED_CHANNEL
from tests.channels.slack.slack_requests import (
    PARTNER,
    button_click,
    envelope,
    mention_event,
    message_event,
    new_channel,
)

pytestmark = [pytest.mark.slow, pytest.mark.server]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# How long a second, wrong answer gets to show up after the first one.
GRACE_S = 1.5


def answers_once(fake_slack, channel, thread_ts):
    """The one post in the thread, after waiting whether a second one comes."""
    fake_slack.wait_for_posts_in(channel, thread_ts)
    time.sleep(GRACE_S)
    posts = fake_slack.posts_in(channel)
    assert len(posts) == 1, posts
    return posts[0]


def test_direct_message_in_english_gets_one_english_answer_in_its_thread(slack, fake_slack):
    channel = new_channel("D")
    event = message_event("does the action pack come with VS enterprise?", channel)
    reply = slack.event(envelope(event))
    assert reply.status_code == 200, reply.text
    post = answers_once(fake_slack, channel, event["ts"])
    assert "Visual Studio Professional" in post.text
    assert "Source: Partner Center docs, MPN benefits FAQ (10 Dec 2020)" in post.text
    assert "https://learn.microsoft.com/en-us/" in post.text
    assert not HANGUL.search(post.text)


def test_mention_in_korean_gets_one_korean_answer_without_the_mention(
    slack, fake_slack, user_events
):
    channel = new_channel("C")
    event = mention_event("액션팩에 비주얼 스튜디오 엔터프라이즈 포함돼요?", channel)
    assert slack.event(envelope(event)).status_code == 200
    post = answers_once(fake_slack, channel, event["ts"])
    assert "Visual Studio Professional" in post.text
    assert "출처: 파트너 센터 문서, MPN 혜택 FAQ (2020년 12월 10일)" in post.text
    assert "https://learn.microsoft.com/ko-kr/" in post.text
    [user] = user_events(f"{PARTNER}_{channel}_{event['ts']}", expect=1)
    assert user["text"] == "액션팩에 비주얼 스튜디오 엔터프라이즈 포함돼요?"


def test_markdown_links_become_slack_links(slack, fake_slack):
    channel = new_channel("D")
    event = message_event("When can we renew our Action Pack?", channel)
    slack.event(envelope(event))
    [post] = fake_slack.wait_for_posts_in(channel, event["ts"])
    assert "<https://learn.microsoft.com/en-us/partner-center/renew-mpn-offers|" in post.text
    assert "](" not in post.text


def test_a_channel_thread_is_one_conversation_and_replies_stay_in_it(
    slack, fake_slack, user_events
):
    channel = new_channel("C")
    first = mention_event("hello", channel)
    slack.event(envelope(first))
    fake_slack.wait_for_posts_in(channel, first["ts"])
    second = mention_event("액션팩 갱신은 언제 할 수 있나요?", channel, thread_ts=first["ts"])
    slack.event(envelope(second))
    posts = fake_slack.wait_for_posts_in(channel, first["ts"], count=2)
    assert HANGUL.search(posts[1].text) and "출처:" in posts[1].text
    assert [e["text"] for e in user_events(f"{PARTNER}_{channel}_{first['ts']}", expect=2)] == [
        "hello",
        "액션팩 갱신은 언제 할 수 있나요?",
    ]
    other = mention_event("thanks", channel)  # a new thread in a channel: a new conversation
    slack.event(envelope(other))
    fake_slack.wait_for_posts_in(channel, other["ts"])
    assert len(user_events(f"{PARTNER}_{channel}_{other['ts']}", expect=1)) == 1


def test_every_message_in_the_answered_channel_gets_an_answer(slack, fake_slack):
    event = message_event("How do I renew a competency?", ANSWERED_CHANNEL, channel_type="channel")
    slack.event(envelope(event))
    post = answers_once(fake_slack, ANSWERED_CHANNEL, event["ts"])
    assert "competency" in post.text.lower()


def test_other_channels_are_answered_only_when_mentioned(slack, fake_slack):
    channel = new_channel("C")
    plain = message_event("How do I renew a competency?", channel, channel_type="channel")
    assert slack.event(envelope(plain)).status_code == 200
    mention = mention_event("How do I renew a competency?", channel)
    slack.event(envelope(mention))
    post = answers_once(fake_slack, channel, mention["ts"])
    assert post.thread_ts == mention["ts"]


def test_buttons_are_slack_buttons_and_a_click_answers_in_the_thread(slack, fake_slack):
    channel = new_channel("D")
    event = message_event(
        "we activated the token on the wrong tenant on 1 August, can we still get a replacement?",
        channel,
    )
    slack.event(envelope(event))
    [answer] = fake_slack.wait_for_posts_in(channel, event["ts"])
    assert "If this token hasn't been replaced before" in answer.text
    [actions] = [block for block in answer.blocks if block["type"] == "actions"]
    titles = [b["text"]["text"] for b in actions["elements"]]
    assert titles == ["It was replaced before", "Remind me"]
    correction = actions["elements"][0]["value"]
    assert slack.click(button_click(answer, correction)).status_code == 200
    corrected = fake_slack.wait_for_posts_in(channel, event["ts"], count=2)[1]
    assert "already been replaced once" in corrected.text


def test_a_korean_click_on_a_faq_button_answers_in_korean(slack, fake_slack):
    channel = new_channel("D")
    event = message_event("안녕하세요", channel)
    slack.event(envelope(event))
    [greeting] = fake_slack.wait_for_posts_in(channel, event["ts"])
    assert slack.click(button_click(greeting, "/faq/token_split")).status_code == 200
    answer = fake_slack.wait_for_posts_in(channel, event["ts"], count=2)[1]
    assert "토큰" in answer.text and "출처:" in answer.text


def test_slack_gets_its_200_before_the_answer_is_posted(slack, fake_slack):
    channel = new_channel("D")
    event = message_event("hello", channel)
    fake_slack.post_delay_s = 2.5
    try:
        started = time.monotonic()
        assert slack.event(envelope(event)).status_code == 200
        acked_after = time.monotonic() - started
        fake_slack.wait_for_posts_in(channel, event["ts"])
    finally:
        fake_slack.post_delay_s = 0
    assert acked_after < 1.0
    assert time.monotonic() - started >= 2.5


def test_an_answer_and_its_feedback_buttons_are_one_post_and_a_click_is_thanked(slack, fake_slack):
    channel = new_channel("D")
    event = message_event("액션팩 갱신은 언제 할 수 있나요?", channel)
    slack.event(envelope(event))
    answer = answers_once(fake_slack, channel, event["ts"])
    [actions] = [block for block in answer.blocks if block["type"] == "actions"]
    assert [b["text"]["text"] for b in actions["elements"]] == ["👍", "👎"]
    assert any("출처:" in b["text"]["text"] for b in answer.blocks if b["type"] == "section")
    helpful = actions["elements"][0]["value"]
    assert helpful.startswith("/feedback")
    assert slack.click(button_click(answer, helpful)).status_code == 200
    thanks = fake_slack.wait_for_posts_in(channel, event["ts"], count=2)[1]
    assert "감사합니다" in thanks.text
