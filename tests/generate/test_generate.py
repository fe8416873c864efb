import datetime
import re

import pytest

from partnerdesk.generate.__main__ import main
from partnerdesk.generate.generate import (
    absolute_url,
    render_outputs,
    stale_files,
    write_outputs,
)

MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
KOREAN_GLITCHES = re.compile(
    r"^대답\.|MPN \(\)|\d{4}\s+(년|\d)|\d\s+월|대 한|하 고|되 면|테 넌 트|attainment"
)
LOCALE = {"en": "/en-us/", "ko": "/ko-kr/"}
EN_CITATION = "Source: Partner Center docs, MPN benefits FAQ (10 Dec 2020) › "
KO_CITATION = "출처: 파트너 센터 문서, MPN 혜택 FAQ (2020년 12월 10일) › "
EN_FEEDBACK = "Was this helpful?"
KO_FEEDBACK = "도움이 되었나요?"
KO_CONDITION = [{"type": "slot", "name": "language", "value": "ko"}]


def test_entries_follow_the_catalogue(built_knowledge, catalog):
    assert [(f.id, f.ttu_id, f.question.en) for f in built_knowledge.faqs] == [
        (row.faq_id, row.ttu_id, row.question) for row in catalog
    ]


def test_both_languages_are_filled_in(built_knowledge):
    for faq in built_knowledge.faqs:
        for text in (faq.question, faq.answer, faq.section.name, faq.title, faq.url):
            assert text.en.strip() and text.ko.strip(), faq.id
        assert not faq.answer.en.startswith(("A:", "A.")), faq.id


def test_korean_is_corrected(built_knowledge):
    for faq in built_knowledge.faqs:
        for text in (faq.question.ko, faq.answer.ko, faq.section.name.ko, faq.title.ko):
            assert not KOREAN_GLITCHES.search(text), (faq.id, text)


def test_links_are_absolute_and_localised(built_knowledge):
    for faq in built_knowledge.faqs:
        for lang in ("en", "ko"):
            urls = [url for _, url in MARKDOWN_LINK.findall(faq.answer.get(lang))]
            urls += [link.url.get(lang) for link in faq.links]
            for url in urls:
                assert url.startswith(("https://", "http://")), (faq.id, url)
                assert not url.endswith(".md"), (faq.id, url)
                if "learn.microsoft.com" in url:
                    assert LOCALE[lang] in url, (faq.id, lang, url)
        for link in faq.links:
            assert link.text.en and link.text.ko


def test_relative_links_become_localised_docs_links():
    page = "https://learn.microsoft.com/ko-kr/partner-center/mpn-benefits-faq"
    assert absolute_url("renew-mpn-offers.md", page) == (
        "https://learn.microsoft.com/ko-kr/partner-center/renew-mpn-offers"
    )
    merge = absolute_url("merge-accounts.md#how", page)
    assert merge == "https://learn.microsoft.com/ko-kr/partner-center/merge-accounts#how"
    assert absolute_url("https://aka.ms/x", page) == "https://aka.ms/x"


def test_spot_checked_answers(built_knowledge):
    token = built_knowledge.by_id("replacement_token")
    assert "30 days" in token.answer.en and "30일" in token.answer.ko
    merge = built_knowledge.by_id("merge_benefits")
    for answer in (merge.answer.en, merge.answer.ko):
        assert len(re.findall(r"^- ", answer, re.MULTILINE)) == 2
    renew = built_knowledge.by_id("renew_competency")
    assert "September 1, 2020" in renew.answer.en and "September 2, 2021" in renew.answer.en
    assert "2020년 9월 1일" in renew.answer.ko and "2021년 9월 2일" in renew.answer.ko
    assert "September 2, 2021. You will" in built_knowledge.by_id("renew_action_pack").answer.en
    assert [link.url.en for link in renew.links] == [
        "https://learn.microsoft.com/en-us/partner-center/renew-mpn-offers"
    ]


