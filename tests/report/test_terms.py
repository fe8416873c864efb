"""The terms of a question in both languages (Kiwi's morphemes, the glossary)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.report import terms as module
from partnerdesk.report.terms import COMMON_TERMS, canonical, stem, terms


def test_korean_rewordings_share_their_stems_and_nouns():
    moved, move_me, to_move = terms(
        ["액션팩을 다른 테넌트로 옮길 수 있나요?", "테넌트 옮겨주세요", "다른 테넌트로 옮기기"]
    )
    assert "transfer" in moved and "transfer" in move_me and "transfer" in to_move
    assert "tenant" in moved and "tenant" in move_me
    assert (
        terms(["세금계산서 발행"])[0]
        == terms(["세금 계산서 발행해 주세요"])[0]
        == [
            "tax",
            "invoice",
            "issue",
        ]
    )


def test_names_and_synonyms_meet_across_languages():
    english, korean = terms(["how much is the Microsoft Action Pack?", "액션팩 가격 얼마예요?"])
    assert english == ["price"] and set(korean) == {"price"}
    assert canonical("Partner Center 로그인") == "partnercenter login"
    assert canonical("파트너센터에서") == "partnercenter에서"


def test_a_korean_synonym_matches_whole_morphemes_only():
    # 얼마 (how much) is a price; 얼마동안 (how long) is not
    assert "price" not in terms(["라이선스는 얼마동안 쓸 수 있나요"])[0]


def test_a_question_of_common_words_only_keeps_them():
    assert terms(["액션팩 역량"])[0] == ["actionpack", "역량"]
    assert terms(["???"])[0] == ["???"]


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [("credits", "credit"), ("licenses", "license"), ("failing", "fail"), ("access", "access"),
     ("is", "is"), ("activated", "activat"), ("policies", "policy")],
)  # fmt: skip
def test_stem(word, stemmed):
    assert stem(word) == stemmed


def test_the_common_terms_are_those_of_the_training_data():
    """Each listed term is still common, and no clearly common term is missing (terms.py)."""
    by_intent = defaultdict(list)
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(Path(path).read_text(encoding="utf-8"))["nlu"]:
            if block.get("intent"):
                lines = block.get("examples", "").splitlines()
                by_intent[block["intent"]] += [ln.strip()[2:] for ln in lines if ln.strip()]
    assert len(by_intent) >= 36
    seen = defaultdict(set)
    saved = module.COMMON_TERMS
    module.COMMON_TERMS = frozenset()
    try:
        for intent, lines in by_intent.items():
            for found in terms(lines):
                for term in found:
                    seen[term].add(intent)
    finally:
        module.COMMON_TERMS = saved
    CLEARLY = module.CLEARLY_COMMON
    rare = {term for term in COMMON_TERMS if len(seen[term]) < module.COMMON_TERM_MIN_INTENTS}
    clearly = {t for t, intents in seen.items() if len(intents) >= CLEARLY * len(by_intent)}
    assert rare == set()
    assert clearly - COMMON_TERMS == set()


def test_kiwi_is_released_when_idle():
    terms(["액션팩"])
    assert module.analyser._kiwi is not None
    module.analyser.release()
    assert module.analyser._kiwi is None
    assert terms(["액션팩 가격"])[0] == ["price"]  # loaded again on use


def test_remembered_terms_are_the_analysers_and_the_memory_is_bounded(monkeypatch):
    texts = ["액션팩 결제가 실패했어요", "Can I move my Action Pack?", "액션팩 결제가 실패했어요"]
    module._cache.clear()
    first = terms(texts)
    assert first[0] == first[2] and "payment" in first[0] and "transfer" in first[1]
    first[0].append("changed by a caller")  # callers get copies
    calls = []
    monkeypatch.setattr(module.analyser, "tokenize", lambda new: calls.append(new) or [])
    assert terms(texts[:2]) == [first[2], first[1]] and calls == []
    monkeypatch.undo()  # the analyser again
    monkeypatch.setattr(module, "CACHED_TEXTS", 1)
    terms(["다른 테넌트로 옮기기"])
    assert list(module._cache) == [canonical("다른 테넌트로 옮기기")]
