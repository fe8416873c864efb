"""Fuzzing ``GET /webhooks/agent/insights`` and its sub-routes: 200, or 4xx with a reason."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Dict, Optional
from urllib.parse import quote_from_bytes

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ, REQUEST_TIMEOUT_S, FuzzServer
from tests.fuzz.strategies import assert_no_5xx, assert_refused, no_new_events

pytestmark = [pytest.mark.slow, pytest.mark.server]
ROUTES = ["/webhooks/agent/insights", "/webhooks/agent/insights/conversations",
          "/webhooks/agent/insights/unanswered"]  # fmt: skip
NAMES = st.sampled_from(["since", "until", "idle_minutes", "format"]) | st.text(max_size=8)
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(-(10**12), 10**12).map(str),
    st.dates().map(str),
    st.datetimes(timezones=st.timezones() | st.none()).map(datetime.isoformat),
    st.sampled_from(["", "0", "10080", "10081", "csv", "json", "2021-02-30", "Z", "T"]),
)


def _get(server: FuzzServer, route: str, params, headers: Optional[Dict[str, str]]):
    return requests.get(
        f"{server.url}{route}", params=params, headers=headers or {}, timeout=REQUEST_TIMEOUT_S
    )


def _assert_answer_or_refusal(reply: requests.Response) -> None:
    assert_no_5xx(reply)
    if reply.status_code == 200:
        if reply.headers["Content-Type"].startswith("application/json"):
            assert isinstance(reply.json(), dict)
    else:
        assert reply.status_code == 400, (reply.status_code, reply.text[:300])
        assert_refused(reply)


@given(
    route=st.sampled_from(ROUTES),
    params=st.lists(st.tuples(NAMES, VALUES), max_size=4),
)
@settings(FUZZ, max_examples=80)
def test_any_query_gets_an_answer_or_a_reason(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str], route: str, params
) -> None:
    with no_new_events(fuzz_server):
        _assert_answer_or_refusal(_get(fuzz_server, route, params, assist_headers))


@given(
    since=st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
    ),
    days=st.floats(-10.0, 4000.0, allow_nan=False),
    idle=st.integers(-5, 10_100),
)
@settings(FUZZ, max_examples=60)
def test_well_formed_periods(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str], since: datetime, days: float, idle: int
) -> None:
    try:
        until = since + timedelta(days=days)
    except OverflowError:
        return
    reply = _get(
        fuzz_server,
        ROUTES[0],
        {"since": since.isoformat(), "until": until.isoformat(), "idle_minutes": str(idle)},
        assist_headers,
    )
    try:  # the server compares instants; wall-clock arithmetic differs across DST gaps and folds
        length = until.astimezone(timezone.utc) - since.astimezone(timezone.utc)
        valid = timedelta(0) < length <= timedelta(days=3660) and 0 <= idle <= 10_080
    except OverflowError:
        valid = False
    if valid:
        assert reply.status_code == 200, (reply.status_code, reply.text[:300])
        answer = reply.json()
        assert answer["conversations"].keys() == {
            "resolved", "unanswered", "abandoned", "escalated", "chit_chat"}  # fmt: skip
        assert len(answer["days"]) >= 1
    else:
        assert reply.status_code == 400, (reply.status_code, reply.text[:300], since, days, idle)
        assert reply.json()["error"].strip()


@given(raw=st.binary(max_size=40))
@settings(FUZZ, max_examples=40)
def test_raw_query_bytes(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str], raw: bytes
) -> None:
    """Query strings with any bytes, percent-encoded or not valid UTF-8."""
    query = quote_from_bytes(raw, safe="=&/:+")
    reply = requests.get(
        f"{fuzz_server.url}{ROUTES[0]}?since={query}",
        headers=assist_headers,
        timeout=REQUEST_TIMEOUT_S,
    )
    _assert_answer_or_refusal(reply)


# Header values requests can send: Latin-1, no control characters or leading spaces.
TOKENS = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0xFF, blacklist_categories=("Cc", "Zs")),
    max_size=30,
)


@given(route=st.sampled_from(ROUTES), token=st.none() | TOKENS)
@settings(FUZZ, max_examples=30)
def test_without_the_token_401(fuzz_server: FuzzServer, route: str, token: Optional[str]) -> None:
    headers = None
    if token is not None:
        headers = {"Authorization": f"Bearer {token}"}
    reply = _get(fuzz_server, route, {"since": "2021-08-01"}, headers)
    assert reply.status_code == 401, (reply.status_code, reply.text[:300])
    assert reply.json()["error"].strip()


@given(
    route=st.sampled_from(ROUTES),
    method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH"]),
    body=st.binary(max_size=100),
)
@settings(FUZZ, max_examples=20)
def test_other_methods_are_refused(
    fuzz_server: FuzzServer, assist_headers: Dict[str, str], route: str, method: str, body: bytes
) -> None:
    reply = requests.request(
        method, f"{fuzz_server.url}{route}", data=body, headers=assist_headers,
        timeout=REQUEST_TIMEOUT_S,
    )  # fmt: skip
    assert_refused(reply)