def test_source_and_section_addresses(built_knowledge):
    source = built_knowledge.source
    assert source.id == "partner-center/mpn-benefits-faq"
    assert source.date == datetime.date(2020, 12, 10)
    assert source.url.en == "https://learn.microsoft.com/en-us/partner-center/mpn-benefits-faq"
    assert source.url.ko == "https://learn.microsoft.com/ko-kr/partner-center/mpn-benefits-faq"
    assert source.citation.en == "Partner Center docs, MPN benefits FAQ (10 Dec 2020)"
    assert source.citation.ko == "파트너 센터 문서, MPN 혜택 FAQ (2020년 12월 10일)"
    for faq in built_knowledge.faqs:
        assert faq.url.en == f"{source.url.en}#{faq.section.anchor}"
        assert faq.url.ko == f"{source.url.ko}#{faq.section.anchor}"


def test_responses_hold_korean_then_english_with_citations(responses, built_knowledge):
    assert list(responses) == [f"utter_faq/{faq.id}" for faq in built_knowledge.faqs]
    for faq in built_knowledge.faqs:
        korean, english, _, _ = responses[f"utter_faq/{faq.id}"]
        assert korean["condition"] == KO_CONDITION and "condition" not in english
        # one message per answer: channels split texts at blank lines
        assert "\n\n" not in korean["text"] and "\n\n" not in english["text"]
        assert korean["text"].startswith(faq.answer.ko.replace("\n\n", "\n") + "\n")
        assert english["text"].startswith(faq.answer.en.replace("\n\n", "\n") + "\n")
        assert korean["text"].endswith(
            f"{KO_CITATION}{faq.section.name.ko} — {faq.url.ko}\n{KO_FEEDBACK}"
        )
        assert english["text"].endswith(
            f"{EN_CITATION}{faq.section.name.en} — {faq.url.en}\n{EN_FEEDBACK}"
        )


def test_assistant_drafts_are_the_answer_and_citation_without_feedback(responses, built_knowledge):
    for faq in built_knowledge.faqs:
        korean, english, assist_korean, assist_english = responses[f"utter_faq/{faq.id}"]
        assert assist_korean == {
            "channel": "assist",
            "condition": KO_CONDITION,
            "text": korean["text"].removesuffix(f"\n{KO_FEEDBACK}"),
        }
        assert assist_english == {
            "channel": "assist",
            "text": english["text"].removesuffix(f"\n{EN_FEEDBACK}"),
        }


def test_every_chat_answer_carries_its_feedback_buttons(responses, built_knowledge):
    for faq in built_knowledge.faqs:
        for variation in responses[f"utter_faq/{faq.id}"][:2]:
            assert [(b["title"], b["payload"]) for b in variation["buttons"]] == [
                ("👍", f'/feedback{{{{"helpful": "yes", "feedback_faq": "{faq.id}"}}}}'),
                ("👎", f'/feedback{{{{"helpful": "no", "feedback_faq": "{faq.id}"}}}}'),
            ]


def test_generated_files_are_up_to_date(project_paths):
    assert stale_files(render_outputs(project_paths)) == []
    assert main(["--check"]) == 0


def test_generation_is_deterministic(project_paths):
    assert render_outputs(project_paths) == render_outputs(project_paths)


def test_staleness_check_catches_edits_and_missing_files(tmp_paths):
    outputs = render_outputs(tmp_paths)
    every_file = [tmp_paths.knowledge, tmp_paths.responses, tmp_paths.form_rules]
    assert stale_files(outputs) == every_file
    assert write_outputs(outputs) == every_file
    assert stale_files(outputs) == [] and write_outputs(outputs) == []
    edited = outputs[tmp_paths.knowledge].replace("30일", "31일")
    tmp_paths.knowledge.write_text(edited, encoding="utf-8")
    tmp_paths.responses.unlink()
    assert stale_files(render_outputs(tmp_paths)) == [tmp_paths.knowledge, tmp_paths.responses]


def test_generated_files_say_how_they_are_made(project_paths):
    for path in (project_paths.knowledge, project_paths.responses):
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("# GENERATED by `python -m partnerdesk.generate`")
    assert (
        project_paths.responses.read_text(encoding="utf-8").count("text: |-") == 80
    )  # 20 FAQs × (chat + assistant) × 2 languages


@pytest.mark.parametrize("option", ["--source", "--catalog"])
def test_cli_reports_a_missing_input(option, tmp_path, capsys):
    assert main(["--check", option, str(tmp_path / "missing")]) == 2
    assert "error:" in capsys.readouterr().err
