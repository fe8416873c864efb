"""Fuzzing ``/webhooks/health/`` and the channels' own ``GET /`` routes."""

from __future__ import annotations

from typing import Dict

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ, REQUEST_TIMEOUT_S, FuzzServer
from tests.fuzz.strategies import assert_no_5xx, assert_refused

pytestmark = [pytest.mark.slow, pytest.mark.server]
ROUTES = ["/webhooks/health/", "/webhooks/rest/", "/webhooks/assist/", "/webhooks/slack/"]


@given(
    route=st.sampled_from(ROUTES),
    query=st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=3),
)
@settings(FUZZ, max_examples=30)
def test_gets_with_any_query_answer_json(
    fuzz_server: FuzzServer, route: str, query: Dict[str, str]
) -> None:
    reply = requests.get(f"{fuzz_server.url}{route}", params=query, timeout=REQUEST_TIMEOUT_S)
    assert reply.status_code == 200, (reply.status_code, reply.text[:300])
    assert reply.json()["status"] == "ok"


@given(
    route=st.sampled_from(ROUTES),
    method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH"]),
    body=st.binary(max_size=100),
)
@settings(FUZZ, max_examples=30)
def test_other_methods_are_refused(
    fuzz_server: FuzzServer, route: str, method: str, body: bytes
) -> None:
    reply = requests.request(
        method, f"{fuzz_server.url}{route}", data=body, timeout=REQUEST_TIMEOUT_S
    )
    assert_refused(reply)


@given(path=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x2FFF), max_size=30))
@settings(FUZZ, max_examples=30)
def test_unknown_paths_under_webhooks(fuzz_server: FuzzServer, path: str) -> None:
    reply = requests.get(f"{fuzz_server.url}/webhooks/{path}", timeout=REQUEST_TIMEOUT_S)
    assert_no_5xx(reply)
