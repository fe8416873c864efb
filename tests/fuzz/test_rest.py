"""Fuzzing ``POST /webhooks/rest/webhook``: refused with 400 and stored nowhere, or answered."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, List, Optional
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ, HANGUL, REQUEST_TIMEOUT_S, FuzzServer
from tests.fuzz.strategies import (
    assert_no_5xx,
    assert_refused,
    content_types,
    deeply_nested,
    invalid_utf8,
    json_other_than,
    json_scalars,
    json_values,
    no_new_events,
    not_a_text,
    several_megabytes,
)

pytestmark = [pytest.mark.slow, pytest.mark.server]
LONG_MESSAGE_CHARS = 10_000
LONG_MESSAGE_SECONDS = 20
FALLBACK_OPENINGS = ("Sorry", "I'm not sure I understood", "죄송합니다", "정확히 이해했는지")


def _post(
    server: FuzzServer, body: bytes, content_type: Optional[str] = "application/json"
) -> requests.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    return requests.post(
        f"{server.url}/webhooks/rest/webhook", data=body, headers=headers, timeout=REQUEST_TIMEOUT_S
    )


def _sender() -> str:
    return f"fuzz-rest-{uuid.uuid4().hex}"


def _answered(reply: requests.Response) -> List[Dict[str, Any]]:
    """The bot's messages of a 200 reply; there is at least one, each with text."""
    assert reply.status_code == 200, (reply.status_code, reply.text[:500])
    messages = reply.json()
    assert messages and all(message.get("text") for message in messages), messages
    return messages


@st.composite
def broken_bodies(draw: st.DrawFn) -> Dict[str, Any]:
    """A request body with one field missing, of the wrong type or too long."""
    body: Dict[str, Any] = {"sender": _sender(), "message": draw(st.text(max_size=40))}
    if draw(st.booleans()):
        body["metadata"] = draw(st.dictionaries(st.text(max_size=5), json_scalars, max_size=3))
    field = draw(st.sampled_from(["sender", "message", "metadata", "input_channel"]))
    if field in ("sender", "message") and draw(st.booleans()):
        del body[field]
    elif field == "sender":
        body["sender"] = draw(not_a_text | st.text(min_size=257, max_size=300))
    elif field == "message":
        body["message"] = draw(not_a_text.filter(lambda value: value != ""))
    elif field == "metadata":
        body["metadata"] = draw(json_other_than(dict, type(None)))
    else:
        body["input_channel"] = draw(json_other_than(str, type(None)))
    return body


@given(body=json_values.filter(lambda value: not (isinstance(value, dict) and "sender" in value)))
@settings(FUZZ, max_examples=60)
def test_random_json_is_refused(fuzz_server: FuzzServer, body: Any) -> None:
    with no_new_events(fuzz_server):
        assert_refused(_post(fuzz_server, json.dumps(body).encode()))


@given(body=broken_bodies())
@settings(FUZZ, max_examples=80)
def test_missing_fields_and_wrong_types_are_refused(
    fuzz_server: FuzzServer, body: Dict[str, Any]
) -> None:
    with no_new_events(fuzz_server):
        assert_refused(_post(fuzz_server, json.dumps(body).encode()))


@given(text=st.text(max_size=300))
@settings(FUZZ, max_examples=30)
def test_any_text_gets_an_answer(fuzz_server: FuzzServer, text: str) -> None:
    body = json.dumps({"sender": _sender(), "message": text}).encode()
    _answered(_post(fuzz_server, body))


@given(text=st.text(st.characters(blacklist_categories=()), min_size=1, max_size=20))
@settings(FUZZ, max_examples=30)
def test_escaped_lone_surrogates_and_control_characters(fuzz_server: FuzzServer, text: str) -> None:
    """JSON escapes of any code point, lone surrogates included: answered or refused."""
    body = json.dumps({"sender": _sender(), "message": text}).encode()
    assert_no_5xx(_post(fuzz_server, body))


@given(body=invalid_utf8)
@settings(FUZZ, max_examples=40)
def test_invalid_utf8_is_refused(fuzz_server: FuzzServer, body: bytes) -> None:
    with no_new_events(fuzz_server):
        assert_refused(_post(fuzz_server, body))


