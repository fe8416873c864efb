"""Calendar events of rule answers, and the links that carry them (no Rasa)."""

from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdesk.core.calendar import (
    CalendarQueryError,
    EventKind,
    calendar_event,
    calendar_query,
    calendar_url,
    can_remind,
    read_calendar_query,
    read_reminder_payload,
    reminder_payload,
)
from partnerdesk.core.rules import (
    Offer,
    Rule,
    covid_extension,
    reactivation,
    renewal_window,
    replacement_token,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("purchase", "today", "kind", "first", "last", "reference"),
    [
        # not open yet: the whole window (the FAQ's example)
        ("2020-09-01", "2021-08-20", "window", "2021-09-02", "2021-10-01", "2021-09-01"),
        # the anniversary itself: opens tomorrow, still the whole window
        ("2020-09-01", "2021-09-01", "window", "2021-09-02", "2021-10-01", "2021-09-01"),
        # open: its last day only, up to the last day itself
        ("2020-09-01", "2021-09-02", "deadline", "2021-10-01", "2021-10-01", "2021-09-01"),
        ("2020-09-01", "2021-10-01", "deadline", "2021-10-01", "2021-10-01", "2021-09-01"),
        # missed: the next window
        ("2020-09-01", "2021-10-02", "window", "2022-09-02", "2022-10-01", "2022-09-01"),
        # a leap-day purchase: 28 February in 2021, so the window runs 1 to 30 March
        ("2020-02-29", "2021-02-20", "window", "2021-03-01", "2021-03-30", "2021-02-28"),
        # ... and 29 February again in 2024
        ("2020-02-29", "2024-02-01", "window", "2024-03-01", "2024-03-30", "2024-02-29"),
        # across a year boundary: 16 December to 14 January
        ("2020-12-15", "2021-12-01", "window", "2021-12-16", "2022-01-14", "2021-12-15"),
        ("2020-12-15", "2022-01-01", "deadline", "2022-01-14", "2022-01-14", "2021-12-15"),
    ],
)
def test_renewal_events(purchase, today, kind, first, last, reference):
    event = calendar_event(renewal_window(D(purchase), D(today), Offer.action_pack), D(today))
    assert event is not None
    assert (event.kind.value, event.first, event.last) == (kind, D(first), D(last))
    assert event.reference == D(reference)
    assert event.issued == D(today)


@pytest.mark.parametrize(
    ("result", "today", "expected"),
    [
        (
            reactivation(D("2021-09-01"), D("2021-08-20")),
            "2021-08-20",
            ("window", "2021-09-02", "2021-10-01"),
        ),
        (
            reactivation(D("2021-07-25"), D("2021-08-20")),
            "2021-08-20",
            ("deadline", "2021-08-24", "2021-08-24"),
        ),
        (reactivation(D("2021-07-20"), D("2021-08-20")), "2021-08-20", None),  # support ticket
        (
            covid_extension(D("2020-10-15"), Offer.competency),
            "2021-08-20",
            ("window", "2021-10-16", "2021-11-14"),
        ),
        (
            covid_extension(D("2020-07-25"), Offer.competency),
            "2021-08-20",
            ("deadline", "2021-08-24", "2021-08-24"),
        ),
        (covid_extension(D("2020-07-01"), Offer.competency), "2021-08-20", None),  # fee window over
        (covid_extension(D("2020-10-15"), Offer.action_pack), "2021-08-20", None),
        (covid_extension(D("2020-06-30"), Offer.competency), "2021-08-20", None),
        (
            replacement_token(D("2021-08-01"), D("2021-08-20"), "wrong_tenant", False),
            "2021-08-20",
            ("deadline", "2021-08-31", "2021-08-31"),
        ),
        (
            replacement_token(D("2021-07-21"), D("2021-08-20"), "wrong_tenant", False),
            "2021-08-20",
            ("deadline", "2021-08-20", "2021-08-20"),
        ),
        (
            replacement_token(D("2021-07-20"), D("2021-08-20"), "wrong_tenant", False),
            "2021-08-20",
            None,
        ),
        (
            replacement_token(D("2021-08-01"), D("2021-08-20"), "wrong_tenant", True),
            "2021-08-20",
            None,
        ),
        (replacement_token(D("2021-08-01"), D("2021-08-20"), "other", False), "2021-08-20", None),
    ],
)
def test_events_of_the_other_rules(result, today, expected):
    event = calendar_event(result, D(today))
    got = None if event is None else (event.kind.value, str(event.first), str(event.last))
    assert got == expected


@given(
    purchase=st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    offset=st.integers(0, 3000),
)
def test_a_renewal_event_is_never_in_the_past_and_matches_the_answer(purchase, offset):
    today = purchase + timedelta(days=offset)
    result = renewal_window(purchase, today, Offer.competency)
    event = calendar_event(result, today)
    assert event is not None  # every renewal answer names a window still ahead
    assert today <= event.first <= event.last
    names = (
        ("next_window_opens", "next_window_closes")
        if result.status.value == "missed"
        else ("window_opens", "window_closes")
    )
    assert event.last == result.dates[names[1]]
    assert event.first in (result.dates[names[0]], result.dates[names[1]])
    assert (event.last - event.first).days in (0, 29)


