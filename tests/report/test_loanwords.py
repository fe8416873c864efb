"""English loanwords in Hangul meet their English spelling by their consonant skeleton."""

from __future__ import annotations

import pytest

from partnerdesk.report.loanwords import looks_borrowed, merge_loanwords, skeleton


@pytest.mark.parametrize(
    "hangul, english",
    [("크레딧", "credit"), ("라이선스", "license"), ("라이센스", "licence"), ("로그인", "login"),
     ("트레이닝", "training"), ("다이나믹스", "dynamics"), ("테넌트", "tenant"),
     ("솔루션", "solution"), ("바우처", "voucher")],
)  # fmt: skip
def test_a_loanword_and_its_english_spelling_share_a_skeleton(hangul, english):
    assert skeleton(hangul) == skeleton(english) != ""


def test_two_syllable_words_without_an_inserted_vowel_are_not_taken_for_loanwords():
    assert not looks_borrowed("연간") and not looks_borrowed("결제")
    assert looks_borrowed("카드") and looks_borrowed("크레딧")


def test_hangul_spellings_take_the_english_term_or_one_another():
    found = [["크레딧", "활성화"], ["credit", "activate"], ["라이센스"], ["라이선스", "라이선스"]]
    assert merge_loanwords(found) == [
        ["credit", "활성화"],
        ["credit", "activate"],
        ["라이선스"],
        ["라이선스", "라이선스"],
    ]


def test_an_english_stem_meets_a_hangul_spelling_with_its_ending():
    assert merge_loanwords([["train"], ["트레이닝"]]) == [["train"], ["train"]]


def test_a_sino_korean_word_is_left_alone():
    assert merge_loanwords([["연간"], ["engineer"]]) == [["연간"], ["engineer"]]
