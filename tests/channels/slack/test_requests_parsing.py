"""Reading Slack's requests without a server: signatures, events, clicks, Rasa's id formats."""

import json
import logging
import time

import pytest
from sanic.compat import Header
from slack_sdk.signature import Clock, SignatureVerifier

from partnerdesk.channels.slack.requests import (
    IncomingMessage,
    bot_user_ids,
    clean_user_text,
    component_value,
    conversation_id,
    is_ignored_retry,
    is_signed_by_slack,
    json_object,
    message_from_event,
    message_from_interaction,
)
from tests.channels.slack.fake_slack import BOT_USER_ID, Post
from tests.channels.slack.slack_requests import (
    PARTNER,
    button_click,
    envelope,
    mention_event,
    message_event,
    sign,
)

SECRET = "test-signing-secret"
NOW = 1_700_000_000
ANSWERED = "CANSWERED"


class FixedClock(Clock):
    def now(self) -> float:
        return float(NOW)


@pytest.fixture
def verifier() -> SignatureVerifier:
    return SignatureVerifier(SECRET, clock=FixedClock())


def signed_headers(body: bytes, timestamp: str = str(NOW), secret: str = SECRET) -> Header:
    """Headers as sanic hands them over (case-insensitive), signed like Slack signs."""
    return Header(
        {"x-slack-request-timestamp": timestamp, "x-slack-signature": sign(secret, timestamp, body)}
    )


# --- signatures -------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b'{"type": "event_callback"}', "질문".encode(), b""])
@pytest.mark.parametrize("age_s", [0, 299, -299])
def test_a_body_signed_within_five_minutes_is_from_slack(verifier, body, age_s):
    assert is_signed_by_slack(verifier, body, signed_headers(body, str(NOW - age_s)))


@pytest.mark.parametrize("age_s", [301, -301, 10 * 60])
def test_a_signature_more_than_five_minutes_off_is_refused(verifier, age_s):
    body = b"{}"
    assert not is_signed_by_slack(verifier, body, signed_headers(body, str(NOW - age_s)))


def test_another_secret_or_another_body_is_refused(verifier):
    assert not is_signed_by_slack(verifier, b"{}", signed_headers(b"{}", secret="other"))
    assert not is_signed_by_slack(verifier, b'{"a": 1}', signed_headers(b"{}"))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": str(NOW)},
        {"X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": "v0=00"},  # overflow
        {"X-Slack-Request-Timestamp": "9" * 5000, "X-Slack-Signature": "v0=00"},  # int limit
        {"X-Slack-Request-Timestamp": "\xb9\xb2", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": str(NOW), "X-Slack-Signature": "v0=\xe9\x80"},
    ],
    ids=[
        "none",
        "no-signature",
        "no-timestamp",
        "words",
        "empty",
        "huge",
        "too-long",
        "superscripts",
        "non-ascii-signature",
    ],
)
def test_missing_or_malformed_headers_are_unsigned_not_errors(verifier, headers):
    assert not is_signed_by_slack(verifier, b"{}", Header(headers))


def test_a_body_that_is_not_utf8_is_unsigned_because_slack_sends_only_utf8(verifier):
    body = b'{"text": "\xff"}'
    assert not is_signed_by_slack(verifier, body, signed_headers(body))


@pytest.mark.parametrize(
    ("headers", "ignored"),
    [
        ({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}, True),
        ({"x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout"}, True),
        ({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}, False),
        ({"X-Slack-Retry-Reason": "http_timeout"}, False),
        ({}, False),
    ],
)
def test_only_retries_after_our_timeout_are_acknowledged_without_an_answer(headers, ignored):
    assert is_ignored_retry(Header(headers)) is ignored


# --- JSON -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        (b'{"a": "\xea\xb0\x80"}', {"a": "가"}),
        ('{"a": 1}', {"a": 1}),
        (b"[1, 2]", None),
        (b'"text"', None),
        (b"{not json", None),
        (b'{"a": "\xff"}', None),
        (None, None),
        (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, None),
    ],
    ids=["utf8-bytes", "text", "array", "string", "broken", "not-utf8", "none", "deep"],
)
def test_only_json_objects_are_read(raw, parsed):
    assert json_object(raw) == parsed


# --- Rasa's formats, kept so stored conversations continue ------------------------------


