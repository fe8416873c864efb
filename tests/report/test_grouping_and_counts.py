"""Pure parts of the content-gap report: turns, gaps, groups, counts, ratings, output."""

import csv

from partnerdesk.report.gaps import (
    FaqRating,
    GapMessage,
    count_by_language,
    faq_ratings,
    gap_messages,
    gap_reason,
    user_turns,
)
from partnerdesk.report.grouping import group_near_duplicates, normalise
from partnerdesk.report.render import render_table, write_gaps_csv, write_ratings_csv
from partnerdesk.report.summary import build_report


def user(text, intent, confidence=None, entities=None, timestamp=1.0):
    parse_data = {
        "intent": {"name": intent},
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
    }
    if confidence is not None:
        parse_data["response_selector"] = {
            "faq": {
                "response": {"confidence": confidence},
                "ranking": [
                    {"intent_response_key": "faq/renew_competency", "confidence": confidence}
                ],
            }
        }
    return {"event": "user", "text": text, "timestamp": timestamp, "parse_data": parse_data}


def action(name):
    return {"event": "action", "name": name}


def bot(utter):
    return {"event": "bot", "text": "…", "metadata": {"utter_action": utter}}


def slot_language(value):
    return {"event": "slot", "name": "language", "value": value}


def conversation(sender, *events):
    return [(sender, event) for event in events]


EVENTS = [
    *conversation(
        "a",
        user("how much does the action pack cost?", "out_of_scope", 0.2, {"language": "en"}),
        slot_language("en"),
        action("utter_out_of_scope"),
        bot("utter_out_of_scope"),
        user("when can we renew the action pack?", "faq", 0.9, {"language": "en"}),
        action("utter_faq"),
        bot("utter_faq/renew_action_pack"),
        user(
            '/feedback{"helpful": "yes", "feedback_faq": "renew_action_pack"}',
            "feedback",
            None,
            {"helpful": "yes", "feedback_faq": "renew_action_pack"},
        ),
        action("utter_feedback_thanks"),
        user("hi", "greet", 0.1, {"language": "en"}),
        action("utter_greet"),
    ),
    *conversation(
        "b",
        user("액션팩 가격이 얼마인가요?", "nlu_fallback", 0.3, {"language": "ko"}),
        slot_language("ko"),
        action("action_faq_fallback"),
        bot("utter_cannot_answer"),
        # no language entity: the conversation's language (the slot) holds
        user("kim.lee@contoso.com 💌", "nlu_fallback", 0.1),
        action("action_faq_fallback"),
        user("액션팩 가격이 얼마예요?", "faq", 0.4, {"language": "ko"}),
        action("utter_faq"),
        bot("utter_faq/renew_action_pack"),
        user(
            '/feedback{"helpful": "no", "feedback_faq": "renew_action_pack"}',
            "feedback",
            None,
            {"helpful": "no", "feedback_faq": "renew_action_pack"},
        ),
        user("답변이 별로예요", "feedback", 0.1, {"language": "ko"}),
        user("", "nlu_fallback"),
        action("action_faq_fallback"),
    ),
]


def test_turns_carry_their_replies_and_language():
    turns = user_turns(EVENTS)
    assert [t.text for t in turns][:2] == [
        "how much does the action pack cost?",
        "when can we renew the action pack?",
    ]
    assert turns[0].replies == ["utter_out_of_scope", "utter_out_of_scope"]
    assert turns[1].answered_faq == "renew_action_pack"
    assert [t.language for t in turns if t.sender_id == "b"] == ["ko"] * 6


def test_gap_reasons():
    reasons = [gap_reason(t) for t in user_turns(EVENTS)]
    assert reasons == [
        "fallback",
        None,
        None,
        None,  # out of scope; answered; button; greeting
        "fallback",
        "fallback",
        "low confidence",
        None,
        None,
        None,  # …; payload; words; empty
    ]


def test_the_fallback_reply_alone_marks_a_gap():
    [turn] = user_turns(conversation("c", user("xyz", "greet"), action("action_faq_fallback")))
    assert gap_reason(turn) == "fallback"


def test_gap_messages_are_masked_and_counted_by_language():
    gaps = gap_messages(user_turns(EVENTS))
    assert [g.text for g in gaps] == [
        "how much does the action pack cost?",
        "액션팩 가격이 얼마인가요?",
        "[email] 💌",
        "액션팩 가격이 얼마예요?",
    ]
    assert count_by_language(gaps) == {"ko": 3, "en": 1}
    assert [g.text for g in gap_messages(user_turns(EVENTS), threshold=0.3)][-1] == "[email] 💌"


