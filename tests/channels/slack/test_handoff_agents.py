"""Slack for agents, against the loopback fake: the handoff post, thread replies to a
Slack partner, "Send draft" and Resolve, and clicks that never reach a partner."""

from __future__ import annotations

import time
from typing import Iterator, List

import pytest
import requests

from tests import servers
from tests.channels.slack.conftest import ANSWERED_CHANNEL, BOT_TOKEN, SIGNING_SECRET
from tests.channels.slack.fake_slack import BOT_USER_ID, FakeSlack, Post
from tests.channels.slack.fake_slack_agents import serve_users
from tests.channels.slack.slack_requests import (
    PARTNER,
    SlackSender,
    button_click,
    envelope,
    message_event,
    new_channel,
)
from tests.conftest import TEST_TODAY

pytestmark = [pytest.mark.slow, pytest.mark.server]

AGENTS = "CAGENTS01"
AGENT_USER, AGENT_NAME = "UAGENT01", "Mina Park"
OTHER_AGENT, OTHER_NAME = "UAGENT02", "Joon Kim"
TOKEN = "slack-agents-test-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


class Desk:
    """The running server with Slack and the agents' channel, and ways to talk to it."""

    def __init__(self, url: str, fake: FakeSlack) -> None:
        self.url = url
        self.fake = fake
        self.slack = SlackSender(f"{url}/webhooks/slack/webhook", SIGNING_SECRET)

    def handoff_of(self, conversation_id: str, status: str = "all") -> dict:
        reply = requests.get(
            f"{self.url}/webhooks/agent/handoffs", params={"status": status}, headers=HEADERS
        )
        found = [h for h in reply.json()["handoffs"] if h["conversation_id"] == conversation_id]
        assert found, f"no handoff of {conversation_id}"
        return found[-1]

    def agents_post(self, text: str, timeout_s: float = 30) -> Post:
        """The top-level post in the agents' channel whose transcript mentions ``text``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for post in self.fake.posts_in(AGENTS):
                if post.thread_ts is None and text in str(post.blocks):
                    return post
            time.sleep(0.2)
        raise AssertionError(f"no agents' post about {text!r}: {self.fake.posts_in(AGENTS)}")

    def thread(self, channel: str, thread_ts: str, count: int) -> List[Post]:
        return self.fake.wait_for_posts_in(channel, thread_ts, count)

    def agent_says(self, post: Post, text: str, user: str = AGENT_USER) -> None:
        """An agent's message in the thread of the handoff's post."""
        event = message_event(text, AGENTS, channel_type="channel", user=user, thread_ts=post.ts)
        assert self.slack.event(envelope(event)).status_code == 200

    def click(self, post: Post, value: str, user: str = AGENT_USER) -> None:
        assert self.slack.click(button_click(post, value, user=user)).status_code == 200


@pytest.fixture(scope="module")
def desk(model_path, action_server_url, fake_slack, tmp_path_factory) -> Iterator[Desk]:
    serve_users(fake_slack, {AGENT_USER: AGENT_NAME, OTHER_AGENT: OTHER_NAME})
    workdir = tmp_path_factory.mktemp("slack-agents")
    endpoints = servers.write_endpoints(
        workdir / "endpoints.yml", action_server_url, workdir / "conversations.db"
    )
    server = servers.rasa_server(
        model_path,
        endpoints,
        workdir,
        extra_env={
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake_slack.api_url,
            "SLACK_CHANNEL": ANSWERED_CHANNEL,
            "SLACK_AGENT_CHANNEL": AGENTS,
            "PARTNERDESK_REDIS_URL": "",
            "PARTNERDESK_SLACK_EVENTS_DB": str(workdir / "slack_events.db"),
            "PARTNERDESK_ASSIST_TOKEN": TOKEN,
            "PARTNERDESK_TODAY": TEST_TODAY,
        },
    ).start()
    yield Desk(server.health_url.rstrip("/"), fake_slack)
    server.stop()


def buttons(post: Post) -> dict:
    [actions] = [block for block in post.blocks if block["type"] == "actions"]
    return {element["text"]["text"]: element["value"] for element in actions["elements"]}


def test_a_rest_partners_handoff_is_posted_for_agents(desk):
    sender = f"rest-{time.time_ns()}"
    for text in ("When can we renew our Action Pack?", "please put me through to a real person"):
        requests.post(
            f"{desk.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        ).raise_for_status()
    post = desk.agents_post("please put me through to a real person")
    assert post.text.startswith("New handoff: English partner on REST, asked for a person")
    shown = str(post.blocks)
    assert "When can we renew our Action Pack?" in shown and sender in shown
    assert list(buttons(post)) == ["Send draft 1", "Send draft 2", "Send draft 3", "Resolve"]
    # The Slack agents' channel counts as an agent online: the honest "nobody" is not said.
    assert "no one is online" not in desk.handoff_of(sender)["transcript"][-1]["text"]


def test_a_slack_partner_and_an_agent_talk_through_their_threads(desk):
    dm = new_channel("D")
    question = message_event(
        "토큰이 잘못된 테넌트에 활성화됐어요. 담당자분과 직접 통화하고 싶어요", dm
    )
    desk.slack.event(envelope(question))
    [started] = desk.thread(dm, question["ts"], 1)
    assert "상담원" in started.text
    conversation = f"{PARTNER}_{dm}"  # a DM is one conversation (issue 15)
    post = desk.agents_post("담당자분과 직접 통화하고 싶어요")
    assert "Korean partner on Slack" in post.text

    # The partner writes again: the bot is silent; the message reaches the agents' thread.
    again = message_event("활성화한 날은 8월 1일이에요", dm, thread_ts=question["ts"])
    desk.slack.event(envelope(again))
    [relayed] = desk.thread(AGENTS, post.ts, 1)
    assert relayed.text == "*Partner:* 활성화한 날은 8월 1일이에요"
    assert len(desk.fake.posts_in(dm, question["ts"])) == 1

    # An agent's message in the thread goes to the partner, under the agent's name.
    desk.agent_says(post, "안녕하세요, 확인해 보겠습니다.")
    _, reply = desk.thread(dm, question["ts"], 2)
    assert reply.text == "안녕하세요, 확인해 보겠습니다." and reply.username == AGENT_NAME
    record = desk.handoff_of(conversation)
    assert record["status"] == "active" and record["agent"] == AGENT_NAME
    assert record["transcript"][-1] == {
        "from": "agent",
        "agent": AGENT_NAME,
        "text": "안녕하세요, 확인해 보겠습니다.",
        "at": record["transcript"][-1]["at"],
    }

    # Another agent's thread message is not sent: the first to reply owns the handoff.
    desk.agent_says(post, "I can take this one", user=OTHER_AGENT)
    _, note = desk.thread(AGENTS, post.ts, 2)
    assert note.text.startswith("Not sent:") and AGENT_NAME in note.text
    assert len(desk.fake.posts_in(dm, question["ts"])) == 2

    # "Send draft 1" sends the draft in the partner's language; Resolve gives the bot back.
    desk.click(post, buttons(post)["Send draft 1"])
    _, _, draft = desk.thread(dm, question["ts"], 3)
    assert draft.username == AGENT_NAME and "출처:" in draft.text
    desk.click(post, buttons(post)["Resolve"])
    back = desk.thread(dm, question["ts"], 4)[-1]
    assert back.text.startswith("PartnerDesk가 다시 답변합니다") and back.username is None
    assert desk.handoff_of(conversation, "resolved")["status"] == "resolved"
    assert desk.thread(AGENTS, post.ts, 4)[-1].text.startswith("Resolved")

    later = message_event("토큰 나눠 쓸 수 있어요?", dm, thread_ts=question["ts"])
    desk.slack.event(envelope(later))
    answer = desk.thread(dm, question["ts"], 5)[-1]
    assert "출처:" in answer.text

    # A second Resolve is refused, in the thread.
    desk.click(post, buttons(post)["Resolve"])
    assert "already resolved" in desk.thread(AGENTS, post.ts, 5)[-1].text


def test_clicks_and_mentions_in_the_agents_channel_never_reach_a_partner(desk):
    parent = Post(channel=AGENTS, text="x", thread_ts=None, blocks=[], ts="1700000000.000001")
    desk.click(parent, "/faq/token_split", user=OTHER_AGENT)
    mention = message_event(f"<@{BOT_USER_ID}> can we split a token?", AGENTS)
    desk.slack.event(envelope({**mention, "type": "app_mention"}))
    time.sleep(2)
    assert desk.fake.posts_in(AGENTS, parent.ts) == []
    assert desk.fake.posts_in(AGENTS, mention["ts"]) == []
    tracker = requests.get(f"{desk.url}/conversations/{OTHER_AGENT}_{AGENTS}_{parent.ts}/tracker")
    assert [e for e in tracker.json()["events"] if e["event"] == "user"] == []
