"""Apply the reviewed corrections (``data/knowledge/reviewed.yml``) to the parsed page.

English is the source of truth and only gets generic punctuation fixes. The Korean is
machine-translated: reviewed full texts replace it where given, and the reviewed
find/replace fixes clean whatever machine-translated Korean is left.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from pydantic import BaseModel, root_validator

from partnerdesk.core.knowledge import Bilingual
from partnerdesk.generate.parser import RawFaq, RawSection

LINK_TARGET = re.compile(r"(\]\([^)]*\))")
RUN_ON_SENTENCE = re.compile(r"(?<=[a-z0-9][.!?])(?=[A-Z])")  # "2021.You" -> "2021. You"
SPACE_BEFORE_COMMA = re.compile(r"\s+,(?=\S)")  # "the right ,to" -> "the right, to"
LINK_ENDS_PARAGRAPH = re.compile(r"(\]\([^)\s]*\))$", re.MULTILINE)


class CorrectionError(ValueError):
    """The reviewed corrections do not fit the parsed page."""


class KoreanFix(BaseModel):
    """A find/replace fix for machine-translated Korean: literal ``find`` or regex ``pattern``."""

    find: Optional[str] = None
    pattern: Optional[str] = None
    replace: str
    fields: List[str] = ["question", "answer", "section"]

    @root_validator(skip_on_failure=True)
    def _one_of_find_or_pattern(cls, values: dict) -> dict:
        if (values.get("find") is None) == (values.get("pattern") is None):
            raise ValueError("give exactly one of find and pattern")
        return values

    def apply(self, text: str) -> str:
        """``text`` with this fix applied."""
        if self.find is not None:
            return text.replace(self.find, self.replace)
        return re.sub(self.pattern or "", self.replace, text)


class KoreanText(BaseModel):
    """A reviewed Korean text that replaces the machine translation."""

    ko: str


class ReviewedFaq(BaseModel):
    """The reviewed data for one FAQ id."""

    title: Bilingual
    reviewed_en: Optional[str] = None
    question: Optional[KoreanText] = None
    answer: Optional[KoreanText] = None

    @root_validator(skip_on_failure=True)
    def _overrides_name_their_english(cls, values: dict) -> dict:
        if (values.get("question") or values.get("answer")) and not values.get("reviewed_en"):
            raise ValueError("a Korean override needs reviewed_en, its English fingerprint")
        return values


class ReviewedSource(BaseModel):
    """Citation wording; ``{date}``, ``{citation}``, ``{section}`` and ``{url}`` are filled in."""

    citation: Bilingual
    citation_line: Bilingual


class FeedbackButton(BaseModel):
    """One feedback button: its title and the ``helpful`` value its payload carries."""

    title: str
    helpful: str


class ReviewedFeedback(BaseModel):
    """The "Was this helpful?" line under every answer and its buttons."""

    question: Bilingual
    buttons: List[FeedbackButton]


class Reviewed(BaseModel):
    """The whole hand-maintained corrections file."""

    source: ReviewedSource
    feedback: ReviewedFeedback
    sections: Dict[str, str]
    korean_fixes: List[KoreanFix]
    faqs: Dict[str, ReviewedFaq]


def load_reviewed(path: Path) -> Reviewed:
    """Read and validate the reviewed corrections file."""
    return Reviewed.parse_obj(yaml.safe_load(path.read_text(encoding="utf-8")))


def tidy_english(text: str) -> str:
    """Fix run-on sentences and stray commas outside link targets; end link paragraphs with "."."""
    pieces = LINK_TARGET.split(text)  # prose at even indices, link targets at odd ones
    for index in range(0, len(pieces), 2):
        pieces[index] = SPACE_BEFORE_COMMA.sub(", ", RUN_ON_SENTENCE.sub(" ", pieces[index]))
    return LINK_ENDS_PARAGRAPH.sub(r"\1.", "".join(pieces))


def english_fingerprint(question: str, answer: str) -> str:
    """A short hash of the English a Korean override was reviewed against."""
    return hashlib.sha256(f"{question}\n\n{answer}".encode()).hexdigest()[:10]


def fix_korean(text: str, field: str, fixes: List[KoreanFix]) -> str:
    """Machine-translated Korean ``text`` of ``field`` with every fix for that field applied."""
    for fix in fixes:
        if field in fix.fields:
            text = fix.apply(text)
    return text


def correct_section(section: RawSection, reviewed: Reviewed) -> RawSection:
    """The section with its reviewed Korean name (or the fixed machine translation)."""
    korean = reviewed.sections.get(section.anchor) or fix_korean(
        section.name.ko, "section", reviewed.korean_fixes
    )
    return RawSection(section.anchor, Bilingual(en=section.name.en, ko=korean))


def correct_faq(faq_id: str, raw: RawFaq, reviewed: Reviewed) -> RawFaq:
    """The entry with tidied English and reviewed or fixed Korean.

    Raises:
        CorrectionError: The English changed since its Korean override was reviewed.
    """
    question_en, answer_en = tidy_english(raw.question.en), tidy_english(raw.answer.en)
    review = reviewed.faqs.get(faq_id)
    if review is None:
        raise CorrectionError(f"{faq_id}: no entry (button title) in the reviewed file")
    fingerprint = english_fingerprint(question_en, answer_en)
    if review.reviewed_en and review.reviewed_en != fingerprint:
        raise CorrectionError(
            f"{faq_id}: the English changed since its Korean was reviewed; re-review the Korean,"
            f" then set reviewed_en: {fingerprint}"
        )
    question_ko = review.question.ko if review.question else None
    answer_ko = review.answer.ko if review.answer else None
    fixes = reviewed.korean_fixes
    return dataclasses.replace(
        raw,
        section=correct_section(raw.section, reviewed),
        question=Bilingual(
            en=question_en, ko=question_ko or fix_korean(raw.question.ko, "question", fixes)
        ),
        answer=Bilingual(
            en=answer_en, ko=(answer_ko or fix_korean(raw.answer.ko, "answer", fixes)).strip()
        ),
    )
