"""A Rasa server with the agent API on, for the handoff tests: token, SQLite, actions."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests
import socketio

from tests import servers
from tests.conftest import TEST_TODAY

AGENT_TOKEN = "handoff-test-token-5d1e"
HEADERS = {"Authorization": f"Bearer {AGENT_TOKEN}"}


@dataclass
class HandoffServer:
    """A running Rasa server: where it answers, its tracker store and its log."""

    url: str
    database: Path
    log: Path

    def api(self, path: str = "") -> str:
        """The URL of an agent API route (``/webhooks/agent/handoffs...``)."""
        return f"{self.url}/webhooks/agent/handoffs{path}"

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        """One REST turn; the messages of the reply."""
        reply = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        return reply.json()

    def handoffs(self, status: Optional[str] = None) -> List[Dict[str, Any]]:
        """The agent API's list (open handoffs by default)."""
        params = {"status": status} if status else {}
        reply = requests.get(self.api(), headers=HEADERS, params=params, timeout=60)
        assert reply.status_code == 200, reply.text
        return reply.json()["handoffs"]

    def handoff_of(self, conversation_id: str, status: Optional[str] = None) -> Dict[str, Any]:
        """The (latest) handoff of one conversation; fails if there is none."""
        found = [h for h in self.handoffs(status) if h["conversation_id"] == conversation_id]
        assert found, f"no handoff for {conversation_id}"
        return found[-1]

    def reply(self, handoff_id: str, text: str, agent: str = "Mina") -> requests.Response:
        """An agent's reply through the API."""
        return requests.post(
            self.api(f"/{handoff_id}/reply"),
            headers=HEADERS,
            json={"text": text, "agent": agent},
            timeout=60,
        )

    def resolve(self, handoff_id: str) -> requests.Response:
        """Resolve through the API."""
        return requests.post(self.api(f"/{handoff_id}/resolve"), headers=HEADERS, timeout=60)

    def events(self, conversation_id: str) -> List[Dict[str, Any]]:
        """Every stored event of the conversation (Rasa's HTTP API)."""
        reply = requests.get(
            f"{self.url}/conversations/{conversation_id}/tracker",
            params={"include_events": "ALL"},
            timeout=30,
        )
        reply.raise_for_status()
        return reply.json()["events"]


def start_handoff_server(
    model_path: Path, action_server_url: str, workdir: Path, env: Dict[str, str]
) -> servers.ServerProcess:
    """Rasa with the project's channels (Slack off unless ``env`` sets it), SQLite."""
    database = workdir / "conversations.db"
    endpoints = servers.write_endpoints(workdir / "endpoints.yml", action_server_url, database)
    return servers.rasa_server(
        model_path,
        endpoints,
        workdir,
        extra_env={
            "PARTNERDESK_ASSIST_TOKEN": AGENT_TOKEN,
            "PARTNERDESK_DEV": "",
            "PARTNERDESK_TODAY": TEST_TODAY,
            "PARTNERDESK_REDIS_URL": "",
            "SLACK_BOT_TOKEN": "",
            "SLACK_SIGNING_SECRET": "",
            "SLACK_AGENT_CHANNEL": "",
            **env,
        },
    ).start()


@pytest.fixture(scope="session")
def handoff_server(model_path, action_server_url, tmp_path_factory) -> Iterator[HandoffServer]:
    """One Rasa server for the handoff API tests."""
    workdir = tmp_path_factory.mktemp("handoff")
    process = start_handoff_server(model_path, action_server_url, workdir, {})
    try:
        yield HandoffServer(
            process.health_url.rstrip("/"), workdir / "conversations.db", process.log
        )
    finally:
        process.stop()


class WebChatPartner:
    """A partner on socket.io (python-socketio's client, long-polling), as the widget is."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient()
        self.received: asyncio.Queue = asyncio.Queue()
        self.session: Optional[str] = None

    async def open(self, session_id: Optional[str] = None) -> str:
        """Connect and get a session; its id (the conversation id)."""
        confirmed: asyncio.Queue = asyncio.Queue()
        self.client.on("bot_uttered", self.received.put_nowait)
        self.client.on("session_confirm", confirmed.put_nowait)
        await self.client.connect(self.url, transports=["polling"], socketio_path="socket.io")
        await self.client.emit("session_request", {"session_id": session_id})
        self.session = await asyncio.wait_for(confirmed.get(), 20)
        return self.session

    async def say(self, text: str) -> None:
        """Send a message."""
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session})

    async def next_message(self, timeout_s: float = 30) -> Dict[str, Any]:
        """The next ``bot_uttered`` event's data."""
        return await asyncio.wait_for(self.received.get(), timeout_s)

    async def nothing_within(self, seconds: float) -> bool:
        """True if no message arrives within ``seconds``."""
        try:
            await asyncio.wait_for(self.received.get(), seconds)
        except asyncio.TimeoutError:
            return True
        return False

    async def close(self) -> None:
        """Disconnect."""
        await self.client.disconnect()


def wait_for(check, timeout_s: float = 15, interval_s: float = 0.2):
    """Call ``check`` until it returns something truthy; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval_s)
