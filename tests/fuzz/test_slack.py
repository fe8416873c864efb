"""Fuzzing Slack's ``/webhooks/slack/webhook`` (events, clicks) and ``/command`` (slash command).

Unsigned or wrongly signed requests get 401. Correctly signed garbage gets a 4xx, or an
ignored 200 (never a ``chat.postMessage``); a slash command always gets its ephemeral
answer or a 4xx. Nothing is stored, and the fake Slack Web API never hears of it.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.channels.slack.slack_requests import (
    SlackSender,
    envelope,
    mention_event,
    message_event,
    new_channel,
    slash_command,
)
from tests.fuzz.conftest import FUZZ, FuzzServer
from tests.fuzz.strategies import (
    assert_no_5xx,
    assert_refused,
    content_types,
    deeply_nested,
    invalid_utf8,
    json_other_than,
    json_values,
    no_new_events,
    not_a_text,
    several_megabytes,
)

pytestmark = [pytest.mark.slow, pytest.mark.server]
IGNORED = (
    "Not an event PartnerDesk answers.",
    "Not a message PartnerDesk answers.",
    "Not an interaction PartnerDesk answers.",
)
FORM = "application/x-www-form-urlencoded"
forms = st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=4)
bodies = st.one_of(
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
    invalid_utf8,
    forms.map(lambda form: urlencode(form).encode()),
)


@pytest.fixture(scope="module", autouse=True)
def events_at_start(fuzz_server: FuzzServer) -> int:
    """The tracker store's event count before this module's first request."""
    return fuzz_server.event_count()


@pytest.fixture(scope="module")
def command(slack_sender: SlackSender) -> SlackSender:
    """Signs and posts to the slash command's URL."""
    return SlackSender(_slack_url(slack_sender, "/command"), slack_sender.secret)


def _slack_url(sender: SlackSender, path: str) -> str:
    """``/webhooks/slack`` + ``path``."""
    return sender.webhook_url.removesuffix("/webhook") + path


def _assert_refused_or_ignored(reply: requests.Response) -> None:
    assert_no_5xx(reply)
    if reply.status_code == 200:
        assert reply.text in IGNORED or "challenge" in reply.json(), reply.text[:300]
    else:
        assert_refused(reply)


@given(
    body=bodies,
    content_type=content_types,
    path=st.sampled_from(["/webhook", "/command"]),
    fault=st.sampled_from(
        [
            "unsigned",
            "wrong secret",
            "stale",
            "future",
            "bad timestamp",
            "no timestamp",
            "bad signature",
            "non-ASCII",
        ]
    ),
)
@settings(FUZZ, max_examples=60)
def test_requests_not_signed_by_slack_get_401(
    fuzz_server: FuzzServer,
    slack_sender: SlackSender,
    body: bytes,
    content_type: str,
    path: str,
    fault: str,
) -> None:
    now = int(time.time())
    options: Dict[str, Any] = {
        "unsigned": {"signed": False},
        "wrong secret": {"secret": "not-the-signing-secret"},
        "stale": {"timestamp": str(now - 301)},
        "future": {"timestamp": str(now + 301)},
        "bad timestamp": {"timestamp": "yesterday"},
        "no timestamp": {"headers": {"X-Slack-Request-Timestamp": ""}},
        "bad signature": {"headers": {"X-Slack-Signature": "v0=" + "0" * 64}},
        "non-ASCII": {
            "headers": {"X-Slack-Signature": "v0=\xe9\x80", "X-Slack-Request-Timestamp": "\xb9\xb2"}
        },
    }[fault]
    url = _slack_url(slack_sender, path)
    with no_new_events(fuzz_server):
        reply = slack_sender.post(body, content_type, url=url, **options)
    assert reply.status_code == 401, (reply.status_code, reply.text[:300])
    assert_refused(reply)


@given(body=bodies, content_type=content_types)
@settings(FUZZ, max_examples=60)
def test_signed_garbage_events_are_refused_or_ignored(
    fuzz_server: FuzzServer, slack_sender: SlackSender, body: bytes, content_type: str
) -> None:
    with no_new_events(fuzz_server):
        _assert_refused_or_ignored(slack_sender.post(body, content_type))


@st.composite
def broken_events(draw: st.DrawFn) -> Dict[str, Any]:
    """A real direct-message or mention delivery with one thing wrong."""
    make = draw(st.sampled_from([message_event, mention_event]))
    event = make(draw(st.text(min_size=1, max_size=40)), new_channel())
    body = envelope(event)
    fault = draw(st.sampled_from(["field", "missing", "marked", "thread", "event", "type"]))
    if fault == "field":
        event[draw(st.sampled_from(["user", "channel", "ts", "text", "type"]))] = draw(not_a_text)
    elif fault == "missing":
        del event[draw(st.sampled_from(["user", "channel", "ts", "text", "type"]))]
    elif fault == "marked":
        event[draw(st.sampled_from(["subtype", "bot_id", "edited"]))] = draw(json_values)
    elif fault == "thread":
        event["thread_ts"] = draw(json_other_than(str).filter(bool))
    elif fault == "event":
        body["event"] = draw(json_other_than(dict))
    else:
        body["type"] = draw(not_a_text | st.sampled_from(["event_callback ", "app_rate_limited"]))
    return body


