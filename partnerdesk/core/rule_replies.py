"""The response that explains a rule result, and the variables it is rendered with.

The action server dispatches these, and the reply assistant renders the same response
in the Rasa server, so a draft is word for word the chat's answer.
"""

from __future__ import annotations

from typing import Any

from partnerdesk.core.citations import citation
from partnerdesk.core.dates.writing import format_date
from partnerdesk.core.rules import RuleResult


def response_name(result: RuleResult) -> str:
    """Name of the response that explains ``result``, e.g. ``utter_renewal_window_open``."""
    return "utter_" + result.explanation_key.replace(".", "_")


def response_variables(result: RuleResult, language: str) -> dict[str, Any]:
    """Template variables for a rule result: formatted dates, day counts, citation."""
    variables: dict[str, Any] = {
        name: format_date(value, language) for name, value in result.dates.items()
    }
    variables.update(days_until=result.days_until, days_left=result.days_left)
    variables.update(citation(result.faq_id.value, language))
    return variables
