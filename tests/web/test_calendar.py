"""The "Add to calendar" files: RFC 5545 as the icalendar library reads them, from the page
server, with the rule result's dates across the rule tests' edges, in both languages."""

import http.client
import threading
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from partnerdesk.core.calendar import calendar_event, calendar_url
from partnerdesk.core.rules import (
    Offer,
    covid_extension,
    reactivation,
    renewal_window,
    replacement_token,
)
from partnerdesk.web.server import make_server

D = date.fromisoformat
TODAY = D("2021-08-20")


@pytest.fixture(scope="module")
def page_server():
    server = make_server(0, "http://127.0.0.1:5999", "")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(base, path, method="GET"):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path)
        reply = connection.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read()
    finally:
        connection.close()


def download(base, result, today, language):
    event = calendar_event(result, today)
    url = urlsplit(calendar_url(base, event, language))
    status, headers, body = fetch(base, f"{url.path}?{url.query}")
    assert status == 200, body
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Content-Disposition"].startswith('attachment; filename="partnerdesk-')
    calendar = Calendar.from_ical(body)
    [vevent] = calendar.walk("VEVENT")
    return event, calendar, vevent, body


CASES = [
    # (result, today, first, last (inclusive), alarm)
    (
        renewal_window(D("2020-09-01"), TODAY, Offer.action_pack),
        TODAY,
        "2021-09-02",
        "2021-10-01",
        "-P7D",
    ),
    (
        renewal_window(D("2019-08-01"), TODAY, Offer.competency),
        TODAY,
        "2021-08-31",
        "2021-08-31",
        "-P7D",
    ),
    (
        renewal_window(D("2020-02-29"), D("2021-02-26"), Offer.action_pack),
        D("2021-02-26"),
        "2021-03-01",
        "2021-03-30",
        "PT0S",
    ),
    (
        renewal_window(D("2020-02-29"), D("2024-02-01"), Offer.competency),
        D("2024-02-01"),
        "2024-03-01",
        "2024-03-30",
        "-P7D",
    ),
    (
        renewal_window(D("2020-12-15"), D("2021-12-01"), Offer.action_pack),
        D("2021-12-01"),
        "2021-12-16",
        "2022-01-14",
        "-P7D",
    ),
    (
        renewal_window(D("2020-12-15"), D("2022-01-10"), Offer.action_pack),
        D("2022-01-10"),
        "2022-01-14",
        "2022-01-14",
        "PT0S",
    ),
    (
        renewal_window(D("2020-09-01"), D("2021-10-02"), Offer.action_pack),
        D("2021-10-02"),
        "2022-09-02",
        "2022-10-01",
        "-P7D",
    ),
    (reactivation(D("2021-07-25"), TODAY), TODAY, "2021-08-24", "2021-08-24", "PT0S"),
    (covid_extension(D("2020-10-15"), Offer.competency), TODAY, "2021-10-16", "2021-11-14", "-P7D"),
    (
        replacement_token(D("2021-08-01"), TODAY, "wrong_tenant", False),
        TODAY,
        "2021-08-31",
        "2021-08-31",
        "-P7D",
    ),
    (
        replacement_token(D("2021-07-21"), TODAY, "seats_added_by_mistake", False),
        TODAY,
        "2021-08-20",
        "2021-08-20",
        "PT0S",
    ),
]


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(("result", "today", "first", "last", "alarm"), CASES)
def test_the_file_has_the_rule_results_dates(
    page_server, result, today, first, last, alarm, language
):
    event, calendar, vevent, body = download(page_server, result, today, language)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert vevent.decoded("DTSTART") == D(first)
    assert vevent.decoded("DTEND") == D(last) + timedelta(days=1)  # the day after the last
    assert b"DTSTART;VALUE=DATE:" + first.replace("-", "").encode() in body
    assert vevent["UID"] == event.uid
    assert vevent.decoded("DTSTAMP").date() == today
    [valarm] = vevent.walk("VALARM")
    assert f"TRIGGER:{alarm}".encode() in body
    assert str(valarm["ACTION"]) == "DISPLAY"
    summary, description = str(vevent["SUMMARY"]), str(vevent["DESCRIPTION"])
    assert vevent["SUMMARY"].params["LANGUAGE"] == language
    korean = any("\uac00" <= c <= "\ud7a3" for c in summary + description)
    assert korean is (language == "ko")
    assert ("규칙:" if language == "ko" else "Rule:") in description
    assert "learn.microsoft.com/" + ("ko-kr" if language == "ko" else "en-us") in description
    assert ("MPN 혜택 FAQ" if language == "ko" else "MPN benefits FAQ") in description


def test_the_same_link_gives_the_same_file(page_server):
    result = renewal_window(D("2020-09-01"), TODAY, Offer.action_pack)
    assert (
        download(page_server, result, TODAY, "en")[3]
        == download(page_server, result, TODAY, "en")[3]
    )


def test_head_gives_the_headers_only(page_server):
    event = calendar_event(replacement_token(D("2021-08-01"), TODAY, "wrong_tenant", False), TODAY)
    url = urlsplit(calendar_url(page_server, event, "en"))
    status, headers, body = fetch(page_server, f"{url.path}?{url.query}", method="HEAD")
    assert status == 200 and body == b"" and headers["Content-Type"].startswith("text/calendar")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/calendar/renewal-window.ics", 400),  # no query
        ("/calendar/renewal-window.ics?rule=renewal_window", 400),
        ("/calendar/renewal-window.ics?lang=en&lang=ko", 400),
        ("/calendar/renewal-window.ics?%zz", 400),
        ("/calendar/nope.ics?rule=renewal_window", 400),
        ("/calendar/", 404),
        ("/calendar/../../domain.yml", 404),
        ("/calendar/renewal-window.ics?" + "a" * 2000, 400),
    ],
)
def test_links_partnerdesk_never_wrote_get_a_plain_refusal(page_server, path, status):
    got, headers, body = fetch(page_server, path)
    assert got == status
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert b"Traceback" not in body and body.strip()


def test_a_valid_query_under_another_rules_name_is_not_found(page_server):
    event = calendar_event(replacement_token(D("2021-08-01"), TODAY, "wrong_tenant", False), TODAY)
    url = urlsplit(calendar_url(page_server, event, "en"))
    assert fetch(page_server, f"/calendar/renewal-window.ics?{url.query}")[0] == 404
