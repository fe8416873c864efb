"""NLU evaluation on the held-out files, against the budgets in the brief."""

import pytest

from partnerdesk.tools.nlu_eval import evaluate, load_cases

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(parse):
    return evaluate(parse)


def test_heldout_file_is_big_enough():
    cases = load_cases()
    per_faq = {}
    for case in cases:
        if case.kind == "faq":
            per_faq.setdefault(case.expected, {"en": 0, "ko": 0})[case.language] += 1
    assert len(per_faq) == 20
    assert all(c["en"] >= 5 and c["ko"] >= 3 for c in per_faq.values())
    assert sum(c.kind == "out_of_scope" for c in cases) >= 30


def test_faq_top1_english(report):
    assert report["faq_top1"]["en"] >= 0.97, report["misses"]


def test_faq_top1_korean(report):
    assert report["faq_top1"]["ko"] >= 0.95, report["misses"]


def test_out_of_scope_is_caught(report):
    assert report["out_of_scope_caught"] >= 0.90, report["misses"]


def test_in_scope_questions_rarely_fall_back(report):
    assert report["in_scope_fallback"] <= 0.03, report["misses"]


def test_chitchat_intents(report):
    assert report["chitchat_accuracy"] >= 0.9, report["misses"]


def test_language_of_every_heldout_line_is_detected(report):
    assert report["language_detected"] >= 0.99
