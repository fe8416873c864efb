"""Fuzzing the page server's ``/calendar/<rule>.ics`` links (an in-process page server).

Any query gets 200 with a calendar that the icalendar library reads, or a plain-text
400/404; never a 5xx or a trace. Valid links with any of their values changed stay valid
or are refused; they never produce a broken file.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Dict, Iterator
from urllib.parse import parse_qsl, urlencode

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from partnerdesk.core.calendar import calendar_event, calendar_query
from partnerdesk.core.rules import renewal_window
from partnerdesk.web.server import make_server
from tests.fuzz.conftest import FUZZ, REQUEST_TIMEOUT_S

pytestmark = pytest.mark.slow

TODAY = date(2021, 8, 20)
GOOD = dict(
    parse_qsl(
        calendar_query(
            calendar_event(renewal_window(date(2020, 9, 1), TODAY, "action_pack"), TODAY), "en"
        )
    )
)
NAMES = ["renewal-window", "reactivation", "covid-extension", "replacement-token", "x"]


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    server = make_server(0, "http://127.0.0.1:5999", "")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _check(reply: requests.Response) -> None:
    assert reply.status_code in (200, 400, 404), (reply.status_code, reply.text[:200])
    if reply.status_code == 200:
        [event] = Calendar.from_ical(reply.content).walk("VEVENT")
        assert event.decoded("DTSTART") < event.decoded("DTEND")
    else:
        assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert "Traceback" not in reply.text


@given(
    name=st.sampled_from(NAMES),
    query=st.dictionaries(st.text(max_size=10), st.text(max_size=40), max_size=9),
)
@settings(FUZZ, max_examples=60)
def test_any_query(page_url: str, name: str, query: Dict[str, str]) -> None:
    _check(requests.get(f"{page_url}/calendar/{name}.ics", params=query, timeout=REQUEST_TIMEOUT_S))


@given(
    changed=st.dictionaries(
        st.sampled_from(sorted(GOOD)),
        st.one_of(
            st.text(max_size=12),
            st.dates().map(lambda d: d.isoformat()),
            st.sampled_from(["renewal_window", "deadline", "window", "ko", "renew_competency"]),
        ),
        max_size=3,
    )
)
@settings(FUZZ, max_examples=80)
def test_a_valid_link_with_values_changed(page_url: str, changed: Dict[str, str]) -> None:
    query = urlencode({**GOOD, **changed})
    _check(
        requests.get(f"{page_url}/calendar/renewal-window.ics?{query}", timeout=REQUEST_TIMEOUT_S)
    )


def test_the_unchanged_link_is_served(page_url: str) -> None:
    reply = requests.get(
        f"{page_url}/calendar/renewal-window.ics?{urlencode(GOOD)}", timeout=REQUEST_TIMEOUT_S
    )
    assert reply.status_code == 200
