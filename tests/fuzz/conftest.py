"""One real Rasa server for the fuzz tests, with every channel on, and the checks they share.

The server runs with the action server, a SQLite tracker store in a temporary folder, Slack
pointed at the loopback fake Web API (:mod:`tests.channels.slack.fake_slack`) and the reply
assistant's token set. After each test module the server must still answer a normal REST
question, and its log must show no failure (:data:`FAILURE_MARKS`).

    .venv/bin/pytest -q tests/fuzz      # about 25 s here, with the server's start
"""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests
from hypothesis import HealthCheck, settings

from tests import servers
from tests.channels.conftest import ASSIST_TOKEN
from tests.channels.slack.conftest import BOT_TOKEN, SIGNING_SECRET, fake_slack  # noqa: F401
from tests.channels.slack.fake_slack import FakeSlack
from tests.channels.slack.slack_requests import SlackSender
from tests.conftest import TEST_TODAY

# Every fuzz test sends requests to one server: bounded examples, no per-example deadline.
# The suite (and CI) replays the same examples each run, so that a red run is a regression;
# PARTNERDESK_FUZZ_EXPLORE=1 draws new ones (e.g. with --hypothesis-show-statistics).
FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=os.environ.get("PARTNERDESK_FUZZ_EXPLORE") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Time one request may take, even a multi-megabyte one on a loaded machine.
REQUEST_TIMEOUT_S = 30
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# What a failure leaves in the log: a stack trace, Rasa's structured exception, a failed
# background task, a log record that could not be written.
FAILURE_MARKS = (
    "Traceback",
    '"exc_type"',
    "Task exception was never retrieved",
    "--- Logging error ---",
)


class FuzzServer:
    """The running server under fuzz: where it answers, stores and logs."""

    def __init__(self, process: servers.ServerProcess, database: Path, slack: FakeSlack) -> None:
        self.process = process
        self.url = process.health_url.rstrip("/")
        self.database = database
        self.fake_slack = slack

    @property
    def log(self) -> Path:
        """The server's log file (stdout and stderr)."""
        return self.process.log

    def __repr__(self) -> str:
        return f"FuzzServer({self.url})"

    def alive(self) -> bool:
        """Whether the server process is still running."""
        return self.process.process is not None and self.process.process.poll() is None

    def event_count(self) -> int:
        """Rows in the tracker store's ``events`` table (0 before the first turn)."""
        if not self.database.exists():
            return 0
        with sqlite3.connect(self.database) as connection:
            try:
                return connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            except sqlite3.OperationalError:  # the table is created on start; be safe
                return 0

    def senders_stored(self, prefix: str) -> int:
        """How many stored events belong to sender ids starting with ``prefix``."""
        if not self.database.exists():
            return 0
        with sqlite3.connect(self.database) as connection:
            query = "SELECT COUNT(*) FROM events WHERE sender_id LIKE ? || '%'"
            return connection.execute(query, (prefix,)).fetchone()[0]

    def say(self, sender: str, text: str) -> list:
        """One normal REST turn; its messages."""
        reply = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        return reply.json()

    def log_text(self, start: int = 0) -> str:
        """The log from byte offset ``start``."""
        with self.log.open("rb") as log:
            log.seek(start)
            return log.read().decode("utf-8", "replace")


@pytest.fixture(scope="session")
def fuzz_server(
    model_path: Path,
    action_server_url: str,
    fake_slack: FakeSlack,  # noqa: F811
    tmp_path_factory,
) -> Iterator[FuzzServer]:
    """The one Rasa server all fuzz tests talk to: REST, socket.io, Slack, assistant, health."""
    workdir = tmp_path_factory.mktemp("fuzz-rasa")
    database = workdir / "conversations.db"
    endpoints = servers.write_endpoints(workdir / "endpoints.yml", action_server_url, database)
    process = servers.rasa_server(
        model_path,
        endpoints,
        workdir,
        extra_env={
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake_slack.api_url,
            "SLACK_CHANNEL": "",
            "PARTNERDESK_REDIS_URL": "",
            "PARTNERDESK_SLACK_EVENTS_DB": str(workdir / "slack_events.db"),
            "PARTNERDESK_ASSIST_TOKEN": ASSIST_TOKEN,
            "PARTNERDESK_DEV": "",
            "PARTNERDESK_TODAY": TEST_TODAY,
        },
    ).start()
    try:
        yield FuzzServer(process, database, fake_slack)
    finally:
        process.stop()


@pytest.fixture(scope="module", autouse=True)
def still_answers_after_module(fuzz_server: FuzzServer) -> Iterator[None]:
    """After the module: the server is up, answers a normal question, and logged no failure."""
    log_start = fuzz_server.log.stat().st_size
    yield
    assert fuzz_server.alive(), fuzz_server.log_text(log_start)[-3000:]
    [answer] = fuzz_server.say(
        f"fuzz-check-{uuid.uuid4().hex}", "does the action pack come with VS enterprise?"
    )
    assert "Visual Studio Professional" in answer["text"]
    assert "Source: Partner Center docs" in answer["text"]
    log = fuzz_server.log_text(log_start)
    for mark in FAILURE_MARKS:
        assert mark not in log, log[max(log.index(mark) - 500, 0) :][:4000]


@pytest.fixture(scope="session")
def slack_sender(fuzz_server: FuzzServer) -> SlackSender:
    """Posts to the fuzz server's Slack webhook, signing like Slack."""
    return SlackSender(f"{fuzz_server.url}/webhooks/slack/webhook", SIGNING_SECRET)


@pytest.fixture(scope="session")
def assist_headers() -> dict:
    """The reply assistant's ``Authorization`` header."""
    return {"Authorization": f"Bearer {ASSIST_TOKEN}"}