@given(body=broken_events())
@settings(FUZZ, max_examples=60)
def test_signed_broken_events_are_ignored(
    fuzz_server: FuzzServer, slack_sender: SlackSender, body: Dict[str, Any]
) -> None:
    with no_new_events(fuzz_server):
        _assert_refused_or_ignored(slack_sender.event(body))


interactive_types = st.sampled_from(
    [
        "button",
        "select",
        "static_select",
        "external_select",
        "conversations_select",
        "users_select",
        "channels_select",
        "overflow",
        "datepicker",
        "checkboxes",
        "radio_buttons",
    ]
)
broken_actions = st.builds(
    lambda kind, fields: {**fields, "type": kind},
    interactive_types,
    st.dictionaries(
        st.sampled_from(
            [
                "value",
                "selected_options",
                "selected_option",
                "selected_conversation",
                "selected_user",
                "selected_channel",
                "selected_date",
            ]
        ),
        json_values,
        max_size=3,
    ),
)


@given(
    actions=st.lists(broken_actions, max_size=2) | json_values,
    user=st.just({}) | st.fixed_dictionaries({"id": not_a_text}) | json_other_than(dict),
)
@settings(FUZZ, max_examples=60)
def test_signed_clicks_of_the_wrong_shape_are_ignored(
    fuzz_server: FuzzServer, slack_sender: SlackSender, actions: Any, user: Any
) -> None:
    """Whatever the components' values, a click without a user's id is never answered."""
    payload = {
        "type": "block_actions",
        "user": user,
        "actions": actions,
        "channel": {"id": new_channel()},
        "message": {"ts": "1700000000.000100"},
    }
    with no_new_events(fuzz_server):
        _assert_refused_or_ignored(slack_sender.click(payload))


@pytest.mark.parametrize("nested", deeply_nested(), ids=["arrays", "objects"])
def test_signed_deeply_nested_json_is_refused(
    fuzz_server: FuzzServer, slack_sender: SlackSender, nested: bytes
) -> None:
    with no_new_events(fuzz_server):
        assert_refused(slack_sender.post(nested, "application/json"))
        assert_refused(slack_sender.post(b"payload=" + nested, FORM))


def test_signed_bodies_of_several_megabytes(
    fuzz_server: FuzzServer, slack_sender: SlackSender, command: SlackSender
) -> None:
    """Refused or ignored: a padded event, a padded click, a padded command, garbage."""
    event = envelope(message_event("hi", new_channel(), subtype="bot_message"))
    with no_new_events(fuzz_server):
        _assert_refused_or_ignored(
            slack_sender.post(several_megabytes(**event), "application/json")
        )
        _assert_refused_or_ignored(slack_sender.post(b"\xff" * 5_000_000, "application/json"))
        _assert_refused_or_ignored(
            slack_sender.post(urlencode({"payload": "{" + "x" * 5_000_000}).encode(), FORM)
        )
        answer = command.post(slash_command("x" * 5_000_000, new_channel("C")), FORM)
        assert answer.status_code == 200 and "No drafts" in answer.json()["text"], answer.text[:300]
        assert_refused(command.post(b"\xff" * 5_000_000, FORM))


def _assert_ephemeral(reply: requests.Response) -> None:
    assert reply.status_code == 200, (reply.status_code, reply.text[:300])
    answer = reply.json()
    assert answer["response_type"] == "ephemeral" and answer["text"].strip(), answer


@given(
    fields=st.dictionaries(
        st.sampled_from(["text", "command", "user_id", "channel_id"]) | st.text(max_size=8),
        st.text(max_size=300),
        max_size=5,
    )
)
@settings(FUZZ, max_examples=50)
def test_signed_random_slash_commands_get_an_ephemeral_answer(
    fuzz_server: FuzzServer, command: SlackSender, fields: Dict[str, str]
) -> None:
    """Any form: drafts, the usage or a "No drafts" note, only for the agent; nothing stored."""
    with no_new_events(fuzz_server):
        _assert_ephemeral(command.post(urlencode(fields).encode(), FORM))


@given(text=st.integers(5_001, 10_000).map(lambda length: ("액션팩 갱신 " * 2_000)[:length]))
@settings(FUZZ, max_examples=5)
def test_signed_slash_commands_over_the_length_limit(
    fuzz_server: FuzzServer, command: SlackSender, text: str
) -> None:
    reply = command.post(slash_command(text, new_channel("C")), FORM)
    _assert_ephemeral(reply)
    assert "5000" in reply.json()["text"]


@given(body=invalid_utf8 | bodies, content_type=content_types)
@settings(FUZZ, max_examples=50)
def test_signed_garbage_slash_commands(
    fuzz_server: FuzzServer, command: SlackSender, body: bytes, content_type: str
) -> None:
    """Not a form, or not UTF-8: a 4xx; otherwise the ephemeral answer."""
    with no_new_events(fuzz_server):
        reply = command.post(body, content_type)
    assert_no_5xx(reply)
    if reply.status_code == 200:
        _assert_ephemeral(reply)


def test_nothing_was_posted_or_stored(fuzz_server: FuzzServer, events_at_start: int) -> None:
    """After all of the above, Slack never heard from PartnerDesk and no turn was stored."""
    time.sleep(1)  # answers are sent in background tasks
    assert fuzz_server.fake_slack.posts == []
    assert fuzz_server.event_count() == events_at_start
