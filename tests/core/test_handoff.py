"""The handoff core: records as the API shows them, transcripts, what agents may send."""

import pytest

from partnerdesk.core.handoff import (
    MAX_AGENT_CHARS,
    MAX_REPLY_CHARS,
    Handoff,
    iso_utc,
    language_or_default,
    last_partner_message,
    reason_or_default,
    reply_problems,
    statuses_from_query,
    transcript,
)


def test_times_are_iso_utc_to_the_second():
    assert iso_utc(1629428645.9) == "2021-08-20T03:04:05Z"


def test_the_record_as_the_api_shows_it():
    record = Handoff(
        "a" * 32,
        "c1",
        "socketio",
        "ko",
        "active",
        "thumbs_down",
        1629428645.0,
        agent="Mina",
        first_reply_at=1629428700.0,
    )
    assert record.is_open
    assert record.as_api() == {
        "id": "a" * 32,
        "conversation_id": "c1",
        "channel": "socketio",
        "language": "ko",
        "status": "active",
        "reason": "thumbs_down",
        "created_at": "2021-08-20T03:04:05Z",
        "agent": "Mina",
        "first_reply_at": "2021-08-20T03:05:00Z",
        "resolved_at": None,
    }


def test_unknown_reasons_and_languages_fall_back_to_the_defaults():
    assert reason_or_default("fallbacks") == "fallbacks"
    assert reason_or_default(None) == reason_or_default("x") == "asked"
    assert language_or_default("ko") == "ko" and language_or_default(None) == "en"


EVENTS = [
    {"event": "user", "text": "/greet", "timestamp": 1.0},
    {"event": "bot", "text": "Hi!", "timestamp": 2.0},
    {
        "event": "user",
        "text": "renew when?",
        "timestamp": 3.0,
        "parse_data": {"intent": {"name": "faq"}},
    },
    {"event": "slot", "name": "language", "value": "en", "timestamp": 3.1},
    {
        "event": "user",
        "text": "a person please",
        "timestamp": 4.0,
        "parse_data": {"intent": {"name": "human_handoff"}},
    },
    {"event": "bot", "text": "A person will answer.", "timestamp": 4.1},
    {"event": "bot", "text": "Mina here.", "timestamp": 5.0, "metadata": {"agent": "Mina"}},
    {"event": "user", "text": "  ", "timestamp": 6.0},
]


def test_transcript_keeps_what_people_typed_and_said():
    lines = [line.as_api() for line in transcript(EVENTS)]
    assert lines == [
        {"from": "bot", "text": "Hi!", "at": "1970-01-01T00:00:02Z"},
        {"from": "partner", "text": "renew when?", "at": "1970-01-01T00:00:03Z"},
        {"from": "partner", "text": "a person please", "at": "1970-01-01T00:00:04Z"},
        {"from": "bot", "text": "A person will answer.", "at": "1970-01-01T00:00:04Z"},
        {"from": "agent", "text": "Mina here.", "at": "1970-01-01T00:00:05Z", "agent": "Mina"},
    ]
    assert len(transcript(EVENTS, limit=2)) == 2


def test_drafts_are_for_the_last_question_not_the_request_for_a_person():
    assert last_partner_message(transcript(EVENTS)) == "renew when?"
    only_request = [EVENTS[4]]
    assert last_partner_message(transcript(only_request)) == "a person please"
    assert last_partner_message([]) is None


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, '"text" must be a non-empty string'),
        ({"text": "  ", "agent": "Mina"}, '"text" must be a non-empty string'),
        ({"text": 5, "agent": "Mina"}, '"text" must be a non-empty string'),
        ({"text": "x" * (MAX_REPLY_CHARS + 1), "agent": "M"}, f"at most {MAX_REPLY_CHARS}"),
        ({"text": "hi"}, '"agent" must be a non-empty string'),
        ({"text": "hi", "agent": "M" * (MAX_AGENT_CHARS + 1)}, f"at most {MAX_AGENT_CHARS}"),
        ({"text": "hi", "agent": "M", "to": "x"}, "unknown field(s) to"),
    ],
)
def test_bad_replies_say_what_is_wrong(body, problem):
    text, agent, problems = reply_problems(body)
    assert text is None and agent is None
    assert any(problem in p for p in problems), problems


def test_a_good_reply_keeps_the_text_and_trims_the_name():
    assert reply_problems({"text": " hi\n", "agent": " Mina "}) == (" hi\n", "Mina", [])


def test_status_filters():
    assert statuses_from_query(None) == statuses_from_query("") == ("waiting", "active")
    assert statuses_from_query("all") == ("waiting", "active", "resolved")
    assert statuses_from_query("resolved") == ("resolved",)
    assert statuses_from_query("open") is None
