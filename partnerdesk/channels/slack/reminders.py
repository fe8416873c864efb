"""Slack's "Remind me": a reminder on the first day of a window or deadline.

Rule answers in Slack whose window or deadline is still ahead carry a "Remind me" button
(``actions/rule_answers.py``) when its day is within Slack's 120 days by the rules clock.
Its value is ``/remind_me{"event": "<the calendar link's query>"}``
(:mod:`partnerdesk.core.calendar`). The click never reaches the assistant: this module
schedules the reminder with ``chat.scheduleMessage`` for 09:00 ``PARTNERDESK_TZ`` on the
event's first day, in the thread of the click, so Slack keeps it (no state here), and
says in the thread what it did. The texts are ``domain.yml`` responses in the partner's
language (``utter_reminder_*``).

A click whose day is no longer ahead gets "too late"; a refusal from Slack (``SlackApiError``,
e.g. ``time_in_past`` on a server whose ``PARTNERDESK_TODAY`` is pinned in the past) gets
"couldn't schedule", and the log says why. Reminder times are never checked against the
wall clock here: the rules clock decides.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import Any, Mapping, Optional, Sequence, Text
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from partnerdesk.channels.slack.output import SlackThreadOutput
from partnerdesk.channels.slack.text import to_mrkdwn
from partnerdesk.core import clock
from partnerdesk.core.calendar import (
    CalendarEvent,
    CalendarQueryError,
    can_remind,
    read_reminder_payload,
)
from partnerdesk.core.dates.writing import format_date
from partnerdesk.core.responses import response_text

logger = logging.getLogger(__name__)

REMINDER_HOUR = time(9, 0)
SLACK = "slack"


def is_reminder_click(value: str) -> bool:
    """Whether a clicked button's value is a "Remind me" payload."""
    try:
        return read_reminder_payload(value) is not None
    except CalendarQueryError:
        return True  # ours, but not as PartnerDesk wrote it: answered with a refusal


def reminder_time(day: date, zone: str) -> int:
    """The Unix time of 09:00 on ``day`` in ``zone``."""
    return int(datetime.combine(day, REMINDER_HOUR, tzinfo=ZoneInfo(zone)).timestamp())


def _text(
    name: str, language: str, values: Mapping[str, Any], responses: Optional[Mapping[str, Any]]
) -> str:
    text = response_text(name, language, values, channel=SLACK, responses=responses)
    if text is None:
        raise LookupError(f"the domain has no response {name}")
    return to_mrkdwn(text)


async def schedule_reminder(
    value: str,
    output: SlackThreadOutput,
    channel: str,
    responses: Optional[Mapping[str, Sequence[Mapping[str, Any]]]] = None,
) -> bool:
    """Schedule the reminder a "Remind me" click asks for, and say so in the thread.

    Args:
        value: The clicked button's value.
        output: Posts in the thread of the click (its client schedules too).
        channel: The channel id of the click.
        responses: The domain's responses (default: ``domain.yml``'s).

    Returns:
        Whether a reminder was scheduled.
    """
    try:
        parsed = read_reminder_payload(value)
    except CalendarQueryError as error:
        logger.warning("Slack: a Remind me click PartnerDesk did not write: %s", error)
        parsed = None
    if parsed is None:
        await output.post(channel, text=_text("utter_reminder_failed", "en", {}, responses))
        return False
    event, language = parsed
    today = clock.today()
    day = format_date(event.first, language)
    if not can_remind(event, today):
        text = _text("utter_reminder_too_late", language, {"day": day}, responses)
        await output.post(channel, text=text)
        return False
    zone = clock.local_zone().key
    try:
        await output.client.chat_scheduleMessage(
            channel=channel,
            post_at=reminder_time(event.first, zone),
            text=_reminder_text(event, language, responses),
            thread_ts=output.thread_ts,
        )
    except SlackApiError as error:
        logger.error("Slack: chat.scheduleMessage refused a reminder: %s", error.response)
        await output.post(channel, text=_text("utter_reminder_failed", language, {}, responses))
        return False
    values = {"day": day, "time_zone": zone}
    await output.post(channel, text=_text("utter_reminder_scheduled", language, values, responses))
    return True


def _reminder_text(
    event: CalendarEvent, language: str, responses: Optional[Mapping[str, Any]]
) -> Text:
    """What Slack posts on the day, in the partner's language."""
    values = {
        "first": format_date(event.first, language),
        "last": format_date(event.last, language),
    }
    return _text(f"utter_reminder_{event.template_key}", language, values, responses)


async def remind(value: str, output: SlackThreadOutput, channel: str, agent: Any) -> None:
    """:func:`schedule_reminder` with the agent's responses, as a background task: logged."""
    responses = getattr(getattr(agent, "domain", None), "responses", None)
    try:
        await schedule_reminder(value, output, channel, responses)
    except Exception:
        logger.exception("Slack: scheduling a reminder in %s failed.", channel)
