"""The socket.io channel against the running server, with a real socket.io client."""

import asyncio
import json

import pytest
import requests
import socketio

from tests.servers import stored_user_events

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_handshake_offers_no_websocket_upgrade(rasa_url):
    reply = requests.get(
        f"{rasa_url}/socket.io/", params={"EIO": 4, "transport": "polling"}, timeout=10
    )
    assert reply.ok
    handshake = json.loads(reply.text[1:])  # engine.io "open" packet: "0{...}"
    assert handshake["upgrades"] == []


async def _conversation(rasa_url, messages, session_id=None):
    client = socketio.AsyncClient()
    replies, confirmed = asyncio.Queue(), asyncio.Queue()
    client.on("bot_uttered", replies.put_nowait)
    client.on("session_confirm", confirmed.put_nowait)
    await client.connect(rasa_url, transports=["polling"], socketio_path="socket.io")
    try:
        await client.emit("session_request", {"session_id": session_id})
        session = await asyncio.wait_for(confirmed.get(), 20)
        answers = []
        for text in messages:
            await client.emit("user_uttered", {"message": text, "session_id": session})
            answers.append(await asyncio.wait_for(replies.get(), 30))
        return session, answers
    finally:
        await client.disconnect()


async def test_questions_in_both_languages_are_answered_over_socketio(rasa_url):
    session, [english, korean] = await _conversation(
        rasa_url,
        [
            "can we split one token across several subscriptions?",
            "토큰 하나를 여러 구독에 나눠 쓸 수 있나요?",
        ],
    )
    assert len(session) >= 16
    assert "token" in english["text"].lower() and "Source:" in english["text"]
    assert "토큰" in korean["text"] and "출처:" in korean["text"]


async def test_session_persists_across_reconnects(rasa_url):
    session, _ = await _conversation(rasa_url, ["hello"])
    again, _ = await _conversation(rasa_url, ["thanks"], session_id=session)
    assert again == session
    stored = stored_user_events(rasa_url, session, expect=2)
    assert [event["text"] for event in stored] == ["hello", "thanks"]


async def test_a_session_closed_mid_request_is_a_400_not_a_500(monkeypatch):
    from types import SimpleNamespace

    import engineio

    from partnerdesk.channels.socketio import CheckedEngineIO

    async def closed_between_check_and_lookup(self, *args, **kwargs):
        raise KeyError("Session is disconnected")

    monkeypatch.setattr(engineio.AsyncServer, "handle_request", closed_between_check_and_lookup)
    engine = CheckedEngineIO(async_mode="sanic")
    request = SimpleNamespace(method="GET", args={"sid": ["x"]}, body=b"", ctx=SimpleNamespace())
    reply = await engine.handle_request(request)
    assert reply.status == 400 and b"session is closed" in reply.body


async def _turn(rasa_url, session_id, text):
    """Send one message in a session; return the events heard, up to ``turn_done``."""
    client = socketio.AsyncClient()
    heard, confirmed = asyncio.Queue(), asyncio.Queue()
    client.on("bot_uttered", lambda m: heard.put_nowait(("bot_uttered", m)))
    client.on("turn_done", lambda m: heard.put_nowait(("turn_done", m)))
    client.on("session_confirm", confirmed.put_nowait)
    await client.connect(rasa_url, transports=["polling"], socketio_path="socket.io")
    try:
        await client.emit("session_request", {"session_id": session_id})
        session = await asyncio.wait_for(confirmed.get(), 20)
        await client.emit("user_uttered", {"message": text, "session_id": session})
        events = []
        while not events or events[-1][0] != "turn_done":
            events.append(await asyncio.wait_for(heard.get(), 30))
        return session, events
    finally:
        await client.disconnect()


async def test_every_turn_ends_with_turn_done_after_its_answers(rasa_url):
    _, events = await _turn(rasa_url, None, "can we split one token across subscriptions?")
    assert [name for name, _ in events] == ["bot_uttered", "turn_done"]
    assert events[-1][1] == {"answered": True}


async def test_a_paused_conversation_reports_a_turn_without_an_answer(rasa_url):
    """What the page needs to keep its typing indicator off during a handoff (issue 12)."""
    session, _ = await _turn(rasa_url, None, "hello")
    paused = requests.post(
        f"{rasa_url}/conversations/{session}/tracker/events",
        json={"event": "pause"},
        timeout=10,
    )
    assert paused.ok
    _, events = await _turn(rasa_url, session, "is anyone there?")
    assert events == [("turn_done", {"answered": False})]
