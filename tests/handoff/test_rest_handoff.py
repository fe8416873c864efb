"""A REST partner handed to a person through the agent API, against a running server."""

import sqlite3
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest

from partnerdesk.handoff.runtime import ONLINE_CACHE_S
from partnerdesk.handoff.tables import INBOX, presence
from tests.handoff.conftest import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.server]


def new_sender() -> str:
    return f"rest-{uuid.uuid4().hex[:12]}"


@contextmanager
def nobody_had_the_inbox_open(handoff_server) -> Iterator[None]:
    """For a moment, the Inbox was last open long ago (other tests on this server had it open).

    Afterwards it was open just now again, as it was for the tests that follow.
    """

    def seen(at: float) -> None:
        with sqlite3.connect(handoff_server.database) as db:
            db.execute(f"UPDATE {presence.name} SET seen_at = ? WHERE name = ?", (at, INBOX))
        time.sleep(ONLINE_CACHE_S + 0.5)  # the server's few seconds of caching

    seen(0.0)
    try:
        yield
    finally:
        seen(time.time())


def test_handoff_from_request_to_resolve_over_rest(handoff_server):
    partner = new_sender()
    handoff_server.say(partner, "When can we renew our Action Pack?")
    with nobody_had_the_inbox_open(handoff_server):
        [started] = handoff_server.say(partner, "could I get an actual human on this please")
    assert "partner support team" in started["text"]
    assert "no one is online right now" in started["text"]  # nobody had the Inbox open
    assert "https://partner.microsoft.com/support" in started["text"]

    record = handoff_server.handoff_of(partner)
    assert record["status"] == "waiting" and record["reason"] == "asked"
    assert record["channel"] == "rest" and record["language"] == "en" and record["agent"] is None
    said = [(line["from"], line["text"]) for line in record["transcript"]]
    assert said[0] == ("partner", "When can we renew our Action Pack?")
    assert ("partner", "could I get an actual human on this please") in said
    assert record["suggestions"] and all("reply_en" in s for s in record["suggestions"])

    # Paused: the bot says nothing, the message is stored and reaches the agent.
    assert handoff_server.say(partner, "is anybody there?") == []
    assert handoff_server.handoff_of(partner)["transcript"][-1]["text"] == "is anybody there?"

    answer = handoff_server.reply(record["id"], "Hi, Mina here. Which offer do you have?")
    assert answer.status_code == 200 and answer.json() == {"delivered": False}
    active = handoff_server.handoff_of(partner)
    assert active["status"] == "active" and active["agent"] == "Mina"
    stored = [e for e in handoff_server.events(partner) if e["event"] == "bot"]
    assert stored[-1]["text"] == "Hi, Mina here. Which offer do you have?"
    assert stored[-1]["metadata"]["agent"] == "Mina"

    # REST cannot be pushed to: the agent's message comes first in the next reply.
    first, *rest = handoff_server.say(partner, "the action pack")
    assert first["text"] == "Hi, Mina here. Which offer do you have?"
    assert first["metadata"] == {"agent": "Mina"} and rest == []
    assert handoff_server.say(partner, "ok") == []  # handed over once only

    done = handoff_server.resolve(record["id"])
    assert done.status_code == 200 and done.json()["resolved"] is True
    back, answer = handoff_server.say(partner, "does the action pack come with VS enterprise?")
    assert back["text"].startswith("PartnerDesk is back")
    assert "Source:" in answer["text"]
    assert handoff_server.handoff_of(partner, "resolved")["status"] == "resolved"
    types = [e["event"] for e in handoff_server.events(partner)]
    assert "resume" in types and types.index("resume") > types.index("pause")

    assert handoff_server.resolve(record["id"]).status_code == 409
    assert handoff_server.reply(record["id"], "still there?").status_code == 409


def test_the_first_agent_to_reply_owns_the_handoff(handoff_server):
    partner = new_sender()
    handoff_server.say(partner, "get me a person")
    record = handoff_server.handoff_of(partner)
    assert handoff_server.reply(record["id"], "Hello from Mina").status_code == 200
    second = handoff_server.reply(record["id"], "Hello from Joon", agent="Joon")
    assert second.status_code == 409 and "Mina" in second.json()["error"]
    assert handoff_server.reply(record["id"], "Still Mina").status_code == 200
    stored = [e["text"] for e in handoff_server.events(partner) if e["event"] == "bot"]
    assert "Hello from Joon" not in stored and "Still Mina" in stored


def test_korean_request_is_a_korean_handoff_with_korean_drafts(handoff_server):
    partner = new_sender()
    handoff_server.say(partner, "액션팩 갱신은 언제 할 수 있나요?")
    [started] = handoff_server.say(partner, "담당 직원분과 직접 얘기하고 싶습니다")
    assert "상담원" in started["text"] and "지원 티켓을 제출" in started["text"]
    record = wait_for(lambda: handoff_server.handoff_of(partner))
    assert record["language"] == "ko"
    assert record["suggestions"][0]["reply"] != record["suggestions"][0]["reply_en"]


def test_with_the_inbox_open_the_partner_is_not_told_nobody_is_online(handoff_server):
    handoff_server.handoffs()  # an agent has the Inbox open
    partner = new_sender()
    [started] = handoff_server.say(partner, "I need to talk with someone from partner support")
    assert "A person will answer you here" in started["text"]
    assert "no one is online" not in started["text"]
    slots = [e for e in handoff_server.events(partner) if e["event"] == "slot"]
    assert {"name": "agents_online", "value": True} in [
        {"name": s["name"], "value": s["value"]} for s in slots
    ]


def test_two_unanswered_questions_in_a_row_offer_a_person(handoff_server):
    partner = new_sender()
    [first] = handoff_server.say(partner, "what's a good lasagna recipe?")
    assert "buttons" not in first or not first["buttons"]
    replies = handoff_server.say(partner, "and who won the football yesterday?")
    offer = replies[-1]
    assert offer["text"].startswith("That's twice I couldn't answer")
    [button] = offer["buttons"]
    assert button == {
        "title": "Talk to a person",
        "payload": '/human_handoff{"handoff_reason": "fallbacks"}',
    }
    [started] = handoff_server.say(partner, button["payload"])
    assert "partner support team" in started["text"]
    assert handoff_server.handoff_of(partner)["reason"] == "fallbacks"
