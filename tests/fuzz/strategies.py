"""Bad input for every entry point, and what a good refusal looks like."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator

import requests
from hypothesis import strategies as st

# JSON of any shape: scalars, arrays and objects nested a few levels.
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def json_other_than(*kinds: type) -> st.SearchStrategy[Any]:
    """JSON values of none of ``kinds``, e.g. ``json_other_than(dict, type(None))``."""
    return json_values.filter(lambda value: not isinstance(value, kinds))


# A value of the wrong type (or empty) wherever a non-empty string is expected.
not_a_text = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(json_scalars, max_size=3),
    st.dictionaries(st.text(max_size=5), json_scalars, max_size=3),
    st.just(""),
)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Bytes that are not UTF-8: a stray continuation byte, an invalid start byte, a cut sequence.
invalid_utf8 = st.builds(
    lambda head, bad, tail: head + bad + tail,
    st.text(max_size=30).map(str.encode),
    st.sampled_from([b"\x80", b"\xff", b"\xc3", b"\xed\xa0\x80"]),
    st.binary(max_size=30),
).filter(lambda data: not _is_utf8(data))
# Content types a client may wrongly send (the empty one means no header).
content_types = st.sampled_from(
    [
        "",
        "text/plain",
        "text/html",
        "application/xml",
        "application/octet-stream",
        "image/png",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=fuzz",
        "application/json; charset=latin-1",
        "application/json",
    ]
)

NESTING = 10_000
MEGABYTES = 5


def deeply_nested() -> list[bytes]:
    """JSON arrays and objects nested ``NESTING`` levels deep."""
    return [
        b"[" * NESTING + b"]" * NESTING,
        b'{"a":' * NESTING + b"1" + b"}" * NESTING,
    ]


def several_megabytes(**fields: Any) -> bytes:
    """A JSON object of ``MEGABYTES`` MB: ``fields`` plus one long string field."""
    return json.dumps({**fields, "padding": "x" * (MEGABYTES * 1024 * 1024)}).encode()


def assert_readable(reply: requests.Response) -> None:
    """No stack trace in the body, and an error says what is wrong."""
    text = reply.text.strip()
    assert "Traceback" not in text and 'File "' not in text, text[:500]
    if reply.status_code < 400:
        return
    assert text, f"empty {reply.status_code} body"
    if reply.headers.get("content-type", "").startswith("application/json"):
        body = reply.json()
        message = (body.get("error") or body.get("message")) if isinstance(body, dict) else None
        assert isinstance(message, str) and message.strip(), text[:500]


def assert_no_5xx(reply: requests.Response) -> None:
    """Anything but a server error, with a readable body."""
    assert reply.status_code < 500, (reply.status_code, reply.text[:500])
    assert_readable(reply)


def assert_refused(reply: requests.Response) -> None:
    """A 4xx whose body says what is wrong."""
    assert 400 <= reply.status_code < 500, (reply.status_code, reply.text[:500])
    assert_readable(reply)


@contextmanager
def no_new_events(server: Any) -> Iterator[None]:
    """The tracker store gains no event inside the block."""
    before = server.event_count()
    yield
    assert server.event_count() == before, "a refused request stored events"
