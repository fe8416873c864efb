"""Held-out NLU evaluation: the figures the budgets are stated in.

Reads the held-out files ``tests/nlu/heldout*.yml`` (never trained on; written
independently of the training data), parses every line with a
caller-supplied ``parse`` function (in-process agent or ``/model/parse``) and
reports FAQ top-1 / top-3 per language, out-of-scope caught, in-scope questions
falling back, and chit-chat accuracy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

from partnerdesk.core.language import detect_language
from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.core.ranking import CAUGHT_INTENTS, faq_ranking, intent_name

HELDOUT_DIR = PROJECT_ROOT / "tests" / "nlu"
OUT_OF_SCOPE = "out_of_scope"

Parse = Callable[[str], Dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One held-out line: its text, language and expected label."""

    text: str
    language: str
    kind: str  # "faq", "out_of_scope" or "chitchat"
    expected: str  # FAQ id, "out_of_scope" or the chit-chat intent


def load_cases(directory: Path = HELDOUT_DIR) -> List[Case]:
    """All held-out cases of every ``heldout*.yml`` file, in file order."""
    return [case for path in sorted(directory.glob("heldout*.yml")) for case in _read_cases(path)]


def _read_cases(path: Path) -> List[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [
        Case(text, lang, "faq", faq_id)
        for faq_id, by_lang in data["faq"].items()
        for lang, texts in by_lang.items()
        for text in texts
    ]
    cases += [
        Case(text, lang, OUT_OF_SCOPE, OUT_OF_SCOPE)
        for lang, texts in data["out_of_scope"].items()
        for text in texts
    ]
    cases += [
        Case(text, lang, "chitchat", intent)
        for intent, by_lang in data.get("chitchat", {}).items()
        for lang, texts in by_lang.items()
        for text in texts
    ]
    return cases


def ranked_answers(parse_data: Dict[str, Any]) -> List[str]:
    """FAQ ids from the response selector's ranking, best first."""
    return [answer.faq_id for answer in faq_ranking(parse_data)]


@dataclass
class Outcome:
    """How one case was parsed."""

    case: Case
    intent: Optional[str]
    answers: List[str]

    @property
    def caught(self) -> bool:
        """True when the parse says "cannot answer this"."""
        return self.intent in CAUGHT_INTENTS

    @property
    def top1(self) -> bool:
        """True when the FAQ intent won and its best answer is the expected one."""
        return self.intent == "faq" and self.answers[:1] == [self.case.expected]

    @property
    def top3(self) -> bool:
        """True when the expected answer is among the three best (fallback or not)."""
        return self.case.expected in self.answers[:3]


def evaluate(parse: Parse, cases: Optional[List[Case]] = None) -> Dict[str, Any]:
    """Parse every case and return the figures plus the misses."""
    outcomes = []
    for case in cases or load_cases():
        data = parse(case.text)
        outcomes.append(Outcome(case, intent_name(data), ranked_answers(data)))
    return summarise(outcomes)


def _rate(hits: List[bool]) -> float:
    return round(sum(hits) / len(hits), 4) if hits else float("nan")


def summarise(outcomes: List[Outcome]) -> Dict[str, Any]:
    """Turn outcomes into the budget figures."""
    faq = defaultdict(list)
    for o in outcomes:
        if o.case.kind == "faq":
            faq[o.case.language].append(o)
    in_scope = [o for o in outcomes if o.case.kind != OUT_OF_SCOPE]
    oos = [o for o in outcomes if o.case.kind == OUT_OF_SCOPE]
    chitchat = [o for o in outcomes if o.case.kind == "chitchat"]
    return {
        "faq_top1": {lang: _rate([o.top1 for o in items]) for lang, items in sorted(faq.items())},
        "faq_top3": {lang: _rate([o.top3 for o in items]) for lang, items in sorted(faq.items())},
        "out_of_scope_caught": _rate([o.caught for o in oos]),
        "in_scope_fallback": _rate([o.caught for o in in_scope]),
        "chitchat_accuracy": _rate([o.intent == o.case.expected for o in chitchat]),
        "language_detected": _rate(
            [detect_language(o.case.text) in (o.case.language, None) for o in outcomes]
        ),
        "counts": {
            "faq": {k: len(v) for k, v in sorted(faq.items())},
            "out_of_scope": len(oos),
            "chitchat": len(chitchat),
        },
        "misses": [
            {
                "text": o.case.text,
                "expected": o.case.expected,
                "intent": o.intent,
                "answers": o.answers[:3],
            }
            for o in outcomes
            if (o.case.kind == "faq" and not o.top1)
            or (o.case.kind == OUT_OF_SCOPE and not o.caught)
            or (o.case.kind == "chitchat" and o.intent != o.case.expected)
        ],
    }
