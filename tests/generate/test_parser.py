import datetime

import pytest

from partnerdesk.generate.parser import ParseError, parse_page


def _pair(ttu_id: str, korean: str, english: str) -> str:
    """One sentence as the localised docs write it: Korean span, then the English lookup span."""
    return (
        f'<span data-ttu-id="{ttu_id}">{korean}</span>'
        f'<span class="sxs-lookup"><span data-stu-id="{ttu_id}">{english}</span></span>'
    )


QUESTION = _pair("x-4", "**질문** **인가요?**", "**Is it** **a question?**")
MINI_PAGE = f"""---
title: 테스트
ms.date: 01/02/2021
---
# <a name="t"></a>{_pair("x-1", "제목", "Title")}

## <a name="one"></a>{_pair("x-2", "하나", "One")}

{_pair("x-3", "**Q.**", "**Q.**")} {QUESTION}

{_pair("x-5", "A.", "A.")}
 {_pair("x-6", "첫째.", "First.")}
-   {_pair("x-7", "항목 1", "Item 1")}

-   {_pair("x-8", "항목 2", "Item 2")}

 {_pair("x-9", "[링크](a.md) 참조.", "See [link](a.md)")}

## <a name="next"></a>{_pair("x-10", "다음", "Next")}

{_pair("x-11", "끝.", "The end.")}
"""


def test_every_catalogue_question_is_found_with_its_english_text(page, catalog):
    by_ttu_id = {faq.ttu_id: faq for faq in page.faqs}
    assert len(catalog) == 20
    for row in catalog:
        assert row.ttu_id in by_ttu_id, row.faq_id
        assert by_ttu_id[row.ttu_id].question.en == row.question


def test_page_metadata(page):
    assert page.title.en == "Microsoft Partner Network benefits FAQ"
    assert page.title.ko == "Microsoft 파트너 네트워크 혜택 FAQ"
    assert page.date == datetime.date(2020, 12, 10)
    assert {faq.section.anchor for faq in page.faqs} == {
        "membership",
        "product-licenses",
        "competency-extension-to-offset-effects-of-covid-19",
    }


def test_answers_have_no_marker_and_keep_their_structure(page):
    for faq in page.faqs:
        for text in (faq.answer.en, faq.answer.ko):
            assert text and not text.startswith(("A:", "A.")), faq.ttu_id
            assert "**" not in faq.question.en
    merge = next(faq for faq in page.faqs if faq.ttu_id == "7c473-195")
    assert "\n- Microsoft Action Pack: The partner company" in merge.answer.en
    assert "\n- Competency: The partner company" in merge.answer.en
    assert merge.answer.en.endswith("company's needs.")


def test_raw_korean_still_has_the_machine_translation_glitches(page):
    """The corrections tests are only meaningful if the raw text has the glitches."""
    raw_korean = " ".join(faq.question.ko + faq.answer.ko for faq in page.faqs)
    for glitch in ("대답.", "대 한", "2021 9 월", "테 넌 트", "attainment"):
        assert glitch in raw_korean


def test_mini_page_blocks_bold_pieces_and_bullets():
    parsed = parse_page(MINI_PAGE)
    assert parsed.title.en == "Title"
    assert parsed.date == datetime.date(2021, 1, 2)
    [faq] = parsed.faqs
    assert faq.ttu_id == "x-4"
    assert faq.section.anchor == "one"
    assert faq.question.en == "Is it a question?"
    assert faq.question.ko == "질문 인가요?"
    assert faq.answer.en == "First.\n\n- Item 1\n- Item 2\n\nSee [link](a.md)"
    assert faq.answer.ko == "첫째.\n\n- 항목 1\n- 항목 2\n\n[링크](a.md) 참조."


def test_a_broken_span_pair_is_reported(source_text):
    broken = source_text.replace('data-stu-id="7c473-150"', 'data-stu-id="7c473-999"', 1)
    with pytest.raises(ParseError, match="7c473-150"):
        parse_page(broken)


def test_a_page_without_front_matter_is_refused():
    with pytest.raises(ParseError):
        parse_page(MINI_PAGE.split("---\n", 2)[2])
