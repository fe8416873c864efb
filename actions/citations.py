"""Citation variables for rule answers, read from the knowledge file."""

from __future__ import annotations

from typing import Dict

from partnerdesk.knowledge import load_knowledge


def citation(faq_id: str, language: str) -> Dict[str, str]:
    """``source_label``, ``section`` and ``section_url`` of an FAQ entry, in ``language``."""
    knowledge = load_knowledge()
    entry = knowledge.by_id(faq_id)
    return {
        "source_label": knowledge.source.citation.get(language),
        "section": entry.section.name.get(language),
        "section_url": entry.url.get(language),
    }
