import dataclasses
import re

import pytest
from pydantic import ValidationError

from partnerdesk.core.knowledge import Bilingual
from partnerdesk.generate.corrections import (
    CorrectionError,
    KoreanFix,
    correct_faq,
    fix_korean,
    tidy_english,
)

KOREAN_GLITCHES = (
    re.compile(r"^대답\."),
    re.compile(re.escape("MPN ()")),
    re.compile(r"\d{4}\s+(년|\d)|\d\s+월"),  # "2021 9 월", "2020 년 9 월"
    re.compile(r"\d\s+일"),
    re.compile("대 한|하 고|되 면|테 넌 트"),
)


def test_tidy_english_fixes_run_on_sentences_and_commas_but_not_link_targets():
    assert tidy_english("on September 2, 2021.You will") == "on September 2, 2021. You will"
    assert tidy_english("the right ,to use") == "the right, to use"
    text = "See [Doc.Title](https://aka.ms/guide.Part)"
    assert tidy_english(text) == "See [Doc. Title](https://aka.ms/guide.Part)."
    assert tidy_english("Ends well.") == "Ends well."


def test_fixes_clean_every_machine_translated_korean_text(page, reviewed):
    for faq in page.faqs:
        for field, text in (("question", faq.question.ko), ("answer", faq.answer.ko)):
            fixed = fix_korean(text, field, reviewed.korean_fixes)
            for glitch in KOREAN_GLITCHES:
                assert not glitch.search(fixed), (faq.ttu_id, field, fixed)


def test_date_and_name_fixes(reviewed):
    fixes = reviewed.korean_fixes
    assert (
        fix_korean("2020 년 9 월 1 일에 구매한 경우 2021 9 월 2 일에 시작 됩니다.", "answer", fixes)
        == "2020년 9월 1일에 구매한 경우 2021년 9월 2일에 시작됩니다."
    )
    assert fix_korean("MPN () 파트너", "answer", fixes) == "Microsoft 파트너 네트워크(MPN) 파트너"
    assert fix_korean("대답. 무엇 인가요?", "question", fixes) == "무엇인가요?"


def test_a_fix_needs_exactly_one_of_find_and_pattern():
    with pytest.raises(ValidationError):
        KoreanFix(find="a", pattern="b", replace="c")
    with pytest.raises(ValidationError):
        KoreanFix(replace="c")


def test_every_catalogue_id_has_short_titles_and_reviewed_korean(reviewed, catalog):
    assert set(reviewed.faqs) == {row.faq_id for row in catalog}
    for faq_id, review in reviewed.faqs.items():
        assert 0 < len(review.title.en) <= 45 and 0 < len(review.title.ko) <= 45, faq_id
        assert review.question and review.answer, faq_id


def test_changed_english_invalidates_the_korean_review(page, reviewed):
    raw = page.faqs[0]
    assert (
        correct_faq("renew_competency", raw, reviewed).question.ko
        == "역량은 어떤 절차로 언제 갱신하나요?"
    )
    changed_answer = Bilingual(en=raw.answer.en + " New rule.", ko=raw.answer.ko)
    edited = dataclasses.replace(raw, answer=changed_answer)
    with pytest.raises(CorrectionError, match="renew_competency"):
        correct_faq("renew_competency", edited, reviewed)
