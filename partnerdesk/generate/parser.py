"""Parse a localised Microsoft Docs FAQ page into raw bilingual FAQ entries.

Every sentence of the page is a pair of spans sharing one ttu id: the (machine-translated)
Korean in ``data-ttu-id`` and the English original in ``data-stu-id``. The pairs are
replaced by placeholders, the remaining Markdown skeleton is split into blocks (headings,
paragraphs, bullets), and each block is rendered once per language.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import yaml

from partnerdesk.core.knowledge import Bilingual

LANGUAGES = ("en", "ko")

SPAN_PAIR = re.compile(
    r'<span data-ttu-id="(?P<id>[^"]+)">(?P<ko>.*?)</span>\s*'
    r'<span class="sxs-lookup"><span data-stu-id="(?P=id)">(?P<en>.*?)</span></span>',
    re.DOTALL,
)
LEFTOVER_SPAN = re.compile(r'data-[ts]tu-id="([^"]+)"')
FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n---\n", re.DOTALL)
PLACEHOLDER = re.compile(r"\x00(?P<id>[^\x00]+)\x00")
HEADING = re.compile(r'^(?P<hashes>#{1,6})\s+(?:<a name="(?P<anchor>[^"]*)"></a>)?(?P<text>.*)$')
BULLET = re.compile(r"^[-*+]\s+(?P<text>.*)$")
QUESTION_MARKER = re.compile(r"^Q[:.]\s*")
ANSWER_MARKER = re.compile(r"^A[:.]\s*")


class ParseError(ValueError):
    """The page does not have the expected structure."""


@dataclass(frozen=True)
class RawSection:
    """A ``##`` heading with an anchor."""

    anchor: str
    name: Bilingual


@dataclass(frozen=True)
class RawFaq:
    """One question and answer as found on the page, before corrections."""

    ttu_id: str
    section: RawSection
    question: Bilingual
    answer: Bilingual


@dataclass(frozen=True)
class ParsedPage:
    """The page's metadata and its FAQ entries in page order."""

    title: Bilingual
    date: datetime.date
    faqs: List[RawFaq]


@dataclass
class _Block:
    kind: str  # "heading", "paragraph" or "bullet"
    text: str  # Markdown skeleton with span placeholders
    level: int = 0
    anchor: Optional[str] = None


@dataclass
class _OpenFaq:
    ttu_id: str
    section: RawSection
    question: Bilingual
    answer_blocks: List[_Block] = field(default_factory=list)


def parse_page(text: str) -> ParsedPage:
    """Parse the whole page.

    Raises:
        ParseError: Front matter, a span pair, the title or a section is missing.
    """
    match = FRONT_MATTER.match(text)
    if not match:
        raise ParseError("no front matter")
    meta = yaml.safe_load(match["yaml"])
    date = datetime.datetime.strptime(str(meta["ms.date"]), "%m/%d/%Y").date()
    skeleton, spans = _split_spans(text[match.end() :])
    blocks = _blocks(skeleton)
    title = next((_render(b, spans) for b in blocks if b.kind == "heading" and b.level == 1), None)
    if title is None:
        raise ParseError("no page title")
    return ParsedPage(title=title, date=date, faqs=_faqs(blocks, spans))


def _split_spans(body: str) -> Tuple[str, Dict[str, Dict[str, str]]]:
    """Replace every span pair by a placeholder; return the skeleton and the texts by ttu id."""
    spans: Dict[str, Dict[str, str]] = {}

    def placeholder(match: re.Match) -> str:
        spans[match["id"]] = {"en": match["en"], "ko": match["ko"]}
        return f"\x00{match['id']}\x00"

    skeleton = SPAN_PAIR.sub(placeholder, body)
    unpaired = sorted(set(LEFTOVER_SPAN.findall(skeleton)))
    if unpaired:
        raise ParseError(f"spans without a Korean/English pair: {', '.join(unpaired)}")
    return skeleton, spans