@given(bad=invalid_utf8)
@settings(FUZZ, max_examples=40)
def test_invalid_utf8_inside_the_message_is_refused(fuzz_server: FuzzServer, bad: bytes) -> None:
    body = b'{"sender": "' + _sender().encode() + b'", "message": "' + bad + b'"}'
    with no_new_events(fuzz_server):
        assert_refused(_post(fuzz_server, body))


@pytest.mark.parametrize("nested", deeply_nested(), ids=["arrays", "objects"])
def test_deeply_nested_json_is_refused(fuzz_server: FuzzServer, nested: bytes) -> None:
    as_message = b'{"sender": "' + _sender().encode() + b'", "message": ' + nested + b"}"
    with no_new_events(fuzz_server):
        assert_refused(_post(fuzz_server, nested))
        assert_refused(_post(fuzz_server, as_message))


def test_bodies_of_several_megabytes(fuzz_server: FuzzServer) -> None:
    """A long message and garbage are refused; a padded but valid request is answered."""
    long_message = json.dumps({"sender": _sender(), "message": "x" * 5_000_000}).encode()
    with no_new_events(fuzz_server):
        assert_refused(_post(fuzz_server, long_message))
        assert_refused(_post(fuzz_server, b"\xff" * 5_000_000))
        assert_refused(_post(fuzz_server, b"[" * 5_000_000))
        assert_refused(
            _post(
                fuzz_server,
                urlencode({"message": "x" * 5_000_000}).encode(),
                "application/x-www-form-urlencoded",
            )
        )
    _answered(_post(fuzz_server, several_megabytes(sender=_sender(), message="hello")))


@given(content_type=content_types, as_form=st.booleans(), text=st.text(max_size=40))
@settings(FUZZ, max_examples=40)
def test_wrong_content_types(
    fuzz_server: FuzzServer, content_type: str, as_form: bool, text: str
) -> None:
    """A form body is refused whatever its type says; a JSON body is read as JSON."""
    fields = {"sender": _sender(), "message": text}
    if as_form:
        with no_new_events(fuzz_server):
            assert_refused(_post(fuzz_server, urlencode(fields).encode(), content_type))
    else:
        assert_no_5xx(_post(fuzz_server, json.dumps(fields).encode(), content_type))


words = st.text(
    st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=2, max_size=9
)
hangul_words = st.text(
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=5
)


def _ten_thousand_chars(vocabulary: List[str]) -> str:
    text = ""
    while len(text) < LONG_MESSAGE_CHARS:
        text += " ".join(vocabulary) + " "
    return text[:LONG_MESSAGE_CHARS]


@given(korean=st.booleans(), data=st.data())
@settings(FUZZ, max_examples=8)
def test_ten_thousand_character_messages_are_answered_in_their_language(
    fuzz_server: FuzzServer, korean: bool, data: st.DataObject
) -> None:
    vocabulary = data.draw(st.lists(hangul_words if korean else words, min_size=1, max_size=30))
    text = _ten_thousand_chars(vocabulary)
    started = time.monotonic()
    messages = _answered(
        _post(fuzz_server, json.dumps({"sender": _sender(), "message": text}).encode())
    )
    assert time.monotonic() - started < LONG_MESSAGE_SECONDS
    assert bool(HANGUL.search(messages[0]["text"])) == korean, messages


@pytest.mark.parametrize("korean", [False, True], ids=["english", "korean"])
def test_ten_thousand_characters_of_gibberish_get_the_fallback(
    fuzz_server: FuzzServer, korean: bool
) -> None:
    vocabulary = ["웩퓽갻", "뷁쀍", "퓰릏"] if korean else ["qzxv", "wplk", "brzt"]
    started = time.monotonic()
    [message] = _answered(
        _post(
            fuzz_server,
            json.dumps({"sender": _sender(), "message": _ten_thousand_chars(vocabulary)}).encode(),
        )
    )
    assert time.monotonic() - started < LONG_MESSAGE_SECONDS
    assert message["text"].startswith(FALLBACK_OPENINGS), message
    assert bool(HANGUL.search(message["text"])) == korean, message
