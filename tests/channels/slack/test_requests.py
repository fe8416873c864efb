"""Slack requests the bot must refuse or answer only once: signatures, retries, bots, edits."""

import json
import re
import time

import pytest

from tests.channels.slack.conftest import ANSWERED_CHANNEL, JUNK_LOG_INTERVAL_S, SERVER_LOGS
from tests.channels.slack.fake_slack import BOT_ID, BOT_USER_ID, Post
from tests.channels.slack.slack_requests import (
    PARTNER,
    button_click,
    envelope,
    mention_event,
    message_event,
    new_channel,
)
from tests.channels.slack.test_answers import GRACE_S, answers_once

pytestmark = [pytest.mark.slow, pytest.mark.server]
QUESTION = "When can we renew our Action Pack?"


def assert_untouched(fake_slack, user_events, channel, ts):
    """No answer was posted and no conversation was started for the message."""
    time.sleep(GRACE_S)
    assert fake_slack.posts_in(channel) == []
    assert user_events(f"{PARTNER}_{channel}_{ts}") == []
    assert user_events(f"{PARTNER}_{channel}") == []  # a direct message's conversation


@pytest.mark.parametrize(
    "options",
    [
        {"secret": "not-the-signing-secret"},
        {"signed": False},
        {"age_s": 10 * 60},  # a replay: signed, but too old
        {"age_s": -10 * 60},
        {"timestamp": "yesterday"},
        {"headers": {"X-Slack-Signature": "v0=" + "0" * 64}},
    ],
    ids=[
        "wrong-secret",
        "unsigned",
        "old-timestamp",
        "future-timestamp",
        "bad-timestamp",
        "forged-signature",
    ],
)
def test_a_request_without_a_valid_signature_is_refused_and_not_processed(
    slack, fake_slack, user_events, options
):
    channel = new_channel("D")
    event = message_event(QUESTION, channel)
    if "age_s" in options:
        options = {"timestamp": str(int(time.time()) - options["age_s"])}
    reply = slack.event(envelope(event), **options)
    assert reply.status_code == 401, reply.text
    assert "X-Slack-Signature" in reply.json()["error"]
    assert_untouched(fake_slack, user_events, channel, event["ts"])


