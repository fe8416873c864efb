"""A real SQLite tracker store, filled through real conversations with a running Rasa server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import pytest
import requests

from tests import servers

# (language, question, 👍 or 👎 or None): FAQ questions answered with the feedback buttons.
ANSWERED = [
    ("en", "when can we renew our action pack?", "yes"),
    ("ko", "저희 액션팩 갱신은 언제부터 할 수 있어요?", "yes"),
    ("ko", "VS 구독 팀원끼리 같이 써도 되나요?", "no"),
    ("en", "can we split one token across two azure subscriptions?", "yes"),
    ("en", "can we split one token across two azure subscriptions?", "no"),
]
# Questions outside the FAQ, one conversation per language; near-duplicates among them.
FALLBACKS = {
    "en": [
        "how much does the action pack cost?",
        "How much does the Action Pack cost",
        "how much does the action pack cost in korea?",
        "what's the weather in seoul today?",
        "please send the invoice to kim.lee@contoso.com",
    ],
    "ko": [
        "액션팩 가격이 얼마인가요?",
        "액션팩 가격이 얼마예요?",
        "오늘 서울 날씨 어때요?",
        "오늘 서울 날씨는 어때요",
    ],
}
# Vague questions that the selector answers, some with low confidence (the test reads which).
VAGUE = ["licenses for partners", "라이선스에 대해 알려주세요"]


@dataclass
class FilledStore:
    """The SQLite file, its endpoints file, and what the conversations stored."""

    db: Path
    endpoints: Path
    trackers: Dict[str, dict] = field(default_factory=dict)

    def user_events(self) -> List[dict]:
        """Every stored user event, in every conversation."""
        return [e for t in self.trackers.values() for e in t["events"] if e["event"] == "user"]


def _say(base: str, sender: str, text: str) -> List[dict]:
    reply = requests.post(
        f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.fixture(scope="module")
def filled_store(model_path, action_server_url, tmp_path_factory) -> FilledStore:
    """Conversations over REST into a fresh SQLite store; the server is stopped afterwards."""
    workdir = tmp_path_factory.mktemp("report")
    db = workdir / "conversations.db"
    endpoints = servers.write_endpoints(workdir / "endpoints.yml", action_server_url, db)
    server = servers.rasa_server(model_path, endpoints, workdir).start()
    base = server.health_url.rstrip("/")
    store = FilledStore(db=db, endpoints=endpoints)
    try:
        senders = []
        for _, question, helpful in ANSWERED:
            sender = f"report-{uuid.uuid4().hex}"
            [answer] = _say(base, sender, question)
            click = {"yes": 0, "no": 1}[helpful]
            _say(base, sender, answer["buttons"][click]["payload"])
            senders.append(sender)
        for texts in [*FALLBACKS.values(), VAGUE]:
            sender = f"report-{uuid.uuid4().hex}"
            for text in texts:
                _say(base, sender, text)
            senders.append(sender)
        for sender in senders:
            tracker = requests.get(f"{base}/conversations/{sender}/tracker", timeout=30)
            store.trackers[sender] = tracker.json()
    finally:
        server.stop()
    return store
