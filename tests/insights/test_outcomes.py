"""The outcome of a conversation, exactly as contracts.md defines it (pure, no Rasa)."""

from __future__ import annotations

import pytest

from partnerdesk.core.outcomes import (
    ABANDONED,
    CHIT_CHAT,
    ESCALATED,
    RESOLVED,
    UNANSWERED,
    SessionFacts,
    outcome,
    reply_kind,
)
from partnerdesk.core.session_fold import sender_sessions, split_sessions
from tests.insights.events import Conversation

HOUR = 3600.0


def facts_of(conversation: Conversation, sender: str = "s") -> SessionFacts:
    [facts] = sender_sessions(sender, conversation.events)
    return facts


def outcome_of(conversation: Conversation, idle_minutes: int = 30, wait_s: float = 0.0) -> str:
    return outcome(facts_of(conversation), conversation.clock + wait_s, idle_minutes)


@pytest.mark.parametrize(
    ("utter_action", "kind"),
    [
        ("utter_faq/renew_action_pack", "answer"),
        ("utter_renewal_window_open", "answer"),
        ("utter_replacement_token_expired", "answer"),
        ("utter_covid_extension_extended", "answer"),
        ("utter_reactivation_support_ticket", "answer"),
        ("utter_cannot_answer", "fallback"),
        ("utter_out_of_scope", "fallback"),
        ("utter_default", "fallback"),
        ("utter_empty_message", "fallback"),
        ("utter_did_you_mean", "ask"),
        ("utter_ask_offer", "ask"),
        ("utter_ask_purchase_date", "ask"),
        ("utter_greet", None),
        ("utter_feedback_thanks", None),
        ("utter_handoff_started", None),
        (None, None),
    ],
)
def test_reply_kinds(utter_action, kind):
    assert reply_kind(utter_action) == kind


def test_an_faq_answer_resolves():
    conversation = Conversation().session_start().ask_faq("when can we renew?", "renew_action_pack")
    assert outcome_of(conversation, wait_s=HOUR) == RESOLVED


def test_a_rule_answer_after_a_form_question_resolves():
    conversation = (
        Conversation()
        .session_start()
        .user("when can we renew?", "ask_renewal_window")
        .bot("utter_ask_offer")
        .listen()
        .user("/ask_renewal_window", "ask_renewal_window")
        .bot("utter_ask_purchase_date")
        .listen()
        .user("1 Sept 2020", "inform_date")
        .bot("utter_renewal_window_not_open_yet")
        .listen()
    )
    facts = facts_of(conversation)
    assert (facts.rule_answers, facts.faq_answers, facts.questions) == (1, {}, 3)
    assert outcome_of(conversation, wait_s=10 * HOUR) == RESOLVED


def test_greetings_only_are_chit_chat():
    conversation = Conversation().session_start().user("hi", "greet").bot("utter_greet").listen()
    assert outcome_of(conversation, wait_s=HOUR) == CHIT_CHAT
    assert facts_of(conversation).questions == 0


@pytest.mark.parametrize("reply", ["utter_cannot_answer", "utter_out_of_scope", "utter_default"])
def test_a_last_question_that_fell_back_is_unanswered(reply):
    conversation = (
        Conversation()
        .session_start()
        .ask_faq("when can we renew?", "renew_action_pack")
        .user("how much does it cost?", "out_of_scope")
        .bot(reply)
        .listen()
        .user("thanks", "thank")  # not a question: the last question is still the fallback
        .bot("utter_thank")
        .listen()
    )
    assert outcome_of(conversation) == UNANSWERED


def test_an_answer_after_a_fallback_resolves():
    conversation = (
        Conversation()
        .session_start()
        .user("how much does it cost?", "nlu_fallback")
        .bot("utter_cannot_answer")
        .listen()
        .ask_faq("when do we renew the action pack?", "renew_action_pack")
    )
    assert outcome_of(conversation) == RESOLVED
    assert [q.text for q in facts_of(conversation).unanswered] == ["how much does it cost?"]


