"""A web-chat partner (socket.io) handed to a person: delivery, silence, presence, resolve."""

import asyncio

import pytest

from tests.handoff.conftest import WebChatPartner, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.server]


async def test_agent_replies_reach_the_web_chat_marked_with_the_agents_name(handoff_server):
    partner = WebChatPartner(handoff_server.url)
    session = await partner.open()
    try:
        await partner.say("사람이랑 직접 채팅하고 싶어요")
        started = await partner.next_message()
        assert "상담원" in started["text"]
        record = wait_for(lambda: handoff_server.handoff_of(session))
        assert record["channel"] == "socketio" and record["language"] == "ko"

        await partner.say("토큰을 잘못된 테넌트에서 활성화했어요")
        assert await partner.nothing_within(3)  # paused: the bot stays silent
        said = wait_for(
            lambda: (
                handoff_server.handoff_of(session)["transcript"][-1]["text"]
                == "토큰을 잘못된 테넌트에서 활성화했어요"
            )
        )
        assert said

        reply = handoff_server.reply(record["id"], "안녕하세요, 상담원 민아입니다.", agent="민아")
        assert reply.json() == {"delivered": True}
        message = await partner.next_message()
        assert message == {"text": "안녕하세요, 상담원 민아입니다.", "metadata": {"agent": "민아"}}

        assert handoff_server.resolve(record["id"]).json()["delivered"] is True
        back = await partner.next_message()
        assert back["text"].startswith("PartnerDesk가 다시 답변합니다")
        await partner.say("액션팩 언제 갱신해요?")
        answer = await partner.next_message()
        assert "출처:" in answer["text"]
    finally:
        await partner.close()


async def test_a_reply_to_a_closed_page_waits_for_it_to_reconnect(handoff_server):
    partner = WebChatPartner(handoff_server.url)
    session = await partner.open()
    await partner.say("talk to a human")
    await partner.next_message()
    record = wait_for(lambda: handoff_server.handoff_of(session))
    await partner.close()
    await asyncio.sleep(1)  # the server handles the disconnect
    reply = handoff_server.reply(record["id"], "Sorry for the wait!")
    assert reply.json() == {"delivered": False}

    again = WebChatPartner(handoff_server.url)
    assert await again.open(session) == session
    try:
        message = await again.next_message()
        assert message == {"text": "Sorry for the wait!", "metadata": {"agent": "Mina"}}
        assert await again.nothing_within(2)  # once only
    finally:
        await again.close()