def test_a_thread_is_one_conversation_per_user_as_rasa_named_it():
    assert conversation_id("U1", "D2", "1700000000.000100") == "U1_D2_1700000000.000100"
    assert conversation_id("U1", "", "1.1") == "U1"  # Rasa's fallback
    message = IncomingMessage(text="hi", user="U1", channel="C2", thread="3.4")
    assert message.conversation_id == "U1_C2_3.4"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("<@UBOT> hi", "hi"),
        ("hi <@UBOT>", "hi"),
        ("a<@UBOT>b", "a b"),
        ("<@UBOT>\nhow?", "how?"),
        ("ask <@UBOT> about <@UOTHER>", "ask about <@UOTHER>"),
        ("  <@UBOT>  ", ""),
        ("see <https://x.com/a|x.com> and <http://y|why>", "see x.com and why"),
        ("<mailto:a@b.c|a@b.c>", "<mailto:a@b.c|a@b.c>"),  # Rasa's pattern wants "mailto://"
        ("<@U.B*T> x", "x"),  # ids are matched literally
    ],
)
def test_mentions_and_links_are_cleaned_as_rasa_cleaned_them(text, cleaned):
    assert clean_user_text(text, ["UBOT", "U.B*T"]) == cleaned


# --- events -----------------------------------------------------------------------------


def test_a_direct_message_is_answered_in_its_own_thread_once_per_delivery():
    event = message_event("When can we renew &amp; &lt;why&gt;?", "DPARTNER")
    body = envelope(event, event_id="Ev1")
    message = message_from_event(body, None)
    assert message == IncomingMessage(
        text="When can we renew & <why>?",
        user=PARTNER,
        channel="DPARTNER",
        thread=event["ts"],
        delivery_keys=(f"message:DPARTNER:{event['ts']}", "event:Ev1"),
        direct=True,
    )
    # one conversation for the whole direct message, whatever the thread
    assert message.conversation_id == f"{PARTNER}_DPARTNER"
    reply = message_event("and?", "DPARTNER", thread_ts="1600000000.000009")
    assert message_from_event(envelope(reply), None).conversation_id == f"{PARTNER}_DPARTNER"


def test_a_click_in_a_direct_message_belongs_to_its_one_conversation():
    post = Post(channel="DPARTNER", text="x", thread_ts="1.2", blocks=[], ts="1.3")
    message = message_from_interaction(button_click(post, "/faq/token_split"))
    assert (message.thread, message.conversation_id) == ("1.2", f"{PARTNER}_DPARTNER")
    in_channel = Post(channel="CPARTNERS", text="x", thread_ts="1.2", blocks=[], ts="1.3")
    message = message_from_interaction(button_click(in_channel, "/faq/token_split"))
    assert message.conversation_id == f"{PARTNER}_CPARTNERS_1.2"


def test_a_mention_loses_the_bots_mention_and_a_reply_stays_in_its_thread():
    event = mention_event("액션팩 갱신은?", "COTHER", thread_ts="1600000000.000001")
    message = message_from_event(envelope(event), None)
    assert message.text == "액션팩 갱신은?"
    assert message.thread == "1600000000.000001"
    assert message.conversation_id == f"{PARTNER}_COTHER_1600000000.000001"


def test_channel_messages_are_answered_only_in_the_answered_channel():
    assert message_from_event(
        envelope(message_event("q", ANSWERED, channel_type="channel")), ANSWERED
    )
    assert (
        message_from_event(envelope(message_event("q", "COTHER", channel_type="channel")), ANSWERED)
        is None
    )
    assert (
        message_from_event(envelope(message_event("q", ANSWERED, channel_type="channel")), None)
        is None
    )


@pytest.mark.parametrize(
    "change",
    [
        {"subtype": "bot_message"},
        {"bot_id": "B1"},
        {"edited": {"ts": "1.1"}},
        {"subtype": "message_changed"},
        {"type": "reaction_added"},
        {"type": None},
        {"user": ""},
        {"user": 5},
        {"text": ""},
        {"text": ["q"]},
        {"ts": None},
        {"channel": {"id": "D1"}},
        {"thread_ts": 5},
        {"thread_ts": ["1.1"]},
    ],
)
def test_bots_edits_subtypes_and_broken_events_are_not_answered(change):
    event = {**message_event("q", "DPARTNER"), **change}
    assert message_from_event(envelope(event), ANSWERED) is None


