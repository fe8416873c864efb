"""The response that explains a rule result, and the variables it is rendered with.

The action server dispatches these, and the reply assistant renders the same response
in the Rasa server, so a draft is word for word the chat's answer.

Answers that name a window or deadline still ahead carry an "Add to calendar" link
(``{calendar_url}``, see :mod:`partnerdesk.core.calendar`); the response is chosen so
that its text has the link exactly when there is an event.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from partnerdesk.core.calendar import calendar_event, calendar_url
from partnerdesk.core.citations import citation
from partnerdesk.core.dates.writing import format_date
from partnerdesk.core.rules import CovidStatus, RuleResult, TokenStatus
from partnerdesk.core.web_settings import public_url

FEE_WINDOW_PASSED = "_fee_window_passed"
"""Suffix of the COVID answer whose fee window is already over (no calendar link)."""
IF_NOT_REPLACED = "_if_not_replaced"
"""Suffix of the replacement-token answer given before knowing of an earlier replacement."""


def response_name(result: RuleResult, today: date, assumed_first: bool = False) -> str:
    """Name of the response that explains ``result``, e.g. ``utter_renewal_window_open``.

    Args:
        result: The rule's result.
        today: The rules clock's today (whether a window is still ahead).
        assumed_first: The replacement-token answer assumed no earlier replacement
            (the partner didn't say): the answer states that condition.
    """
    name = "utter_" + result.explanation_key.replace(".", "_")
    if result.status is CovidStatus.extended and calendar_event(result, today) is None:
        return name + FEE_WINDOW_PASSED
    if result.status is TokenStatus.eligible and assumed_first:
        return name + IF_NOT_REPLACED
    return name


def response_variables(result: RuleResult, language: str, today: date) -> dict[str, Any]:
    """Template variables for a rule result: formatted dates, day counts, citation, link.

    ``calendar_url`` is set when the answer names an event still ahead; the ISO dates of
    the result are there too (``<name>_iso``), for button payloads.
    """
    variables: dict[str, Any] = {
        name: format_date(value, language) for name, value in result.dates.items()
    }
    variables.update({f"{name}_iso": value.isoformat() for name, value in result.dates.items()})
    variables.update(days_until=result.days_until, days_left=result.days_left)
    variables.update(citation(result.faq_id.value, language))
    event = calendar_event(result, today)
    if event is not None:
        variables["calendar_url"] = calendar_url(public_url(), event, language)
    return variables
