"""The agent API's bad input: clear 4xx with ``{"error"}``, never a 5xx."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.handoff.conftest import HEADERS

pytestmark = [pytest.mark.slow, pytest.mark.server]

UNKNOWN = "0" * 32


def refused(reply: requests.Response, status: int) -> str:
    assert reply.status_code == status, (reply.status_code, reply.text[:300])
    message = reply.json()["error"]
    assert isinstance(message, str) and message.strip() and "Traceback" not in message
    return message


@pytest.fixture(scope="module")
def open_handoff(handoff_server):
    sender = f"errors-{uuid.uuid4().hex[:10]}"
    handoff_server.say(sender, "connect me with a person from support please")
    return handoff_server.handoff_of(sender)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "x"}])
def test_without_the_right_token_every_route_is_401(handoff_server, open_handoff, headers):
    api = handoff_server.api
    refused(requests.get(api(), headers=headers), 401)
    reply = requests.post(
        api(f"/{open_handoff['id']}/reply"), headers=headers, json={"text": "hi", "agent": "Mina"}
    )
    refused(reply, 401)
    refused(requests.post(api(f"/{open_handoff['id']}/resolve"), headers=headers), 401)
    assert handoff_server.handoff_of(open_handoff["conversation_id"])["status"] == "waiting"


@pytest.mark.parametrize("handoff_id", [UNKNOWN, "not-an-id", "%2e%2e", "A" * 300])
def test_an_unknown_id_is_404(handoff_server, handoff_id):
    body = {"text": "hi", "agent": "Mina"}
    refused(
        requests.post(handoff_server.api(f"/{handoff_id}/reply"), headers=HEADERS, json=body), 404
    )
    refused(requests.post(handoff_server.api(f"/{handoff_id}/resolve"), headers=HEADERS), 404)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'{"agent": "Mina"}', 422),
        (b'{"text": "", "agent": "Mina"}', 422),
        (b'{"text": "   ", "agent": "Mina"}', 422),
        (('{"text": "%s", "agent": "Mina"}' % ("x" * 5001)).encode(), 422),
        (b'{"text": "hi"}', 422),
        (b'{"text": "hi", "agent": ""}', 422),
        (('{"text": "hi", "agent": "%s"}' % ("M" * 101)).encode(), 422),
        (b'{"text": "hi", "agent": "Mina", "status": "resolved"}', 422),
        (b'{"text": 42, "agent": ["Mina"]}', 422),
        (b"\xff\xfe", 400),
        (('{"text": "%s", "agent": "Mina"}' % ("x" * 70_000)).encode(), 413),
    ],
)
def test_bad_replies_are_refused_and_nothing_is_sent(handoff_server, open_handoff, body, status):
    url = handoff_server.api(f"/{open_handoff['id']}/reply")
    reply = requests.post(url, headers={**HEADERS, "Content-Type": "application/json"}, data=body)
    refused(reply, status)
    record = handoff_server.handoff_of(open_handoff["conversation_id"])
    assert record["status"] == "waiting" and record["agent"] is None


def test_an_unknown_status_filter_is_400(handoff_server):
    message = refused(
        requests.get(handoff_server.api(), headers=HEADERS, params={"status": "x"}), 400
    )
    assert "waiting" in message


def test_two_agents_replying_at_once_one_owns_it(handoff_server):
    sender = f"race-{uuid.uuid4().hex[:10]}"
    handoff_server.say(sender, "please hand me over to a human")
    record = handoff_server.handoff_of(sender)
    names = [f"agent-{i}" for i in range(6)]
    with ThreadPoolExecutor(len(names)) as pool:
        replies = list(
            pool.map(lambda n: handoff_server.reply(record["id"], f"hi from {n}", n), names)
        )
    statuses = sorted(r.status_code for r in replies)
    assert statuses == [200] + [409] * (len(names) - 1), [r.text for r in replies]
    owner = handoff_server.handoff_of(sender)["agent"]
    stored = [e["text"] for e in handoff_server.events(sender) if e["event"] == "bot"]
    assert f"hi from {owner}" in stored
    assert not [text for text in stored if text.startswith("hi from") and owner not in text]


def test_a_resolved_handoff_takes_no_reply_and_no_second_resolve(handoff_server):
    sender = f"resolved-{uuid.uuid4().hex[:10]}"
    handoff_server.say(sender, "I'd like to speak to an agent")
    record = handoff_server.handoff_of(sender)
    assert handoff_server.resolve(record["id"]).status_code == 200
    assert "resolved" in refused(handoff_server.reply(record["id"], "late"), 409)
    assert "resolved" in refused(handoff_server.resolve(record["id"]), 409)


def test_the_pages_preflight_is_answered(handoff_server):
    reply = requests.options(
        handoff_server.api(f"/{UNKNOWN}/reply"),
        headers={
            "Origin": "http://localhost:8080",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert reply.status_code in (200, 204)
    assert reply.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
    assert "Authorization" in reply.headers["Access-Control-Allow-Headers"]
