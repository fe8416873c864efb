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
    return [a["intent_response_key"].split("/", 1)[-1] for a in parse_data.get("faq_answers") or []]


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
                    misses.append(
                        {
                            "kind": "faq",
                            "text": text,
                            "expected": faq_id,
                            "intent": intent,
                            "answers": ranked_answers(parsed)[:3],
                            "faq_answers": _answer_ids(parsed),
                        }
                    )
    for lang, cases in data["two_questions"].items():
        for case in cases:
            parsed = parse(case["text"])
            found = set(case["ids"]) <= set(_answer_ids(parsed))
            two[lang].append(found)
            if not found:
                misses.append(
                    {
                        "kind": "two_questions",
                        "text": case["text"],
                        "expected": case["ids"],
                        "intent": (parsed.get("intent") or {}).get("name"),
                        "answers": ranked_answers(parsed)[:3],
                        "faq_answers": _answer_ids(parsed),
                    }
                )
    for lang, texts in data["out_of_scope"].items():
        for text in texts:
            parsed = parse(text)
            intent = (parsed.get("intent") or {}).get("name")
            oos[lang].append(intent in CAUGHT_INTENTS)
            if intent not in CAUGHT_INTENTS:
                misses.append(
                    {
                        "kind": "out_of_scope",
                        "text": text,
                        "intent": intent,
                        "answers": ranked_answers(parsed)[:3],
                        "faq_answers": _answer_ids(parsed),
                    }
                )
    return {
        "faq_top1": {lang: _rate(hits) for lang, hits in sorted(top1.items())},
        "two_questions_found": {lang: _rate(hits) for lang, hits in sorted(two.items())},
        "out_of_scope_caught": _rate([h for hits in oos.values() for h in hits]),
        "out_of_scope_caught_by_language": {lang: _rate(h) for lang, h in sorted(oos.items())},
        "single_questions_split_in_two": _rate(extra),
        "counts": {
            "faq": {k: len(v) for k, v in sorted(top1.items())},
            "two_questions": {k: len(v) for k, v in sorted(two.items())},
            "out_of_scope": {k: len(v) for k, v in sorted(oos.items())},
        },
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


TIMED_TEXTS = {
    "short_en": "when can we renew MAP?",
    "short_ko": "액션팩 갱신 언제 해요?",
    "long_en": "Hi team, I'm Jisoo from a small MSP in Busan. We got our Silver competency "
    "last October and our renewal is coming up. How and when do we renew it? Thanks!",
    "long_ko": "안녕하세요, 부산에서 작은 MSP를 운영하는 김지수입니다. 작년 10월에 실버 역량을 "
    "취득했는데 이제 갱신 시기가 다가오고 있어요. 역량 갱신은 언제, 어떻게 하면 되나요? "
    "감사합니다.",
}


def _timings(parses: Dict[str, Parse], rounds: int = 150) -> Dict[str, Dict[str, float]]:
    """Median milliseconds of CPU per parse, per model and text.

    The models take turns within each round, so a busy machine slows them alike.
    """
    samples: Dict[str, Dict[str, List[float]]] = {m: defaultdict(list) for m in parses}
    for parse in parses.values():
        for text in TIMED_TEXTS.values():
            parse(text)
    for _ in range(rounds):
        for model, parse in parses.items():
            for name, text in TIMED_TEXTS.items():
                start = time.process_time()
                parse(text)
                samples[model][name].append((time.process_time() - start) * 1000)
    return {
        m: {name: round(statistics.median(v), 2) for name, v in by_text.items()}
        for m, by_text in samples.items()
    }


def main() -> None:
    """Print, per model, the long-message and standard held-out figures and parse timings.

    Usage: ``python -m tests.nlu.test_long_messages [MODEL ...] [--misses]``; without
    a model, the current one (trained if missing). Give the model from before a
    change and the one after it to compare them side by side.
    """
    import json

    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    from partnerdesk.tools.model_build import ensure_model
    from partnerdesk.tools.nlu_eval import evaluate, load_cases

    configure_structlog(logging.WARNING)
    models = [Path(a) for a in sys.argv[1:] if not a.startswith("--")] or [ensure_model()]
    loop = asyncio.new_event_loop()
    parses: Dict[str, Parse] = {}
    for model in models:
        agent = Agent.load(str(model))
        parses[model.name] = lambda text, agent=agent: loop.run_until_complete(
            agent.parse_message(text)
        )
    for name, parse in parses.items():
        long_report = long_message_report(parse)
        standard = evaluate(parse, load_cases(LONG_MESSAGES.parent))
        print(
            json.dumps(
                {
                    "model": name,
                    "long_messages": {k: v for k, v in long_report.items() if k != "misses"},
                    "standard_heldout": {k: v for k, v in standard.items() if k != "misses"},
                },
                ensure_ascii=False,
            )
        )
        if "--misses" in sys.argv:
            print(
                json.dumps(
                    {
                        "long_messages": long_report["misses"],
                        "standard_heldout": standard["misses"],
                    },
                    ensure_ascii=False,
                )
            )
    print(json.dumps({"parse_cpu_ms_median": _timings(parses)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
