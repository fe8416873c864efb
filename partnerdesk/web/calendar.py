"""``/calendar/<rule>.ics``: the "Add to calendar" file of a rule answer.

Everything is in the link's query (``partnerdesk.core.calendar``): no server state, and
nothing personal beyond the dates. The file follows RFC 5545 and is written with the
``icalendar`` library:

- one all-day ``VEVENT``: ``DTSTART;VALUE=DATE`` the first day, ``DTEND`` the day after
  the last day;
- ``SUMMARY`` in the partner's language (``LANGUAGE`` parameter), the rule and the FAQ
  citation in ``DESCRIPTION`` (the texts are ``domain.yml`` responses);
- a ``VALARM`` 7 days before the start (``-P7D``), or at the start (``PT0S``) when that
  is sooner, by the rules clock's day the answer was given;
- a ``UID`` that is the same for the same event, and ``DTSTAMP`` that day at 00:00 UTC,
  so the same link always gives the same file.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from typing import Dict, Optional, Tuple
from urllib.parse import parse_qs

from icalendar import Alarm, Calendar, Event, vDuration

from partnerdesk.core.calendar import (
    ALARM_AT_START,
    CalendarEvent,
    CalendarQueryError,
    read_calendar_query,
)
from partnerdesk.core.citations import citation
from partnerdesk.core.dates.writing import format_date
from partnerdesk.core.responses import response_text

PATH = re.compile(r"/calendar/(?P<name>[a-z-]{1,40})\.ics")
PRODUCT_ID = "-//PartnerDesk//MPN benefits assistant//EN"
MAX_QUERY = 1000


class _AtStart(vDuration):
    """A zero trigger written ``PT0S``, as the contract names it (icalendar writes P0D)."""

    def to_ical(self) -> bytes:
        return ALARM_AT_START.encode()


def ics_file(event: CalendarEvent, language: str) -> bytes:
    """The calendar file of ``event``, its texts in ``language``."""
    summary = response_text(f"utter_calendar_{event.template_key}", language) or ""
    variables = {
        "reference": format_date(event.reference, language),
        **citation(event.faq_id.value, language),
    }
    name = f"utter_calendar_{event.rule.value}_description"
    description = response_text(name, language, variables)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    entry = Event()
    entry.add("uid", event.uid)
    entry.add("dtstamp", datetime.combine(event.issued, time(0, 0), tzinfo=timezone.utc))
    entry.add("dtstart", event.first)
    entry.add("dtend", event.last + timedelta(days=1))
    entry.add("summary", summary, parameters={"LANGUAGE": language})
    entry.add("description", description or "", parameters={"LANGUAGE": language})
    entry.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    if event.alarm == ALARM_AT_START:
        alarm.add("trigger", _AtStart(timedelta(0)))
    else:
        alarm.add("trigger", timedelta(days=-7))
    entry.add_component(alarm)
    calendar.add_component(entry)
    return bytes(calendar.to_ical())


def calendar_response(path: str, query: str) -> Tuple[int, bytes, Dict[str, str]]:
    """Status, body and headers for a ``/calendar/…`` request.

    A link PartnerDesk did not write gets 400 with a one-line reason; a name that is not
    the event's rule, 404.
    """
    match = PATH.fullmatch(path)
    if match is None:
        return _text(404, "Not found")
    values, problem = _single_values(query)
    if problem:
        return _text(400, problem)
    try:
        event, language = read_calendar_query(values)
    except CalendarQueryError as error:
        return _text(400, f"Not a PartnerDesk calendar link: {error}")
    if match["name"] != event.rule.value.replace("_", "-"):
        return _text(404, "Not found")
    filename = f"partnerdesk-{match['name']}-{event.first.isoformat()}.ics"
    return (
        200,
        ics_file(event, language),
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _single_values(query: str) -> Tuple[Dict[str, str], Optional[str]]:
    """The query's values, each name once; or the reason it is refused."""
    if len(query) > MAX_QUERY:
        return {}, "The link is too long."
    try:
        parsed = parse_qs(query, strict_parsing=bool(query), errors="strict")
    except (ValueError, UnicodeDecodeError):
        return {}, "The link's query is malformed."
    if any(len(values) != 1 for values in parsed.values()):
        return {}, "Each value may appear once."
    return {name: values[0] for name, values in parsed.items()}, None


def _text(status: int, message: str) -> Tuple[int, bytes, Dict[str, str]]:
    return status, f"{message}\n".encode(), {"Content-Type": "text/plain; charset=utf-8"}