def did_you_mean() -> Conversation:
    return (
        Conversation()
        .session_start()
        .user("renew?", "nlu_fallback")
        .bot("utter_did_you_mean")
        .listen()
    )


def test_a_did_you_mean_left_unanswered_is_abandoned_at_idle_minutes_not_before():
    conversation = did_you_mean()
    asked_at = conversation.clock - 0.001  # the bot message, before the listen
    facts = facts_of(conversation)
    assert facts.pending_ask_at == pytest.approx(asked_at)
    assert outcome(facts, asked_at + 30 * 60 - 0.01, 30) == CHIT_CHAT
    assert outcome(facts, asked_at + 30 * 60, 30) == ABANDONED  # ≥ idle_minutes × 60 s
    assert outcome(facts, asked_at, 0) == ABANDONED  # 0: at once
    assert outcome(facts, asked_at + 10079 * 60, 10080) == CHIT_CHAT


def test_a_did_you_mean_is_no_fallback_and_a_click_on_it_resolves():
    conversation = did_you_mean().ask_faq("/faq/renew_action_pack", "renew_action_pack")
    facts = facts_of(conversation)
    assert facts.unanswered == [] and facts.pending_ask_at is None
    assert outcome(facts, conversation.clock + HOUR, 30) == RESOLVED


def test_a_form_question_left_unanswered_is_abandoned_even_after_an_answer():
    conversation = (
        Conversation()
        .session_start()
        .ask_faq("what is MAP?", "action_pack_contents")
        .user("when can we renew?", "ask_renewal_window")
        .bot("utter_ask_purchase_date")
        .listen()
    )
    assert outcome_of(conversation, wait_s=HOUR) == ABANDONED
    assert outcome_of(conversation, wait_s=60) == RESOLVED  # still within idle_minutes


def test_an_answered_form_question_is_not_abandoned():
    conversation = (
        Conversation()
        .session_start()
        .user("when can we renew?", "ask_renewal_window")
        .bot("utter_ask_purchase_date")
        .listen()
        .user("blah", "inform_date")  # the partner answered; the bot said nothing back
    )
    assert outcome_of(conversation, wait_s=HOUR) == CHIT_CHAT


def test_escalated_wins_over_everything_and_records_the_first_reply():
    conversation = (
        Conversation()
        .session_start()
        .user("how much?", "out_of_scope")
        .bot("utter_cannot_answer")
        .listen()
        .handoff("fallbacks")
        .user("hello?", "greet", after=20)  # stored while paused, no bot reply
    )
    pause_at = next(e["timestamp"] for e in conversation.events if e["event"] == "pause")
    conversation.bot(None, after=100, agent="Mina")
    conversation.bot(None, after=50, agent="Mina")
    conversation.resume()
    facts = facts_of(conversation)
    assert outcome(facts, conversation.clock + HOUR, 30) == ESCALATED
    [handoff] = facts.handoffs
    assert handoff.created_at == pause_at and handoff.reason == "fallbacks"
    assert handoff.first_reply_s == pytest.approx(conversation.events[-4]["timestamp"] - pause_at)


def test_a_pause_without_a_handoff_reason_is_no_handoff():
    conversation = Conversation().session_start().user("hi", "greet").bot("utter_greet").pause()
    assert outcome_of(conversation) == CHIT_CHAT


def test_a_reason_slot_without_a_pause_is_no_handoff():
    conversation = Conversation().session_start(handoff_reason="asked").user("hi", "greet")
    assert outcome_of(conversation.bot("utter_greet")) == CHIT_CHAT