def test_alarm_a_week_before_or_at_the_start():
    week = calendar_event(
        renewal_window(D("2020-09-01"), D("2021-08-26"), "action_pack"), D("2021-08-26")
    )
    soon = calendar_event(
        renewal_window(D("2020-09-01"), D("2021-08-27"), "action_pack"), D("2021-08-27")
    )
    assert (week.first - week.issued).days == 7 and week.alarm == "-P7D"
    assert (soon.first - soon.issued).days == 6 and soon.alarm == "PT0S"


def test_the_uid_is_the_same_for_the_same_event_whatever_the_day_or_language():
    a = calendar_event(
        renewal_window(D("2020-09-01"), D("2021-08-01"), "action_pack"), D("2021-08-01")
    )
    b = calendar_event(
        renewal_window(D("2020-09-01"), D("2021-08-20"), "action_pack"), D("2021-08-20")
    )
    c = calendar_event(
        renewal_window(D("2020-09-01"), D("2021-08-20"), "competency"), D("2021-08-20")
    )
    assert a.uid == b.uid != c.uid
    assert a.uid.endswith("@partnerdesk")


def test_the_link_carries_the_whole_event_and_reads_back():
    event = calendar_event(
        renewal_window(D("2020-09-01"), D("2021-08-20"), "competency"), D("2021-08-20")
    )
    url = calendar_url("http://localhost:8080/", event, "ko")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "http",
        "localhost:8080",
        "/calendar/renewal-window.ics",
    )
    assert read_calendar_query(dict(parse_qsl(parts.query))) == (event, "ko")


def test_the_reminder_payload_reads_back():
    event = calendar_event(
        replacement_token(D("2021-08-01"), D("2021-08-20"), "wrong_tenant", False), D("2021-08-20")
    )
    assert read_reminder_payload(reminder_payload(event, "en")) == (event, "en")
    assert read_reminder_payload("/faq/token_split") is None
    with pytest.raises(CalendarQueryError):
        read_reminder_payload('/remind_me{"event": "rule=nope"}')
    with pytest.raises(CalendarQueryError):
        read_reminder_payload("/remind_me{not json")


GOOD = dict(
    parse_qsl(
        calendar_query(
            calendar_event(
                renewal_window(D("2020-09-01"), D("2021-08-20"), "action_pack"), D("2021-08-20")
            ),
            "en",
        )
    )
)


@pytest.mark.parametrize(
    "change",
    [
        {"rule": "nope"},
        {"faq": "token_split"},  # not the renewal rule's
        {"kind": "weekly"},
        {"lang": "fr"},
        {"first": "2021-13-01"},
        {"first": "1999-12-31"},
        {"last": "2021-09-01"},  # before the first day
        {"last": "2021-10-02"},  # 31 days
        {"kind": "deadline"},  # a deadline is one day
        {"issued": "2021-09-03"},  # after the first day
        {"ref": ""},
    ],
)
def test_a_query_partnerdesk_never_writes_is_refused(change):
    with pytest.raises(CalendarQueryError):
        read_calendar_query({**GOOD, **change})


def test_missing_values_are_refused():
    for name in GOOD:
        with pytest.raises(CalendarQueryError):
            read_calendar_query({k: v for k, v in GOOD.items() if k != name})


@pytest.mark.parametrize(
    ("first", "remind"),
    [("2021-08-20", False), ("2021-08-21", True), ("2021-12-18", True), ("2021-12-19", False)],
)
def test_reminders_only_for_a_first_day_after_today_within_120_days(first, remind):
    event = calendar_event(
        replacement_token(D("2021-07-21"), D("2021-07-21"), "wrong_tenant", False), D("2021-07-21")
    )
    event = type(event)(
        event.rule,
        event.faq_id,
        EventKind.deadline,
        D(first),
        D(first),
        event.reference,
        D("2021-08-20"),
    )
    assert can_remind(event, D("2021-08-20")) is remind


def test_every_event_kind_has_its_texts(domain_dict):
    responses = domain_dict["responses"]
    kinds = {
        Rule.renewal_window: EventKind,
        Rule.reactivation: EventKind,
        Rule.covid_extension: EventKind,
        Rule.replacement_token: [EventKind.deadline],  # one day, never a window
    }
    for rule, rule_kinds in kinds.items():
        assert f"utter_calendar_{rule.value}_description" in responses
        for kind in rule_kinds:
            assert f"utter_calendar_{rule.value}_{kind.value}" in responses
            assert f"utter_reminder_{rule.value}_{kind.value}" in responses
