"""Long, e-mail-like messages and two questions in one message (tests/nlu/long_messages.yml).

Figures: FAQ top-1 per language (intent ``faq`` or ``faq_multi`` and the top
answer is the label), out-of-scope caught, and two-question messages whose
``faq_answers`` hold both ids. Print them, with the standard held-out figures
and parse timings, with ``.venv/bin/python -m tests.nlu.test_long_messages
[MODEL_PATH] [--misses]`` (default: the current model, trained if missing).
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest
import yaml

from partnerdesk.tools.nlu_eval import CAUGHT_INTENTS, ranked_answers

pytestmark = pytest.mark.slow

LONG_MESSAGES = Path(__file__).with_name("long_messages.yml")
ANSWERED_INTENTS = frozenset({"faq", "faq_multi"})
Parse = Callable[[str], Dict[str, Any]]


def load_long_messages(path: Path = LONG_MESSAGES) -> Dict[str, Any]:
    """The long-message set as plain data (see the file's header for its format)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def long_message_texts(path: Path = LONG_MESSAGES) -> List[str]:
    """Every message of the file (for the "never trained on" check)."""
    data = load_long_messages(path)
    texts = [t for by_lang in data["faq"].values() for ts in by_lang.values() for t in ts]
    texts += [c["text"] for cases in data["two_questions"].values() for c in cases]
    texts += [t for ts in data["out_of_scope"].values() for t in ts]
    return texts


def _answer_ids(parse_data: Dict[str, Any]) -> List[str]:
    return [a["intent_response_key"].split("/", 1)[-1]
            for a in parse_data.get("faq_answers") or []]


def _rate(hits: List[bool]) -> float:
    return round(sum(hits) / len(hits), 4) if hits else float("nan")


def long_message_report(parse: Parse, path: Path = LONG_MESSAGES) -> Dict[str, Any]:
    """Parse every long message and return the figures plus the misses."""
    data = load_long_messages(path)
    top1, oos, two, extra = defaultdict(list), defaultdict(list), defaultdict(list), []
    misses: List[Dict[str, Any]] = []
    for faq_id, by_lang in data["faq"].items():
        for lang, texts in by_lang.items():
            for text in texts:
                parsed = parse(text)
                intent = (parsed.get("intent") or {}).get("name")
                hit = intent in ANSWERED_INTENTS and ranked_answers(parsed)[:1] == [faq_id]
                top1[lang].append(hit)
                extra.append(intent == "faq_multi")
                if not hit or intent == "faq_multi":
                    misses.append({"kind": "faq", "text": text, "expected": faq_id,
                                   "intent": intent, "answers": ranked_answers(parsed)[:3],
                                   "faq_answers": _answer_ids(parsed)})
    for lang, cases in data["two_questions"].items():
        for case in cases:
            parsed = parse(case["text"])
            found = set(case["ids"]) <= set(_answer_ids(parsed))
            two[lang].append(found)
            if not found:
                misses.append({"kind": "two_questions", "text": case["text"],
                               "expected": case["ids"],
                               "intent": (parsed.get("intent") or {}).get("name"),
                               "answers": ranked_answers(parsed)[:3],
                               "faq_answers": _answer_ids(parsed)})
    for lang, texts in data["out_of_scope"].items():
        for text in texts:
            parsed = parse(text)
            intent = (parsed.get("intent") or {}).get("name")
            oos[lang].append(intent in CAUGHT_INTENTS)
            if intent not in CAUGHT_INTENTS:
                misses.append({"kind": "out_of_scope", "text": text, "intent": intent,
                               "answers": ranked_answers(parsed)[:3],
                               "faq_answers": _answer_ids(parsed)})
    return {
        "faq_top1": {lang: _rate(hits) for lang, hits in sorted(top1.items())},
        "two_questions_found": {lang: _rate(hits) for lang, hits in sorted(two.items())},
        "out_of_scope_caught": _rate([h for hits in oos.values() for h in hits]),
        "out_of_scope_caught_by_language": {lang: _rate(h) for lang, h in sorted(oos.items())},
        "single_questions_split_in_two": _rate(extra),
        "counts": {"faq": {k: len(v) for k, v in sorted(top1.items())},
                   "two_questions": {k: len(v) for k, v in sorted(two.items())},
                   "out_of_scope": {k: len(v) for k, v in sorted(oos.items())}},
        "misses": misses,
    }


@pytest.fixture(scope="module")
def report(parse):
    return long_message_report(parse)


def test_long_message_file_is_big_enough():
    data = load_long_messages()
    assert len(data["faq"]) == 20
    for lang in ("en", "ko"):
        assert sum(len(by_lang.get(lang, [])) for by_lang in data["faq"].values()) >= 35
        assert all(by_lang.get(lang) for by_lang in data["faq"].values())
        assert len(data["two_questions"][lang]) >= 10
        assert len(data["out_of_scope"][lang]) >= 10
    for cases in data["two_questions"].values():
        assert all(len(set(c["ids"])) == 2 and set(c["ids"]) <= set(data["faq"]) for c in cases)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_long_faq_messages_top1(report, language):
    assert report["faq_top1"][language] >= 0.95, report["misses"]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_two_questions_in_one_message_are_both_found(report, language):
    assert report["two_questions_found"][language] >= 0.8, report["misses"]


def test_long_out_of_scope_messages_are_caught(report):
    assert report["out_of_scope_caught"] >= 0.9, report["misses"]


def test_single_questions_are_rarely_split_in_two(report):
    assert report["single_questions_split_in_two"] <= 0.05, report["misses"]


def _timings(parse: Parse, texts: Dict[str, str], rounds: int = 200) -> Dict[str, Any]:
    """Median milliseconds per ``parse_message``, wall clock and this process's CPU.

    The CPU time is the steadier figure on a busy machine.
    """
    result = {}
    for name, text in texts.items():
        parse(text)
        wall, cpu = [], []
        for _ in range(rounds):
            start, start_cpu = time.perf_counter(), time.process_time()
            parse(text)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
        result[name] = {"wall_ms": round(statistics.median(wall), 2),
                        "cpu_ms": round(statistics.median(cpu), 2)}
    return result


def main() -> None:
    """Print the figures, the standard held-out figures and parse timings as JSON."""
    import json

    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)

    from partnerdesk.tools.model_build import ensure_model
    from partnerdesk.tools.nlu_eval import evaluate, load_cases

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    model = Path(args[0]) if args else ensure_model()
    agent = Agent.load(str(model))

    def parse(text: str) -> Dict[str, Any]:
        return asyncio.run(agent.parse_message(text))

    long_report = long_message_report(parse)
    standard = evaluate(parse, load_cases(LONG_MESSAGES.parent))
    data = load_long_messages()
    timings = _timings(parse, {
        "short_en": "when can we renew MAP?",
        "short_ko": "액션팩 갱신 언제 해요?",
        "long_en": data["faq"]["renew_competency"]["en"][0],
        "long_ko": data["faq"]["renew_competency"]["ko"][0],
    })
    print(json.dumps({
        "model": model.name,
        "long_messages": {k: v for k, v in long_report.items() if k != "misses"},
        "standard_heldout": {k: v for k, v in standard.items() if k != "misses"},
        "parse_ms_median": timings,
    }, ensure_ascii=False, indent=2))
    if "--misses" in sys.argv:
        print(json.dumps({"long_messages": long_report["misses"],
                          "standard_heldout": standard["misses"]},
                         ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
