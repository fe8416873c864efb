"""Calendar events for rule answers: which window or deadline, and the link that carries it.

A rule answer that names a window or a deadline still ahead gets an "Add to calendar" link
(and, in Slack, a "Remind me" button). The event is decided here from the rule result and
the rules clock's today (``contracts.md``, "Calendar events"):

- a window not yet open: one all-day event from its first day to its last;
- a window already open, or a deadline: one all-day event on its last day;
- a window or deadline already past: no event.

Everything the page server needs to write the ``.ics`` file is in the link's query (no
server state, nothing personal beyond the dates): :func:`calendar_query` writes it and
:func:`read_calendar_query` checks it. The file itself is written by
``partnerdesk.web.calendar`` with the ``icalendar`` library.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode

from partnerdesk.core.rules import DateName, FaqId, Rule, RuleResult
from partnerdesk.core.rules.periods import WINDOW_DAYS

LANGUAGES = ("en", "ko")
ALARM_WEEK_BEFORE = "-P7D"
ALARM_AT_START = "PT0S"
SLACK_MAX_SCHEDULE_DAYS = 120
"""Slack's ``chat.scheduleMessage`` takes times up to 120 days ahead."""
_EARLIEST = date(2000, 1, 1)
_LATEST = date(2100, 12, 31)
_E = TypeVar("_E", bound=Enum)
_RULE_FAQS = {
    Rule.renewal_window: (FaqId.renew_action_pack, FaqId.renew_competency),
    Rule.reactivation: (FaqId.missed_renewal,),
    Rule.covid_extension: (FaqId.covid_hardship,),
    Rule.replacement_token: (FaqId.replacement_token,),
}


class EventKind(str, Enum):
    """A whole window still to open, or one day to act by."""

    window = "window"
    deadline = "deadline"


class CalendarQueryError(ValueError):
    """A calendar link whose query is not one PartnerDesk writes."""


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event of a rule answer.

    Attributes:
        rule: The rule whose window or deadline this is.
        faq_id: The FAQ answer it rests on (for the citation).
        kind: ``window`` (first to last day) or ``deadline`` (the last day only).
        first: The event's first day.
        last: The event's last day (inclusive; ``DTEND`` is the day after).
        reference: The date the rule counts from (anniversary, activation, …).
        issued: The rules clock's today when the answer was given.
    """

    rule: Rule
    faq_id: FaqId
    kind: EventKind
    first: date
    last: date
    reference: date
    issued: date

    @property
    def alarm(self) -> str:
        """``-P7D`` when the event starts 7 or more days after ``issued``, else ``PT0S``."""
        return ALARM_WEEK_BEFORE if (self.first - self.issued).days >= 7 else ALARM_AT_START

    @property
    def uid(self) -> str:
        """The same event always gets the same UID, whatever the language or the day asked."""
        key = "|".join(
            (self.rule.value, self.faq_id.value, self.kind.value, str(self.first), str(self.last))
        )
        return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@partnerdesk"

    @property
    def template_key(self) -> str:
        """``<rule>_<kind>``: names the event's summary and reminder responses."""
        return f"{self.rule.value}_{self.kind.value}"


# (rule, status) -> the event's kind, first and last day, and the date the rule counts
# from (named in the event's description), as names of the result's dates.
_SPANS: dict[tuple[Rule, str], tuple[EventKind, DateName, DateName, DateName]] = {
    (Rule.renewal_window, "not_open_yet"): (
        EventKind.window, DateName.window_opens, DateName.window_closes, DateName.anniversary
    ),
    (Rule.renewal_window, "open"): (
        EventKind.window, DateName.window_opens, DateName.window_closes, DateName.anniversary
    ),
    (Rule.renewal_window, "missed"): (
        EventKind.window,
        DateName.next_window_opens,
        DateName.next_window_closes,
        DateName.next_anniversary,
    ),
    (Rule.reactivation, "not_due_yet"): (
        EventKind.window, DateName.window_opens, DateName.deadline, DateName.anniversary
    ),
    (Rule.reactivation, "can_pay_fee"): (
        EventKind.window, DateName.window_opens, DateName.deadline, DateName.anniversary
    ),
    (Rule.covid_extension, "extended"): (
        EventKind.window,
        DateName.fee_window_opens,
        DateName.fee_window_closes,
        DateName.extended_through,
    ),
    (Rule.replacement_token, "eligible"): (
        EventKind.deadline, DateName.deadline, DateName.deadline, DateName.activation
    ),
}  # fmt: skip


