"""Fuzzing the agent API's handoff routes: 401/400/404/409/413/422 or an answer, no 5xx."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ, REQUEST_TIMEOUT_S, FuzzServer
from tests.fuzz.strategies import (
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

# Path segments: ids that exist nowhere, with what a URL may carry.
segments = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x2FFF, blacklist_characters="/?#%"),
    min_size=1,
    max_size=80,
) | st.sampled_from(["0" * 32, "f" * 32, "..", "%2F", "null"])


def _post(
    server: FuzzServer,
    path: str,
    body: bytes,
    headers: Dict[str, str],
    kind: str = "application/json",
) -> requests.Response:
    sent = {"Content-Type": kind} if kind else {}
    return requests.post(
        f"{server.url}/webhooks/agent/handoffs/{path}",
        data=body,
        headers={**sent, **headers},
        timeout=REQUEST_TIMEOUT_S,
    )


@pytest.fixture(scope="module")
def handoff_id(fuzz_server: FuzzServer, assist_headers) -> str:
    """A waiting handoff that no fuzzed request may change."""
    fuzz_server.say("fuzz-handoff-partner", "get me a real person please")
    listed = requests.get(
        f"{fuzz_server.url}/webhooks/agent/handoffs", headers=assist_headers, timeout=60
    ).json()["handoffs"]
    return next(h["id"] for h in listed if h["conversation_id"] == "fuzz-handoff-partner")


@given(handoff=segments, action=st.sampled_from(["reply", "resolve", "x", ""]), body=json_values)
@settings(FUZZ, max_examples=60)
def test_unknown_ids_and_routes_are_refused(
    fuzz_server: FuzzServer, assist_headers, handoff, action, body
):
    with no_new_events(fuzz_server):
        reply = _post(fuzz_server, f"{handoff}/{action}", json.dumps(body).encode(), assist_headers)
    assert_refused(reply)


@given(
    body=json_values
    | st.fixed_dictionaries({"text": not_a_text, "agent": st.text(max_size=120)})
    | st.fixed_dictionaries({"text": st.text(max_size=30), "agent": not_a_text})
    | st.fixed_dictionaries(
        {"text": st.text(max_size=30), "agent": st.text(max_size=30)},
        optional={"extra": json_values},
    ).filter(lambda b: "extra" in b or not b["text"].strip() or not b["agent"].strip()),
    kind=content_types,
)
@settings(FUZZ, max_examples=80)
def test_malformed_replies_are_refused_and_change_nothing(
    fuzz_server: FuzzServer, assist_headers, handoff_id, body: Any, kind: str
):
    with no_new_events(fuzz_server):
        reply = _post(
            fuzz_server, f"{handoff_id}/reply", json.dumps(body).encode(), assist_headers, kind
        )
    assert_refused(reply)


@given(body=invalid_utf8 | st.binary(max_size=200))
@settings(FUZZ, max_examples=40)
def test_bytes_that_are_not_json_are_refused(
    fuzz_server: FuzzServer, assist_headers, handoff_id, body: bytes
):
    with no_new_events(fuzz_server):
        reply = _post(fuzz_server, f"{handoff_id}/reply", body, assist_headers)
    assert_no_5xx(reply)
    assert reply.status_code in (400, 422)


@pytest.mark.parametrize("body", [*deeply_nested(), several_megabytes(text="hi", agent="x")])
def test_deep_and_huge_bodies_are_refused(
    fuzz_server: FuzzServer, assist_headers, handoff_id, body
):
    with no_new_events(fuzz_server):
        reply = _post(fuzz_server, f"{handoff_id}/reply", body, assist_headers)
    assert_refused(reply)


@given(
    status=st.text(max_size=20),
    extra=st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)
@settings(FUZZ, max_examples=40)
def test_listing_with_any_query_answers_or_refuses(
    fuzz_server: FuzzServer, assist_headers, status: str, extra: Dict[str, str]
):
    reply = requests.get(
        f"{fuzz_server.url}/webhooks/agent/handoffs",
        params={**extra, "status": status},
        headers=assist_headers,
        timeout=REQUEST_TIMEOUT_S,
    )
    assert_no_5xx(reply)
    if reply.status_code == 200:
        assert isinstance(reply.json()["handoffs"], list)
    else:
        assert reply.status_code == 400


@given(
    authorization=st.none()
    | st.text(
        st.characters(min_codepoint=0x21, max_codepoint=0xFF, blacklist_categories=("Cc", "Zs")),
        max_size=40,
    )
)
@settings(FUZZ, max_examples=30)
def test_without_the_token_nothing_is_answered(
    fuzz_server: FuzzServer, handoff_id, authorization: Optional[str]
):
    headers = {"Authorization": authorization} if authorization is not None else {}
    with no_new_events(fuzz_server):
        for path in (f"{handoff_id}/reply", f"{handoff_id}/resolve"):
            reply = _post(fuzz_server, path, b'{"text": "hi", "agent": "x"}', headers)
            assert reply.status_code == 401, reply.text[:300]
