"""Conversations of every outcome, played over REST against a real Rasa server, in both languages.

What PartnerDesk itself says comes from the running servers (REST turns, the action server,
Rasa's session expiry). The handoff events (the ``handoff_reason`` slot, the pause, an
agent's reply) are what the handoff work stores; they are appended through Rasa's HTTP API
(``POST /conversations/<id>/tracker/events``), as contracts.md's "Stored facts" describe.

Times are moved only by rewriting a conversation's stored timestamps before the insights
read it (the idle edge, a session left for two hours): Rasa itself then sees the gap.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import requests

IDLE_EDGE_S = 30 * 60
TWO_HOURS_S = 2 * 3600
ZERO = {"resolved": 0, "unanswered": 0, "abandoned": 0, "escalated": 0, "chit_chat": 0}


def counts(**given: int) -> Dict[str, int]:
    """Counts per outcome, zeros for the rest."""
    return {**ZERO, **given}


# idle_minutes=30, with the idle edge set up as below: the English form question is 30 min
# 5 s old (abandoned), the Korean "did you mean" 29 min old (not yet: chit-chat so far).
EXPECTED = counts(resolved=4, unanswered=2, abandoned=1, escalated=2, chit_chat=4)
EXPECTED_AT_ONCE = counts(resolved=4, unanswered=2, abandoned=2, escalated=2, chit_chat=3)
EXPECTED_BY_LANGUAGE = {
    "en": counts(resolved=3, unanswered=1, abandoned=1, escalated=1, chit_chat=2),
    "ko": counts(resolved=1, unanswered=1, escalated=1, chit_chat=2),
}
EXPECTED_BY_FAQ = [
    {"faq_id": "share_vs_subscriptions", "answers": 1, "helpful": 0, "not_helpful": 1},
    {"faq_id": "renew_action_pack", "answers": 2, "helpful": 1, "not_helpful": 0},
]
FIRST_REPLY_S = 120.0


@dataclass
class Played:
    """What was played: the empty store's answer, the chit-chat-only window, the senders."""

    rasa_url: str
    database: Path
    before: dict = field(default_factory=dict)
    chit_chat_window: tuple = ()
    senders: Dict[str, str] = field(default_factory=dict)


def say(base: str, sender: str, text: str) -> List[dict]:
    """One REST turn; the bot's messages."""
    reply = requests.post(
        f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def append_events(base: str, sender: str, events: List[dict]) -> None:
    """Append events to a conversation through Rasa's HTTP API."""
    reply = requests.post(f"{base}/conversations/{sender}/tracker/events", json=events, timeout=30)
    assert reply.status_code == 200, reply.text


def last_pause_at(base: str, sender: str) -> float:
    """When the conversation was last paused (its handoff started), from Rasa's HTTP API."""
    reply = requests.get(f"{base}/conversations/{sender}/tracker", timeout=30)
    pauses = [e["timestamp"] for e in reply.json()["events"] if e["event"] == "pause"]
    assert pauses, f"{sender} was not handed off"
    return float(pauses[-1])


def shift(database: Path, sender: str, seconds: float) -> None:
    """Move a conversation's stored events ``seconds`` into the past (column and JSON)."""
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE events SET timestamp = timestamp - :s, data = json_set(data, '$.timestamp', "
            "json_extract(data, '$.timestamp') - :s) WHERE sender_id = :id",
            {"s": seconds, "id": sender},
        )


def last_bot_at(database: Path, sender: str) -> float:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT max(timestamp) FROM events WHERE sender_id = ? AND type_name = 'bot'",
            (sender,),
        ).fetchone()[0]


def play(base: str, database: Path, insights) -> Played:
    """Play every conversation; ``insights()`` is called once before, on the empty store."""
    played = Played(base, database)
    played.before = insights()
    new = {name: f"insights-{name}-{uuid.uuid4().hex[:8]}" for name in (
        "chat_en", "chat_ko", "faq_en", "faq_ko", "rule_en", "oos_en", "oos_ko", "form_en",
        "did_you_mean_ko", "handoff_en", "handoff_ko", "split")}  # fmt: skip
    played.senders = new
    start = time.time()
    assert "PartnerDesk" in say(base, new["chat_en"], "hi")[0]["text"]
    assert "안녕하세요" in say(base, new["chat_ko"], "안녕하세요")[0]["text"]
    played.chit_chat_window = (start - 1, time.time() + 0.5)
    time.sleep(1)

    [answer] = say(base, new["faq_en"], "when can we renew our action pack?")
    say(base, new["faq_en"], answer["buttons"][0]["payload"])  # 👍
    [answer] = say(base, new["faq_ko"], "VS 구독 팀원끼리 같이 써도 되나요?")
    say(base, new["faq_ko"], answer["buttons"][1]["payload"])  # 👎
    rule = say(base, new["rule_en"], "we bought the Action Pack on 1 Sept 2020, when can we renew?")
    assert "renewal window" in rule[0]["text"]
    assert (
        "outside the MPN benefits FAQ"
        in say(base, new["oos_en"], "how much does the action pack cost?")[0]["text"]
    )
    assert "죄송합니다" in say(base, new["oos_ko"], "오늘 서울 날씨 어때요?")[0]["text"]
    asked = " ".join(
        m.get("text", "") for m in say(base, new["form_en"], "when does our renewal window open?")
    )
    assert "When did you buy it?" in asked, asked
    choice = say(base, new["did_you_mean_ko"], "토큰")
    assert "다음 중 어떤 질문인가요" in choice[0]["text"] and choice[0]["buttons"]

    # Both requests start a real handoff (action_handoff: the reason slot, then the pause).
    say(base, new["handoff_en"], "talk to a person")
    paused_at = last_pause_at(base, new["handoff_en"])
    append_events(base, new["handoff_en"], [
        {"event": "bot", "text": "Hi, Mina here.", "metadata": {"agent": "Mina"},
         "timestamp": paused_at + FIRST_REPLY_S},
    ])  # fmt: skip
    say(base, new["handoff_ko"], "상담원 연결해 주세요")
    assert last_pause_at(base, new["handoff_ko"]) > 0

    # The idle edge: the English form question 30 min 5 s ago, the Korean choice 29 min ago.
    shift(
        database,
        new["form_en"],
        IDLE_EDGE_S + 5 - (time.time() - last_bot_at(database, new["form_en"])),
    )
    shift(database, new["did_you_mean_ko"], IDLE_EDGE_S - 60)

    # Rasa's session expiry (60 minutes): a greeting two hours ago, then a question now.
    say(base, new["split"], "hi")
    shift(database, new["split"], TWO_HOURS_S)
    [answer] = say(base, new["split"], "when can we renew our action pack?")
    assert "renew your Microsoft Action Pack" in answer["text"]
    return played
