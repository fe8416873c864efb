"""PartnerDesk's Korean voice: one register (합니다체) and one term per concept.

The rules are data (``data/knowledge/glossary.yml``); this module reads them and lists
what a Korean text does against them. ``tests/test_korean_copy.py`` runs it over every
Korean response and FAQ text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from partnerdesk.core.paths import DATA_DIR

GLOSSARY_PATH = DATA_DIR / "knowledge" / "glossary.yml"
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Template variables, link targets and code are not Korean prose.
_NOT_PROSE = re.compile(r"\{[^{}\n]*\}|\]\([^)\s]*\)|`[^`]*`")


@dataclass(frozen=True)
class Term:
    """One concept: the Korean term PartnerDesk uses and the variants it avoids."""

    concept: str
    use: str
    avoid: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Glossary:
    """The register's forbidden endings and the terms."""

    register_name: str
    register_avoid: re.Pattern[str]
    terms: tuple[Term, ...]

    def problems(self, text: str) -> list[str]:
        """What ``text`` does against the glossary (empty: nothing)."""
        if not _HANGUL.search(text):
            return []
        problems = []
        for line in text.splitlines():
            prose = _NOT_PROSE.sub(" ", line)
            for match in self.register_avoid.finditer(prose):
                problems.append(
                    f"not {self.register_name}: …{_around(prose, match.start(), match.end())}…"
                )
        for term in self.terms:
            for pattern in term.avoid:
                for match in pattern.finditer(text):
                    problems.append(
                        f"{term.concept}: write {term.use!r}, not {match.group()!r} "
                        f"(…{_around(text, match.start(), match.end())}…)"
                    )
        return problems


def _around(text: str, start: int, end: int) -> str:
    return text[max(0, start - 12) : end + 4].replace("\n", " ")


@functools.lru_cache(maxsize=2)
def load_glossary(path: Path = GLOSSARY_PATH) -> Glossary:
    """The glossary file as patterns (read once per path)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    terms = tuple(
        Term(
            concept=str(item["concept"]),
            use=str(item["use"]),
            avoid=tuple(re.compile(pattern) for pattern in item["avoid"]),
        )
        for item in data["terms"]
    )
    register = data["register"]
    return Glossary(
        register_name=str(register["name"]),
        register_avoid=re.compile(str(register["avoid"]), re.MULTILINE),
        terms=terms,
    )