def test_a_session_started_during_an_open_handoff_is_escalated_but_no_new_handoff():
    conversation = Conversation().session_start().handoff("thumbs_down")
    # an hour later the session expired; the handoff action_session_start pauses again
    conversation.session_start(after=HOUR, handoff_reason="thumbs_down").pause()
    conversation.user("any news?", "greet", after=1)
    conversation.bot(None, after=30, agent="Jae")
    first, second = sender_sessions("s", conversation.events)
    assert [outcome(f, conversation.clock, 30) for f in (first, second)] == [ESCALATED] * 2
    assert len(first.handoffs) == 1 and second.handoffs == []
    reply_at = conversation.events[-1]["timestamp"]
    assert first.handoffs[0].first_reply_s == pytest.approx(reply_at - first.handoffs[0].created_at)


def test_after_a_resume_the_next_session_is_judged_afresh():
    conversation = Conversation().session_start().handoff().resume()
    conversation.session_start(after=2 * HOUR, handoff_reason="asked")
    conversation.ask_faq("when can we renew?", "renew_action_pack")
    first, second = sender_sessions("s", conversation.events)
    assert outcome(first, conversation.clock, 30) == ESCALATED
    assert outcome(second, conversation.clock, 30) == RESOLVED


def test_sessions_are_split_at_each_session_start_and_empty_ones_dropped():
    conversation = (
        Conversation()
        .ask_faq("stored before any session start", "renew_action_pack")
        .session_start(after=HOUR)
        .session_start(after=HOUR)
        .user("hi", "greet")
        .bot("utter_greet")
    )
    assert len(split_sessions(conversation.events)) == 3
    sessions = sender_sessions("s", conversation.events)
    assert [outcome(f, conversation.clock, 30) for f in sessions] == [RESOLVED, CHIT_CHAT]
    assert sessions[0].started_at == conversation.events[0]["timestamp"]


def test_language_and_channel_are_the_first_partner_messages():
    conversation = Conversation(channel="slack").session_start(language="ko")
    conversation.user("👍", "greet", language=None)  # no letters: the slot's language
    conversation.bot("utter_greet")
    conversation.channel = "rest"
    conversation.ask_faq("when can we renew?", "renew_action_pack", language="en")
    facts = facts_of(conversation)
    assert (facts.language, facts.channel) == ("ko", "slack")


def test_feedback_clicks_count_per_faq_in_both_languages():
    conversation = (
        Conversation()
        .session_start()
        .ask_faq("액션팩 언제 갱신해요?", "renew_action_pack", language="ko")
        .click("yes", "renew_action_pack")
        .ask_faq("can we split a token?", "token_split")
        .click("no", "token_split")
        .click("no", "token_split")
    )
    facts = facts_of(conversation)
    assert facts.helpful == {"renew_action_pack": 1}
    assert facts.not_helpful == {"token_split": 2}
    assert facts.faq_answers == {"renew_action_pack": 1, "token_split": 1}
    assert facts.language == "ko" and facts.questions == 2


def test_questions_are_kept_masked_and_round_trip_through_json():
    conversation = (
        Conversation()
        .session_start()
        .user("send the invoice to kim.lee@contoso.com", "out_of_scope")
        .bot("utter_out_of_scope")
        .listen()
    )
    facts = facts_of(conversation)
    assert facts.first_question == facts.last_question == "send the invoice to [email]"
    assert [q.text for q in facts.unanswered] == ["send the invoice to [email]"]
    assert SessionFacts.from_dict(facts.to_dict()) == facts


def test_events_of_odd_shapes_do_not_break_the_fold():
    events = [
        {"event": "action", "name": "action_session_start", "timestamp": "x"},
        {"event": "user", "text": None, "parse_data": None, "timestamp": 5},
        {"event": "bot", "metadata": "not a dict", "timestamp": 6},
        {"event": "user", "text": "q", "parse_data": {"intent": "odd", "entities": ["x", {}]}},
        {"event": "slot", "name": "language", "value": 5},
        {"event": "unknown"},
    ]
    [facts] = sender_sessions("s", events)
    assert facts.partner_messages == 2 and outcome(facts, 10.0, 30) == CHIT_CHAT
