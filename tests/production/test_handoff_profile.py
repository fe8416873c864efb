"""Handoffs on the production profile: two replicas, PostgreSQL, Redis, nginx.

A web-chat partner held by one replica gets agent replies posted to the other one and
through the balancer (python-socketio's Redis client manager carries them); a replica
killed with ``kill -9`` and started again loses no handoff and no message, and a reply
sent while the partner's page was gone reaches them when it reconnects.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Iterator

import pytest
import requests

from partnerdesk.handoff.presence import KEY_PREFIX
from tests.conftest import TEST_TODAY
from tests.handoff.conftest import WebChatPartner, wait_for
from tests.production.profile import Profile, user_texts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def profile() -> Iterator[Profile]:
    running = Profile.create(PARTNERDESK_TODAY=TEST_TODAY, TICKET_LOCK_LIFETIME="15")
    try:
        running.run("up")
        yield running
    finally:
        running.remove()


@pytest.fixture(scope="module")
def database(profile):
    import sqlalchemy as sa

    engine = sa.create_engine(profile.database_url(), pool_pre_ping=True)
    yield engine
    engine.dispose()


def headers(profile: Profile) -> dict:
    return {"Authorization": f"Bearer {profile.secrets()['PARTNERDESK_ASSIST_TOKEN']}"}


def handoff_of(profile: Profile, base: str, conversation_id: str) -> dict:
    listed = requests.get(f"{base}/webhooks/agent/handoffs", headers=headers(profile), timeout=60)
    assert listed.status_code == 200, listed.text[:300]
    found = [h for h in listed.json()["handoffs"] if h["conversation_id"] == conversation_id]
    assert found, listed.text[:500]
    return found[0]


def reply(profile: Profile, base: str, handoff_id: str, text: str) -> dict:
    answer = requests.post(
        f"{base}/webhooks/agent/handoffs/{handoff_id}/reply",
        json={"text": text, "agent": "Mina"},
        headers=headers(profile),
        timeout=60,
    )
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()


async def _agent_replies_reach_a_partner_held_by_the_other_replica(profile: Profile):
    partner = WebChatPartner(profile.replica_url("rasa-1"))
    session = await partner.open()
    try:
        await partner.say("I'd like to talk this through with a human, please")
        assert "partner support team" in (await partner.next_message())["text"]
        record = handoff_of(profile, profile.balancer, session)
        assert record["status"] == "waiting" and record["channel"] == "socketio"

        direct = reply(profile, profile.replica_url("rasa-2"), record["id"], "From replica 2")
        assert direct == {"delivered": True}
        assert await partner.next_message() == {
            "text": "From replica 2",
            "metadata": {"agent": "Mina"},
        }
        for number in (1, 2):  # round robin: one of the two goes to each replica
            sent = reply(profile, profile.balancer, record["id"], f"Through the balancer {number}")
            assert sent == {"delivered": True}
            message = await partner.next_message()
            assert message["text"] == f"Through the balancer {number}"
        return session, record
    finally:
        await partner.close()


def wait_until_the_page_is_gone(profile: Profile, conversation_id: str) -> None:
    """The server hears of the closed page a moment after the client closes it; a crash
    before that leaves the session present until it expires (presence.py), so wait."""
    import redis

    client = redis.Redis(
        host="127.0.0.1",
        port=int(profile.env["PARTNERDESK_REDIS_PORT"]),
        password=profile.secrets()["PARTNERDESK_REDIS_PASSWORD"],
    )
    try:
        assert wait_for(lambda: not client.hlen(f"{KEY_PREFIX}{conversation_id}"), 10)
    finally:
        client.close()


async def _after_the_crash(profile: Profile, session: str, record: dict, database):
    # The partner's page is gone and a replica crashed: the queue and the conversation
    # are still there, through the surviving replica.
    wait_until_the_page_is_gone(profile, session)
    profile.kill_replica("rasa-1")
    found = handoff_of(profile, profile.balancer, session)
    assert found["id"] == record["id"] and found["status"] == "active"
    said = [line["text"] for line in found["transcript"]]
    assert "Through the balancer 2" in said
    assert reply(profile, profile.balancer, record["id"], "Are you still there?") == {
        "delivered": False
    }
    profile.run("up")  # starts the killed replica again
    assert handoff_of(profile, profile.replica_url("rasa-1"), session)["id"] == record["id"]

    again = WebChatPartner(profile.replica_url("rasa-1"))
    assert await again.open(session) == session
    try:
        assert (await again.next_message())["text"] == "Are you still there?"
        await again.say("yes, still here")
        assert await again.nothing_within(3)  # still handed over: the bot is silent
    finally:
        await again.close()
    assert user_texts(database, session)[-1] == "yes, still here"
    resolved = requests.post(
        f"{profile.balancer}/webhooks/agent/handoffs/{record['id']}/resolve",
        headers=headers(profile),
        timeout=60,
    )
    assert resolved.status_code == 200


def test_handoff_across_replicas_and_a_crash(profile, database):
    session, record = asyncio.run(_agent_replies_reach_a_partner_held_by_the_other_replica(profile))
    asyncio.run(_after_the_crash(profile, session, record, database))


def test_no_agent_online_and_records_in_postgresql(profile, database):
    import sqlalchemy as sa

    sender = f"prod-rest-{uuid.uuid4().hex[:10]}"
    answer = requests.post(
        f"{profile.balancer}/webhooks/rest/webhook",
        json={"sender": sender, "message": "transfer me to a support person"},
        timeout=60,
    )
    assert answer.status_code == 200
    with database.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT status, channel, reason FROM handoffs WHERE conversation_id = :c"),
            {"c": sender},
        ).all()
    assert [tuple(row) for row in rows] == [("waiting", "rest", "asked")]