def _blocks(skeleton: str) -> List[_Block]:
    """Split the skeleton into Markdown blocks; continuation lines join the open block."""
    blocks: List[_Block] = []
    open_block: Optional[_Block] = None
    for line in skeleton.splitlines():
        stripped = line.strip()
        heading, bullet = HEADING.match(stripped), BULLET.match(stripped)
        if not stripped:
            open_block = None
        elif heading:
            level = len(heading["hashes"])
            blocks.append(_Block("heading", heading["text"], level, heading["anchor"]))
            open_block = None
        elif bullet:
            open_block = _Block("bullet", bullet["text"])
            blocks.append(open_block)
        elif open_block:
            open_block.text += " " + stripped
        else:
            open_block = _Block("paragraph", stripped)
            blocks.append(open_block)
    return blocks


def _render(block: _Block, spans: Dict[str, Dict[str, str]]) -> Bilingual:
    """The block's text in both languages, whitespace collapsed."""
    rendered = {
        lang: " ".join(PLACEHOLDER.sub(lambda m: spans[m["id"]][lang], block.text).split())
        for lang in LANGUAGES
    }
    return Bilingual(**rendered)


def _is_question(block: _Block, spans: Dict[str, Dict[str, str]]) -> bool:
    return block.kind != "heading" and bool(
        QUESTION_MARKER.match(_render(block, spans).en.replace("*", ""))
    )


def _question_ttu_id(block: _Block, spans: Dict[str, Dict[str, str]]) -> str:
    """The first span of a question block that holds more than the "Q:" marker."""
    for ttu_id in PLACEHOLDER.findall(block.text):
        english = spans[ttu_id]["en"].replace("*", "").strip()
        if QUESTION_MARKER.sub("", english):
            return ttu_id
    raise ParseError(f"question without text: {block.text!r}")


def _faqs(blocks: List[_Block], spans: Dict[str, Dict[str, str]]) -> List[RawFaq]:
    """Group the blocks into entries: a question block, then its answer blocks."""
    faqs: List[RawFaq] = []
    section: Optional[RawSection] = None
    open_faq: Optional[_OpenFaq] = None
    for block in blocks:
        is_question = _is_question(block, spans)
        if open_faq and (is_question or block.kind == "heading"):
            faqs.append(_close(open_faq, spans))
            open_faq = None
        if block.kind == "heading" and block.level == 2 and block.anchor:
            section = RawSection(anchor=block.anchor, name=_render(block, spans))
        elif is_question:
            open_faq = _open(block, section, spans)
        elif open_faq:
            open_faq.answer_blocks.append(block)
    if open_faq:
        faqs.append(_close(open_faq, spans))
    return faqs


def _open(
    block: _Block, section: Optional[RawSection], spans: Dict[str, Dict[str, str]]
) -> _OpenFaq:
    """Start an entry from its question block (bold and the "Q:" marker removed)."""
    if section is None:
        raise ParseError(f"question outside a section: {block.text!r}")
    text = _render(block, spans)
    question = {
        lang: QUESTION_MARKER.sub("", " ".join(text.get(lang).replace("**", "").split()))
        for lang in LANGUAGES
    }
    return _OpenFaq(_question_ttu_id(block, spans), section, Bilingual(**question))


def _close(open_faq: _OpenFaq, spans: Dict[str, Dict[str, str]]) -> RawFaq:
    """Join the answer blocks into Markdown: paragraphs apart, consecutive bullets together."""
    answer = {}
    for lang in LANGUAGES:
        markdown = ""
        for index, block in enumerate(open_faq.answer_blocks):
            text = _render(block, spans).get(lang)
            if index == 0:
                text = ANSWER_MARKER.sub("", text)
            if block.kind == "bullet":
                text = "- " + text
            previous = open_faq.answer_blocks[index - 1] if index else None
            joint = "\n" if previous and previous.kind == block.kind == "bullet" else "\n\n"
            markdown += (joint if markdown else "") + text
        answer[lang] = markdown
    if not answer["en"]:
        raise ParseError(f"question {open_faq.ttu_id} has no answer")
    return RawFaq(open_faq.ttu_id, open_faq.section, open_faq.question, Bilingual(**answer))
