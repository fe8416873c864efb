"""Fixtures for the Slack channel: a fake Slack Web API and a Rasa server using it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from tests import servers
from tests.channels.slack.fake_slack import FakeSlack
from tests.channels.slack.slack_requests import SlackSender
from tests.conftest import TEST_TODAY

BOT_TOKEN = "xoxb-test-partnerdesk"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
# The channel where every message is answered (SLACK_CHANNEL).
ANSWERED_CHANNEL = "CPARTNERDESK"
JUNK_LOG_INTERVAL_S = 2  # refused requests are logged at most this often, with counts
SERVER_LOGS: Dict[str, Path] = {}  # the servers' log files, by fixture


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API, serving on loopback for the whole session."""
    fake = FakeSlack(BOT_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def slack_rasa_url(
    model_path: Path, action_server_url: str, fake_slack: FakeSlack, tmp_path_factory
) -> Iterator[str]:
    """A Rasa server with the Slack channel on, posting to the fake Slack."""
    workdir = tmp_path_factory.mktemp("slack-rasa")
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
            "PARTNERDESK_REDIS_URL": "",
            "PARTNERDESK_SLACK_EVENTS_DB": str(workdir / "slack_events.db"),
            "PARTNERDESK_TODAY": TEST_TODAY,  # the slash command's rule answers
            "PARTNERDESK_JUNK_LOG_INTERVAL_S": str(JUNK_LOG_INTERVAL_S),
        },
    )
    SERVER_LOGS["slack"] = server.log
    server.start()
    yield server.health_url.rstrip("/")
    server.stop()


@pytest.fixture(scope="session")
def slack(slack_rasa_url: str) -> SlackSender:
    """Sends signed requests to the server's Slack webhook."""
    return SlackSender(f"{slack_rasa_url}/webhooks/slack/webhook", SIGNING_SECRET)


@pytest.fixture(scope="session")
def user_events(slack_rasa_url: str):
    """The user events stored for a conversation id; ``expect`` waits for that many."""

    def _user_events(conversation_id: str, expect: Optional[int] = None) -> List[Dict[str, Any]]:
        return servers.stored_user_events(slack_rasa_url, conversation_id, expect)

    return _user_events
