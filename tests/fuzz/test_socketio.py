"""Fuzzing socket.io's long-polling ``/socket.io/``: 4xx or a ``bad_request`` event, never a 5xx.

Every request either gets a 4xx with a text message (malformed engine.io or socket.io
input), or is taken and, when its event data has the wrong shape, answered with a
``bad_request`` event; nothing of it is stored, and the session keeps working.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, Optional
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ, HANGUL, REQUEST_TIMEOUT_S, FuzzServer
from tests.fuzz.polling import PollingSession
from tests.fuzz.strategies import (
    NESTING,
    assert_no_5xx,
    assert_refused,
    content_types,
    invalid_utf8,
    json_other_than,
    no_new_events,
    not_a_text,
)

pytestmark = [pytest.mark.slow, pytest.mark.server]
USER_EVENT = "user_uttered"


def _session_id() -> str:
    return f"fuzz-sio-{uuid.uuid4().hex}"


def _session(server: FuzzServer) -> PollingSession:
    return PollingSession(server.url).open()


def _assert_still_works(session: PollingSession) -> None:
    """The session still confirms a session request."""
    session_id = _session_id()
    assert session.emit("session_request", {"session_id": session_id}).status_code == 200
    assert ("session_confirm", [session_id]) in session.next_events()


def _not_a_json_object(text: str) -> bool:
    try:
        return not isinstance(json.loads(text), dict)
    except ValueError:
        return True


def _assert_refused_event(session: PollingSession) -> None:
    [(name, [body])] = session.next_events()
    assert name == "bad_request" and isinstance(body["error"], str) and body["error"].strip()


# Payloads engine.io or socket.io cannot take: each must get a 4xx at once.
malformed_payloads = st.one_of(
    invalid_utf8,
    # not a packet type; "d=" would be a JSONP payload
    st.text(min_size=1).filter(lambda text: not text[0].isdigit() and not text.startswith("d=")),
    st.sampled_from(
        [
            "0",
            "2",
            "6",
            "44",
            "45",
            "46",
            "47",
            "4",
            "b!!",
            "42",
            "42{}",
            '42"x"',
            "42[]",
            "42[1]",
            "42[[1]]",
            '42{"a": 1}',
            "4" + "5" * 40,
            "4/",
            "4" + "[" * NESTING,
            '42["user_uttered",' + "[" * NESTING + "]" * NESTING + "]",
            "4" + "[" * NESTING + "]" * NESTING,
            "\x1e\x1e",
            '42["x"]\x1e',
        ]
    ),
)


@given(body=malformed_payloads)
@settings(FUZZ, max_examples=50)
def test_malformed_payloads_are_refused(fuzz_server: FuzzServer, body: Any) -> None:
    session = _session(fuzz_server)
    with no_new_events(fuzz_server):
        assert_refused(session.post(body))
    _assert_still_works(session)
    session.close()


@given(body=st.binary(max_size=200) | st.text(max_size=200), content_type=content_types)
@settings(FUZZ, max_examples=60)
def test_random_payloads(fuzz_server: FuzzServer, body: Any, content_type: str) -> None:
    """Whatever the body and content type: no 5xx, no hang, nothing stored."""
    session = _session(fuzz_server)
    with no_new_events(fuzz_server):
        assert_no_5xx(session.post(body, content_type))
    session.close()


@given(
    query=st.dictionaries(
        st.sampled_from(["EIO", "transport", "sid", "j", "b64", "t", "x"]) | st.text(max_size=5),
        st.text(max_size=12),
        max_size=4,
    ),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "OPTIONS"]),
    origin=st.none()
    | st.text(
        st.characters(min_codepoint=0x21, max_codepoint=0xFF, blacklist_categories=("Cc", "Zs")),
        max_size=30,
    ),
)
@settings(FUZZ, max_examples=60)
def test_random_queries_and_origins(
    fuzz_server: FuzzServer, query: Dict[str, str], method: str, origin: Optional[str]
) -> None:
    headers = {"Origin": origin} if origin is not None else {}
    reply = requests.request(
        method,
        f"{fuzz_server.url}/socket.io/?{urlencode(query)}",
        data=b"40",
        headers=headers,
        timeout=REQUEST_TIMEOUT_S,
    )
    assert_no_5xx(reply)


@st.composite
def broken_messages(draw: st.DrawFn) -> Any:
    """``user_uttered`` data with one thing wrong (or not an object at all)."""
    if draw(st.integers(0, 5)) == 0:
        return draw(json_other_than(dict))
    data: Dict[str, Any] = {"session_id": _session_id(), "message": draw(st.text(max_size=40))}
    field = draw(st.sampled_from(["session_id", "message", "metadata"]))
    if field != "metadata" and draw(st.booleans()):
        del data[field]
    elif field == "session_id":
        data["session_id"] = draw(not_a_text | st.text(min_size=257, max_size=300))
    elif field == "message":
        too_long = st.integers(20_001, 20_100).map(lambda length: "a" * length)
        data["message"] = draw(not_a_text.filter(lambda value: value != "") | too_long)
    else:
        data["metadata"] = draw(
            json_other_than(dict, type(None)) | st.text(max_size=20).filter(_not_a_json_object)
        )
    return data


@given(data=broken_messages())
@settings(FUZZ, max_examples=50)
def test_messages_of_the_wrong_shape_get_bad_request(fuzz_server: FuzzServer, data: Any) -> None:
    session = _session(fuzz_server)
    with no_new_events(fuzz_server):
        assert session.emit(USER_EVENT, data).status_code == 200
        _assert_refused_event(session)
    session.close()


@given(
    data=json_other_than(dict, type(None))
    | st.fixed_dictionaries(
        {
            "session_id": not_a_text.filter(lambda value: value is not None)
            | st.text(min_size=257, max_size=300)
        }
    )
)
@settings(FUZZ, max_examples=40)
def test_session_requests_of_the_wrong_shape_get_bad_request(
    fuzz_server: FuzzServer, data: Any
) -> None:
    """A session request is ``null`` or ``{"session_id": "..." or null}``; nothing else."""
    session = _session(fuzz_server)
    assert session.emit("session_request", data).status_code == 200
    _assert_refused_event(session)
    _assert_still_works(session)
    session.close()


def test_bodies_of_several_megabytes_are_refused_at_once(fuzz_server: FuzzServer) -> None:
    """Over engine.io's 1 MB limit: 413 (python-engineio alone would leave the POST hanging)."""
    session = _session(fuzz_server)
    message = {"session_id": _session_id(), "message": "x" * 5_000_000}
    with no_new_events(fuzz_server):
        assert_refused(session.post("42" + json.dumps([USER_EVENT, message])))
        assert_refused(session.post(b"\xff" * 5_000_000))
    _assert_still_works(session)
    session.close()


@pytest.mark.parametrize(
    ("text", "korean"),
    [
        (("how do I renew the competency " * 400)[:10_000], False),
        (("역량 갱신은 어떻게 하나요 " * 800)[:10_000], True),
    ],
    ids=["english", "korean"],
)
def test_a_ten_thousand_character_message_is_answered_in_its_language(
    fuzz_server: FuzzServer, text: str, korean: bool
) -> None:
    session = _session(fuzz_server)
    session_id = f"sio-ok-{uuid.uuid4().hex}"
    session.emit("session_request", {"session_id": session_id})
    assert ("session_confirm", [session_id]) in session.next_events()
    session.emit(USER_EVENT, {"session_id": session_id, "message": text})
    answers = [args[0] for name, args in session.next_events() if name == "bot_uttered"]
    assert answers and answers[0].get("text"), answers
    assert bool(HANGUL.search(answers[0]["text"])) == korean, answers
    session.close()


def test_no_fuzzed_session_was_stored(fuzz_server: FuzzServer) -> None:
    """Every session id the fuzz tests above made up was refused: none is in the store."""
    assert fuzz_server.senders_stored("fuzz-sio-") == 0