def test_a_flood_of_unsigned_requests_is_logged_at_most_once_per_interval(slack):
    log = SERVER_LOGS["slack"]
    offset = log.stat().st_size
    began = time.monotonic()
    for number in range(30):
        event = message_event(QUESTION, new_channel("D"))
        options = {"timestamp": "yesterday"} if number % 2 else {"signed": False}
        assert slack.event(envelope(event), **options).status_code == 401
    took = time.monotonic() - began
    time.sleep(JUNK_LOG_INTERVAL_S + 1.5)  # the interval ends: its counts are logged
    with log.open("rb") as file:
        file.seek(offset)
        lines = [line for line in file.read().decode().splitlines() if "unsigned request" in line]
    counted = sum(
        int(found.group(1)) if found else 1
        for found in (re.search(r"refused (\d+) more unsigned", line) for line in lines)
    )
    assert counted == 30, lines  # every refusal counted...
    assert len(lines) <= 2 * (took // JUNK_LOG_INTERVAL_S + 2), lines  # ...in a few lines
    assert "malformed timestamp" in " ".join(lines) and "no signature" in " ".join(lines)


def test_an_unsigned_button_click_is_refused(slack, fake_slack, user_events):
    channel, ts = new_channel("D"), "1600000000.000100"
    post = Post(channel=channel, text="", thread_ts=ts, blocks=[], ts=ts)
    reply = slack.click(button_click(post, "/faq/token_split"), signed=False)
    assert reply.status_code == 401
    assert_untouched(fake_slack, user_events, channel, ts)


def test_the_url_verification_challenge_is_answered_when_signed(slack):
    body = {
        "token": "x",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    reply = slack.event(body)
    assert reply.status_code == 200
    assert reply.json() == {"challenge": body["challenge"]}
    assert slack.event(body, signed=False).status_code == 401


def test_slack_retries_and_duplicates_never_get_a_second_answer(slack, fake_slack, user_events):
    channel = new_channel("D")
    body = envelope(message_event(QUESTION, channel))
    assert slack.event(body).status_code == 200
    retries = [
        {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"},
        {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"},
        {},  # the same delivery again, without retry headers
    ]
    for headers in retries:
        assert slack.event(body, headers=headers).status_code < 300
    post = answers_once(fake_slack, channel, body["event"]["ts"])
    assert "Action Pack" in post.text
    assert len(user_events(f"{PARTNER}_{channel}", expect=1)) == 1  # a DM: one conversation


def test_a_mention_in_the_answered_channel_is_answered_once(slack, fake_slack):
    message = message_event(
        f"<@{BOT_USER_ID}> {QUESTION}", ANSWERED_CHANNEL, channel_type="channel"
    )
    mention = {**message, "type": "app_mention"}
    del mention["channel_type"]
    assert slack.event(envelope(mention)).status_code == 200
    assert slack.event(envelope(message)).status_code == 200  # same message, another event
    fake_slack.wait_for_posts_in(ANSWERED_CHANNEL, message["ts"])
    time.sleep(GRACE_S)
    assert len(fake_slack.posts_in(ANSWERED_CHANNEL, message["ts"])) == 1


@pytest.mark.parametrize(
    "event",
    [
        {"subtype": "bot_message", "bot_id": "BOTHERBOT", "username": "github"},
        {"bot_id": BOT_ID, "user": BOT_USER_ID},  # PartnerDesk's own answer
        {
            "subtype": "message_changed",
            "hidden": True,
            "message": {
                "type": "message",
                "user": PARTNER,
                "text": QUESTION,
                "ts": "1.000001",
                "edited": {"user": PARTNER, "ts": "2.000001"},
            },
        },
        {"edited": {"user": PARTNER, "ts": "2.000001"}},
        {"subtype": "message_deleted", "hidden": True},
        {"subtype": "channel_join", "text": f"<@{PARTNER}> has joined the channel"},
        {"subtype": "file_share", "files": []},
        {"type": "reaction_added", "reaction": "thumbsup"},
    ],
    ids=["bot", "own-answer", "edit", "edited-flag", "deletion", "join", "file", "reaction"],
)
def test_bots_edits_and_other_events_get_no_answer(slack, fake_slack, user_events, event):
    channel = new_channel("D")
    base = message_event(QUESTION, channel)
    reply = slack.event(envelope({**base, **event}))
    assert reply.status_code == 200
    assert_untouched(fake_slack, user_events, channel, base["ts"])


def test_edits_in_the_answered_channel_and_edited_mentions_get_no_answer(slack, fake_slack):
    edit = message_event(
        QUESTION, ANSWERED_CHANNEL, channel_type="channel", subtype="message_changed"
    )
    assert slack.event(envelope(edit)).status_code == 200
    mention = mention_event(QUESTION, new_channel("C"), edited={"user": PARTNER, "ts": "1.1"})
    assert slack.event(envelope(mention)).status_code == 200
    time.sleep(GRACE_S)
    assert fake_slack.posts_in(ANSWERED_CHANNEL, edit["ts"]) == []
    assert fake_slack.posts_in(mention["channel"]) == []


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (json.dumps({"type": "event_callback", "event": "text"}).encode(), "application/json", 200),
        (json.dumps({"type": "app_rate_limited"}).encode(), "application/json", 200),
        (b"hello", "text/plain", 415),
        (b"", "application/x-www-form-urlencoded", 400),
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded", 400),
        (b"payload=%7B%22actions%22%3A+5%7D", "application/x-www-form-urlencoded", 200),
        (
            b"payload=%7B%22type%22%3A+%22view_submission%22%7D",
            "application/x-www-form-urlencoded",
            200,
        ),
    ],
)
def test_malformed_signed_requests_get_a_clear_4xx_or_are_ignored(
    slack, body, content_type, status
):
    reply = slack.post(body, content_type)
    assert reply.status_code == status, reply.text
    if status >= 400:
        assert reply.json()["error"]
