"""The insights of a period from conversations' facts: counts, rates, splits, days."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from partnerdesk.core.insight_period import parse_period
from partnerdesk.core.insights import CONVERSATION_FIELDS, conversation_row, summarise, tally
from partnerdesk.core.session_fold import sender_sessions
from tests.insights.events import Conversation

SEOUL = ZoneInfo("Asia/Seoul")
AUG_2 = datetime(2021, 8, 2, 10, 0, tzinfo=SEOUL).timestamp()
DAY = 86_400.0


def period():
    return parse_period("2021-08-01", "2021-08-04", datetime(2021, 8, 20, tzinfo=SEOUL), SEOUL)


def conversations():
    """Six conversations over three days, one of each outcome, one outside the period."""
    resolved = (
        Conversation(AUG_2)
        .session_start()
        .ask_faq("when can we renew?", "renew_action_pack")
        .click("yes", "renew_action_pack")
    )
    unanswered = (
        Conversation(AUG_2 + 60, channel="socketio")
        .session_start()
        .user("얼마예요?", "out_of_scope", "ko")
        .bot("utter_out_of_scope")
    )
    abandoned = (
        Conversation(AUG_2 + DAY, channel="slack")
        .session_start()
        .user("renew?", "nlu_fallback")
        .bot("utter_did_you_mean")
    )
    escalated = Conversation(AUG_2 + DAY).session_start().handoff()
    escalated.bot(None, after=120, agent="Mina")
    chit_chat = Conversation(AUG_2 - 2 * 3600).session_start().user("hi", "greet")
    outside = Conversation(AUG_2 + 5 * DAY).session_start().ask_faq("q", "token_split")
    voted = Conversation(AUG_2 + 2).session_start().ask_faq("split?", "token_split")
    voted.click("no", "token_split")
    everything = [resolved, unanswered, abandoned, escalated, chit_chat, outside, voted]
    return [f for i, c in enumerate(everything) for f in sender_sessions(f"s{i}", c.events)]


def tallies(facts):
    return [tally(f) for f in facts]


def test_counts_rates_and_splits():
    facts = conversations()
    insights = summarise(tallies(facts), period(), now=AUG_2 + 10 * DAY, idle_minutes=30)
    assert insights["conversations"] == {
        "resolved": 2,
        "unanswered": 1,
        "abandoned": 1,
        "escalated": 1,
        "chit_chat": 1,
    }
    assert insights["deflection_rate"] == pytest.approx(2 / 5)
    assert insights["csat"] == pytest.approx(1 / 2)
    assert insights["by_language"]["ko"] == {**zero(), "unanswered": 1}
    assert insights["by_language"]["en"]["resolved"] == 2
    assert insights["by_channel"]["socketio"] == {**zero(), "unanswered": 1}
    assert insights["by_channel"]["slack"] == {**zero(), "abandoned": 1}
    assert insights["by_channel"]["rest"]["escalated"] == 1
    assert insights["handoffs"] == {
        "count": 1,
        "median_first_reply_s": pytest.approx(120, abs=0.01),
    }
    assert [d["date"] for d in insights["days"]] == ["2021-08-01", "2021-08-02", "2021-08-03"]
    assert insights["days"][0] == {"date": "2021-08-01", **zero()}
    assert insights["days"][1]["resolved"] == 2 and insights["days"][1]["chit_chat"] == 1
    assert insights["days"][2]["abandoned"] == insights["days"][2]["escalated"] == 1
    assert insights["by_faq"] == [
        {"faq_id": "token_split", "answers": 1, "helpful": 0, "not_helpful": 1},
        {"faq_id": "renew_action_pack", "answers": 1, "helpful": 1, "not_helpful": 0},
    ]
    assert insights["period"]["time_zone"] == "Asia/Seoul"


def zero():
    return {"resolved": 0, "unanswered": 0, "abandoned": 0, "escalated": 0, "chit_chat": 0}


def test_an_empty_period_has_zeros_nulls_and_every_day():
    insights = summarise([], period(), now=AUG_2, idle_minutes=30)
    assert insights["conversations"] == zero()
    assert insights["deflection_rate"] is None and insights["csat"] is None
    assert insights["handoffs"] == {"count": 0, "median_first_reply_s": None}
    assert insights["by_language"] == {"en": zero(), "ko": zero()}
    assert set(insights["by_channel"]) == {"rest", "socketio", "slack"}
    assert len(insights["days"]) == 3 and insights["by_faq"] == []


def test_chit_chat_only_has_no_deflection_rate():
    facts = [f for f in conversations() if f.sender_id == "s4"]
    insights = summarise(tallies(facts), period(), now=AUG_2, idle_minutes=30)
    assert insights["conversations"]["chit_chat"] == 1 and insights["deflection_rate"] is None


def test_a_handoff_without_reply_has_no_median():
    facts = sender_sessions("h", Conversation(AUG_2).session_start().handoff().events)
    insights = summarise(tallies(facts), period(), now=AUG_2, idle_minutes=30)
    assert insights["handoffs"] == {"count": 1, "median_first_reply_s": None}


def test_idle_minutes_changes_abandoned_only():
    facts = conversations()
    soon = summarise(tallies(facts), period(), now=AUG_2 + DAY + 60, idle_minutes=30)
    late = summarise(tallies(facts), period(), now=AUG_2 + DAY + 60, idle_minutes=0)
    assert soon["conversations"]["abandoned"] == 0 and soon["conversations"]["chit_chat"] == 2
    assert late["conversations"]["abandoned"] == 1


def test_conversation_rows():
    [row] = [
        conversation_row(f, period(), AUG_2 + DAY, 30)
        for f in conversations()
        if f.sender_id == "s0"
    ]
    assert tuple(row) == CONVERSATION_FIELDS
    assert row["started_at"].startswith("2021-08-02T10:00:01")
    assert (row["outcome"], row["faq_answers"], row["helpful"]) == (
        "resolved",
        {"renew_action_pack": 1},
        1,
    )
    assert row["first_question"] == "when can we renew?"