def calendar_event(result: RuleResult, today: date) -> CalendarEvent | None:
    """The event of a rule answer, or None when it names nothing still ahead."""
    span = _SPANS.get((result.rule, result.status.value))
    if span is None:
        return None
    kind, first_name, last_name, reference_name = span
    first, last = result.dates[first_name.value], result.dates[last_name.value]
    if last < today:
        return None
    if kind is EventKind.window and first <= today:
        kind, first = EventKind.deadline, last
    return CalendarEvent(
        rule=result.rule,
        faq_id=result.faq_id,
        kind=kind,
        first=first,
        last=last,
        reference=result.dates[reference_name.value],
        issued=today,
    )


def can_remind(event: CalendarEvent, today: date) -> bool:
    """Whether a Slack reminder for the event's first day can be scheduled now.

    The day must be after today (on the day itself, the answer is the reminder) and at
    most :data:`SLACK_MAX_SCHEDULE_DAYS` ahead, by the rules clock.
    """
    return today < event.first <= today + timedelta(days=SLACK_MAX_SCHEDULE_DAYS)


def calendar_query(event: CalendarEvent, language: str) -> str:
    """The link's query string: the event, its language and the day it was issued."""
    return urlencode(
        {
            "rule": event.rule.value,
            "faq": event.faq_id.value,
            "kind": event.kind.value,
            "first": event.first.isoformat(),
            "last": event.last.isoformat(),
            "ref": event.reference.isoformat(),
            "issued": event.issued.isoformat(),
            "lang": language,
        }
    )


def calendar_url(base_url: str, event: CalendarEvent, language: str) -> str:
    """The "Add to calendar" link on the page server at ``base_url``."""
    name = event.rule.value.replace("_", "-")
    return f"{base_url.rstrip('/')}/calendar/{name}.ics?{calendar_query(event, language)}"


def read_calendar_query(query: Mapping[str, str]) -> tuple[CalendarEvent, str]:
    """The event and language of a calendar link's query (one value per name).

    Raises:
        CalendarQueryError: A value is missing, unknown, or the dates don't make an event
            PartnerDesk would have written.
    """
    rule = _enum(Rule, query, "rule")
    faq_id = _enum(FaqId, query, "faq")
    kind = _enum(EventKind, query, "kind")
    language = query.get("lang", "")
    if language not in LANGUAGES:
        raise CalendarQueryError('"lang" must be en or ko')
    if faq_id not in _RULE_FAQS[rule]:
        raise CalendarQueryError(f'"faq" {faq_id.value} does not belong to {rule.value}')
    first, last = _day(query, "first"), _day(query, "last")
    reference, issued = _day(query, "ref"), _day(query, "issued")
    if kind is EventKind.deadline and first != last:
        raise CalendarQueryError('a deadline has "first" equal to "last"')
    if not first <= last <= first + timedelta(days=WINDOW_DAYS - 1):
        raise CalendarQueryError('"last" must be within 30 days from "first"')
    if issued > first:
        raise CalendarQueryError('"issued" must not be after "first"')
    event = CalendarEvent(rule, faq_id, kind, first, last, reference, issued)
    return event, language


def _enum(kind: type[_E], query: Mapping[str, str], name: str) -> _E:
    try:
        return kind(query.get(name, ""))
    except ValueError as error:
        raise CalendarQueryError(f'"{name}" is missing or unknown') from error


def _day(query: Mapping[str, str], name: str) -> date:
    value = query.get(name, "")
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not _EARLIEST <= day <= _LATEST:
        raise CalendarQueryError(f'"{name}" must be a date YYYY-MM-DD between 2000 and 2100')
    return day


REMINDER_INTENT = "remind_me"
"""The "Remind me" button's payload intent; the Slack channel answers it itself."""


def reminder_payload(event: CalendarEvent, language: str) -> str:
    """The "Remind me" button's payload: the event as in its calendar link."""
    return f'/{REMINDER_INTENT}{{"event": "{calendar_query(event, language)}"}}'


def read_reminder_payload(text: str) -> tuple[CalendarEvent, str] | None:
    """The event and language of a "Remind me" payload, or None for any other text.

    Raises:
        CalendarQueryError: It is a reminder payload, but not one PartnerDesk writes.
    """
    prefix = f"/{REMINDER_INTENT}"
    if not text.startswith(prefix + "{"):
        return None
    try:
        value = json.loads(text[len(prefix) :])
    except ValueError as error:
        raise CalendarQueryError("the payload is not JSON") from error
    query = value.get("event") if isinstance(value, dict) else None
    if not isinstance(query, str):
        raise CalendarQueryError('the payload has no "event"')
    return read_calendar_query(dict(parse_qsl(query)))