@pytest.mark.parametrize(
    "body",
    [
        {"type": "event_callback", "event": "text"},
        {"type": "event_callback"},
        {"type": "app_rate_limited"},
        {"type": "event_callback ", "event": {}},
        {},
    ],
)
def test_bodies_without_an_event_are_not_answered(body):
    assert message_from_event(body, ANSWERED) is None


def test_a_message_without_an_event_id_is_still_keyed_by_channel_and_ts():
    event = message_event("q", "DPARTNER")
    body = {**envelope(event), "event_id": None}
    assert message_from_event(body, None).delivery_keys == (f"message:DPARTNER:{event['ts']}",)


def test_bot_user_ids_come_from_well_formed_authorizations_only():
    body = {"authorizations": [{"user_id": BOT_USER_ID}, {"user_id": 5}, "x", None, {}]}
    assert bot_user_ids(body) == [BOT_USER_ID]
    assert bot_user_ids({"authorizations": {"user_id": BOT_USER_ID}}) == []
    assert bot_user_ids({}) == []


# --- clicks -----------------------------------------------------------------------------


def test_a_button_click_is_its_value_said_in_the_clicked_messages_thread():
    post = Post(channel="DPARTNER", text="Yes?", thread_ts="1.000100", blocks=[], ts="1.000200")
    assert message_from_interaction(button_click(post, "/affirm")) == IncomingMessage(
        text="/affirm", user=PARTNER, channel="DPARTNER", thread="1.000100", direct=True
    )
    top_level = Post(channel="DPARTNER", text="Yes?", thread_ts=None, blocks=[], ts="1.000300")
    assert message_from_interaction(button_click(top_level, "/deny")).thread == "1.000300"


@pytest.mark.parametrize(
    ("action", "value"),
    [
        ({"type": "button", "value": "/faq/x"}, "/faq/x"),
        ({"type": "button"}, None),  # a link button
        ({"type": "select", "selected_options": [{"value": "a"}]}, "a"),
        ({"type": "select", "selected_options": []}, None),
        ({"type": "select", "selected_options": "a"}, None),
        ({"type": "static_select", "selected_option": {"value": "b"}}, "b"),
        ({"type": "external_select", "selected_option": ["b"]}, None),
        ({"type": "overflow", "selected_option": {"value": 3}}, None),
        ({"type": "conversations_select", "selected_conversation": "C1"}, "C1"),
        ({"type": "users_select", "selected_user": "U1"}, "U1"),
        ({"type": "channels_select", "selected_channel": "C2"}, "C2"),
        ({"type": "datepicker", "selected_date": "2021-08-01"}, "2021-08-01"),
        ({"type": ["button"], "value": "x"}, None),
        ({"type": {"a": 1}, "value": "x"}, None),
        ({"value": "x"}, None),
    ],
)
def test_component_values_are_read_as_rasa_read_them_and_odd_shapes_give_none(action, value):
    assert component_value(action) == value


def test_clicks_on_unsupported_components_are_logged_not_answered(caplog):
    with caplog.at_level(logging.WARNING):
        assert component_value({"type": "checkboxes", "selected_options": []}) is None
    assert "'checkboxes'" in caplog.text


@pytest.mark.parametrize(
    "change",
    [
        {"user": {}},
        {"user": {"id": 5}},
        {"user": "U1"},
        {"channel": None},
        {"message": {}},
        {"message": {"ts": 1.5}},
        {"actions": []},
        {"actions": 5},
        {"actions": [5]},
        {"actions": {"0": {"type": "button", "value": "x"}}},
    ],
)
def test_clicks_missing_a_user_channel_thread_or_value_are_not_answered(change):
    post = Post(channel="DPARTNER", text="", thread_ts=None, blocks=[], ts="1.000200")
    payload = {**button_click(post, "/affirm"), **change}
    assert message_from_interaction(json.loads(json.dumps(payload))) is None


def test_the_fixed_clock_is_what_the_verifier_uses(verifier):
    # Guards the tests above: with the real clock NOW would be long past.
    body = b"{}"
    real = SignatureVerifier(SECRET)
    assert is_signed_by_slack(verifier, body, signed_headers(body))
    assert not is_signed_by_slack(real, body, signed_headers(body))
    assert is_signed_by_slack(real, body, signed_headers(body, str(int(time.time()))))
