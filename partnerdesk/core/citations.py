"""Citation variables for rule answers, read from the knowledge file."""

from __future__ import annotations

from partnerdesk.core.dates.writing import DateStyle, format_date
from partnerdesk.core.knowledge import load_knowledge


def citation(faq_id: str, language: str) -> dict[str, str]:
    """The citation of an FAQ entry in ``language``, as template variables.

    ``source_label``, ``section`` and ``section_url`` name the source; ``policy_date`` is
    the source page's date, which the rule answers state as the policy they apply.
    """
    knowledge = load_knowledge()
    entry = knowledge.by_id(faq_id)
    return {
        "source_label": knowledge.source.citation.get(language),
        "section": entry.section.name.get(language),
        "section_url": entry.url.get(language),
        "policy_date": format_date(knowledge.source.date, language, DateStyle.CITATION),
    }
