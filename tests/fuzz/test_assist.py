"""Fuzzing the reply assistant, ``POST /webhooks/assist/suggest``: 401/400/413/422 or drafts."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ, REQUEST_TIMEOUT_S, FuzzServer
from tests.fuzz.strategies import (
    MEGABYTES,
    assert_no_5xx,
    assert_refused,
    content_types,
    deeply_nested,
    invalid_utf8,
    json_values,
    no_new_events,
    not_a_text,
    several_megabytes,
)

pytestmark = [pytest.mark.slow, pytest.mark.server]


def _suggest(
    server: FuzzServer,
    body: bytes,
    headers: Optional[Dict[str, str]],
    content_type: str = "application/json",
) -> requests.Response:
    sent = {"Content-Type": content_type} if content_type else {}
    return requests.post(
        f"{server.url}/webhooks/assist/suggest",
        data=body,
        headers={**sent, **(headers or {})},
        timeout=REQUEST_TIMEOUT_S,
    )


def _assert_drafts_or_refused(reply: requests.Response) -> None:
    assert_no_5xx(reply)
    if reply.status_code == 200:
        assert isinstance(reply.json()["suggestions"], list), reply.text[:300]
    else:
        assert_refused(reply)
        assert reply.json()["error"].strip()


# Header values requests can send: Latin-1, no control characters or leading spaces.
latin1_text = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0xFF, blacklist_categories=("Cc", "Zs")),
    max_size=40,
)


@given(
    body=json_values,
    authorization=st.none()
    | latin1_text
    | latin1_text.map(lambda token: f"Bearer {token}")
    | st.just("Bearer"),
)
@settings(FUZZ, max_examples=50)
def test_requests_without_the_token_get_401(
    fuzz_server: FuzzServer, body: Any, authorization: Optional[str]
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    with no_new_events(fuzz_server):
        reply = _suggest(fuzz_server, json.dumps(body).encode(), headers)
    assert reply.status_code == 401, (reply.status_code, reply.text[:300])
    assert reply.json()["error"].strip()


@given(body=json_values)
@settings(FUZZ, max_examples=60)
def test_random_json(fuzz_server: FuzzServer, assist_headers: Dict[str, str], body: Any) -> None:
    with no_new_events(fuzz_server):
        _assert_drafts_or_refused(_suggest(fuzz_server, json.dumps(body).encode(), assist_headers))


not_a_date = st.one_of(
    not_a_text.filter(lambda value: value is not None),
    st.sampled_from(
        [
            "2021-02-30",
            "2021-13-01",
            "21-01-01",
            "01/09/2020",
            "2020-9-1",
            "yesterday",
            "2020-09-01T00:00",
        ]
    ),
)


@st.composite
def broken_requests(draw: st.DrawFn) -> Dict[str, Any]:
    """A request with one field missing, of the wrong type, out of range or unknown."""
    body: Dict[str, Any] = {
        "text": draw(st.text(min_size=1, max_size=60).filter(str.strip)),
        "top": draw(st.integers(1, 10)),
    }
    fault = draw(st.sampled_from(["no text", "text", "long text", "top", "date", "unknown"]))
    if fault == "no text":
        del body["text"]
    elif fault == "text":
        body["text"] = draw(not_a_text | st.text(" \t\n", max_size=5))
    elif fault == "long text":
        body["text"] = "a" * draw(st.integers(5_001, 10_000))
    elif fault == "top":
        body["top"] = draw(
            st.integers().filter(lambda top: not 1 <= top <= 10)
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.booleans()
            | st.text(max_size=3)
            | st.lists(st.integers(), max_size=2)
        )
    elif fault == "date":
        body[draw(st.sampled_from(["purchase_date", "anniversary_date", "activation_date"]))] = (
            draw(not_a_date)
        )
    else:
        known = ("text", "top", "purchase_date", "anniversary_date", "activation_date")
        body[draw(st.text(max_size=10).filter(lambda key: key not in known))] = draw(json_values)
    return body


@given(body=broken_requests())
@settings(FUZZ, max_examples=80)
def test_missing_fields_wrong_types_and_limits_get_422(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str], body: Dict[str, Any]
) -> None:
    reply = _suggest(fuzz_server, json.dumps(body).encode(), assist_headers)
    assert reply.status_code == 422, (reply.status_code, reply.text[:300], body)
    assert reply.json()["error"].strip()


@given(body=invalid_utf8)
@settings(FUZZ, max_examples=30)
def test_invalid_utf8_gets_400(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str], body: bytes
) -> None:
    reply = _suggest(fuzz_server, body, assist_headers)
    assert reply.status_code == 400, (reply.status_code, reply.text[:300])
    assert reply.json()["error"].strip()


@pytest.mark.parametrize("nested", deeply_nested(), ids=["arrays", "objects"])
def test_deeply_nested_json_gets_400(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str], nested: bytes
) -> None:
    reply = _suggest(fuzz_server, nested, assist_headers)
    assert reply.status_code == 400, (reply.status_code, reply.text[:300])
    assert reply.json()["error"].strip()


def test_bodies_of_several_megabytes_get_413(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str]
) -> None:
    for body in (several_megabytes(text="when can we renew?"), b"\xff" * MEGABYTES * 1024 * 1024):
        reply = _suggest(fuzz_server, body, assist_headers)
        assert reply.status_code == 413, (reply.status_code, reply.text[:300])
        assert reply.json()["error"].strip()


@given(content_type=content_types)
@settings(FUZZ, max_examples=20)
def test_any_content_type_with_a_json_body(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str], content_type: str
) -> None:
    """The body is read as JSON whatever the header says."""
    body = json.dumps({"text": "when can we renew our action pack?"}).encode()
    reply = _suggest(fuzz_server, body, assist_headers, content_type)
    assert reply.status_code == 200, (reply.status_code, reply.text[:300])


def test_a_ten_thousand_character_text_gets_422(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str]
) -> None:
    body = json.dumps({"text": ("액션팩 갱신 " * 2_000)[:10_000]}).encode()
    reply = _suggest(fuzz_server, body, assist_headers)
    assert reply.status_code == 422 and "5000" in reply.json()["error"], reply.text[:300]


def test_the_assistant_stores_nothing(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str]
) -> None:
    with no_new_events(fuzz_server):
        reply = _suggest(
            fuzz_server, json.dumps({"text": "액션팩 언제 갱신해요?"}).encode(), assist_headers
        )
    assert reply.status_code == 200 and reply.json()["suggestions"]