def test_ratings_count_button_clicks_per_faq():
    [rating] = faq_ratings(user_turns(EVENTS))
    assert rating == FaqRating("renew_action_pack", answers=2, helpful=1, not_helpful=1)
    assert rating.helpful_rate == 0.5


def test_ratings_put_the_least_helpful_first_and_unrated_last():
    turns = user_turns(
        conversation(
            "d",
            user("q", "faq"),
            bot("utter_faq/a"),
            user("/feedback", "feedback", None, {"helpful": "yes", "feedback_faq": "a"}),
            user("q", "faq"),
            bot("utter_faq/b"),
            user("/feedback", "feedback", None, {"helpful": "no", "feedback_faq": "b"}),
            user("q", "faq"),
            bot("utter_faq/c"),
            user("/feedback", "feedback", None, {"helpful": "maybe", "feedback_faq": "c"}),
        )
    )
    assert [(r.faq_id, r.helpful_rate) for r in faq_ratings(turns)] == [
        ("b", 0.0),
        ("a", 1.0),
        ("c", None),
    ]


def gap(text, language="en", reason="fallback", timestamp=1.0):
    return GapMessage(text, language, reason, timestamp)


def test_rewordings_group_across_both_languages_and_others_stay_apart():
    texts = [
        ("how much does the action pack cost?", "en"),
        ("액션팩 가격이 얼마인가요?", "ko"),
        ("How much does the Action Pack cost", "en"),
        ("what's the weather in seoul today?", "en"),
        ("액션팩 가격은 얼마인가요", "ko"),
        ("how much does the action pack cost in korea?", "en"),
        ("오늘 서울 날씨 어때요?", "ko"),
        ("please send the invoice to [email]", "en"),
        ("send the invoice to [email] please", "en"),
        ("can I get a discount on azure?", "en"),
    ]
    groups = group_near_duplicates([gap(t, lang, timestamp=i) for i, (t, lang) in enumerate(texts)])
    assert [(g.count, g.text) for g in groups] == [
        (5, "how much does the action pack cost?"),  # "가격", "얼마": price; "액션팩": MAP
        (2, "please send the invoice to [email]"),
        (1, "can I get a discount on azure?"),  # same size: the most recent first
        (1, "오늘 서울 날씨 어때요?"),
        (1, "what's the weather in seoul today?"),  # no word in common with the Korean one
    ]
    assert groups[0].variants == [
        "액션팩 가격이 얼마인가요?",
        "How much does the Action Pack cost",
        "액션팩 가격은 얼마인가요",
        "how much does the action pack cost in korea?",
    ]
    assert groups[0].languages == {"en": 3, "ko": 2}


def test_a_group_shows_its_most_frequent_wording():
    (group,) = group_near_duplicates([gap("renew MAP?"), gap("renew MAP"), gap("renew MAP")])
    assert (group.text, group.variants, group.count) == ("renew MAP", ["renew MAP?"], 3)


def test_no_messages_no_groups():
    assert group_near_duplicates([]) == []


def test_normalise_keeps_placeholders_and_korean():
    assert normalise("  Send it to [email]!!  지금요? ") == "send it to [email] 지금요"


def test_table_and_csv(tmp_path):
    report = build_report(EVENTS)
    table = render_table(report)
    assert "4 of 7 questions fell back or were answered with low confidence, in 2 groups" in table
    assert "By language: ko 3, en 1" in table
    assert "kim.lee" not in table and "[email] 💌" in table
    assert "renew_action_pack        2   1   1      50%" in table

    write_gaps_csv(report, tmp_path / "gaps.csv")
    rows = list(csv.DictReader((tmp_path / "gaps.csv").open(encoding="utf-8")))
    first = rows[0]
    # the English and the Korean price questions are one group now
    assert [first[k] for k in ("count", "en", "ko", "fallback", "low_confidence")] == [
        "3",
        "1",
        "2",
        "2",
        "1",
    ]
    assert rows[0]["question"] == "how much does the action pack cost?"
    assert rows[0]["other_wordings"] == "액션팩 가격이 얼마인가요? | 액션팩 가격이 얼마예요?"
    write_ratings_csv(report, tmp_path / "ratings.csv")
    assert (tmp_path / "ratings.csv").read_text(encoding="utf-8").splitlines() == [
        "faq_id,answers,helpful,not_helpful,helpful_rate",
        "renew_action_pack,2,1,1,0.500",
    ]
