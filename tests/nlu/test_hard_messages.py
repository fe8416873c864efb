"""The hard held-out set (tests/nlu/hard_messages.yml): typos, abbreviations, long
messages, for FAQ and rule questions; top-1 >= 0.95 in each language."""

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from partnerdesk.tools.nlu_eval import ranked_answers

pytestmark = pytest.mark.slow

HARD = Path(__file__).with_name("hard_messages.yml")
ANSWERED = ("faq", "faq_multi")


def hard_message_texts():
    """Every message of the set (for the "never trained on" check)."""
    data = yaml.safe_load(HARD.read_text(encoding="utf-8"))
    return [
        t
        for kind in data.values()
        for by_lang in kind.values()
        for ts in by_lang.values()
        for t in ts
    ]


@pytest.fixture(scope="module")
def report(parse):
    data = yaml.safe_load(HARD.read_text(encoding="utf-8"))
    hits, misses = defaultdict(list), []
    for faq_id, by_lang in data["faq"].items():
        for lang, texts in by_lang.items():
            for text in texts:
                parsed = parse(text)
                hit = parsed["intent"]["name"] in ANSWERED and ranked_answers(parsed)[:1] == [
                    faq_id
                ]
                hits[lang].append(hit)
                if not hit:
                    misses.append(
                        (text, faq_id, parsed["intent"]["name"], ranked_answers(parsed)[:2])
                    )
    for intent, by_lang in data["rules"].items():
        for lang, texts in by_lang.items():
            for text in texts:
                got = parse(text)["intent"]["name"]
                hits[lang].append(got == intent)
                if got != intent:
                    misses.append((text, intent, got))
    return (
        {lang: sum(h) / len(h) for lang, h in hits.items()},
        {k: len(v) for k, v in hits.items()},
        misses,
    )


def test_the_set_is_big_enough():
    data = yaml.safe_load(HARD.read_text(encoding="utf-8"))
    assert len(data["faq"]) == 20
    for lang in ("en", "ko"):
        total = sum(len(b[lang]) for kind in data.values() for b in kind.values())
        assert total >= 40, (lang, total)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_hard_messages_top1(report, language):
    rates, counts, misses = report
    assert rates[language] >= 0.95, (rates, counts, misses)


def test_the_hard_set_is_never_trained_on():
    from tests.nlu.test_heldout_is_unseen import _normalise, _training_examples

    training = _training_examples()
    assert [t for t in hard_message_texts() if _normalise(t) in training] == []


if __name__ == "__main__":  # print the figures: python -m tests.nlu.test_hard_messages
    import asyncio
    import json
    import os

    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    from partnerdesk.tools.model_build import ensure_model

    configure_structlog(30)  # warnings only: the figures, not each parse
    agent = Agent.load(str(ensure_model()))
    rates, counts, misses = report.__wrapped__(lambda t: asyncio.run(agent.parse_message(t)))
    print(json.dumps({"top1": rates, "counts": counts, "misses": misses}, ensure_ascii=False))
