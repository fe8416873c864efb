"""A running stack for the insights: Rasa (REST, agent API, HTTP API) and the page server."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

from tests import servers
from tests.conftest import TEST_TODAY
from tests.insights.playbook import Played, play
from tests.web.conftest import browser, web_bundle  # noqa: F401 - shared fixtures

TOKEN = "insights-test-token-5d2e"


@dataclass
class Stack:
    """Where the servers answer, and the tracker store's file."""

    rasa_url: str
    page_origin: str
    database: Path

    def insights(self, query: str = "", token: str = TOKEN, path: str = "") -> requests.Response:
        """``GET /webhooks/agent/insights<path><query>`` with the token."""
        return requests.get(
            f"{self.rasa_url}/webhooks/agent/insights{path}{query}",
            headers={"Authorization": f"Bearer {token}"} if token else {},
            timeout=120,
        )


@pytest.fixture(scope="session")
def insights_stack(model_path, action_server_url, web_bundle, tmp_path_factory) -> Iterator[Stack]:  # noqa: F811
    """Rasa on its own SQLite store (no ``--cors``: the agent API answers CORS itself) and
    the page server pointing at it."""
    workdir = tmp_path_factory.mktemp("insights")
    database = workdir / "conversations.db"
    web_port = servers.free_port()
    page_origin = f"http://127.0.0.1:{web_port}"
    env = {
        "PARTNERDESK_WEB_ORIGINS": page_origin,
        "PARTNERDESK_TODAY": TEST_TODAY,
        "PARTNERDESK_ASSIST_TOKEN": TOKEN,
        "PARTNERDESK_DEV": "",
        # The playbook moves stored events back in time behind the server's back (Rasa's
        # session expiry); a cached tracker would not see that.
        "PARTNERDESK_TRACKER_CACHE": "0",
    }
    endpoints = servers.write_endpoints(workdir / "endpoints.yml", action_server_url, database)
    rasa = servers.rasa_server(model_path, endpoints, workdir, extra_env=env)
    rasa_url = rasa.health_url.rstrip("/")
    web = servers.ServerProcess(
        args=[sys.executable, "-m", "partnerdesk.web"],
        health_url=f"{page_origin}/",
        log=workdir / "web.log",
        env={"PARTNERDESK_WEB_PORT": str(web_port), "PARTNERDESK_SOCKET_URL": rasa_url},
    )
    started: List[servers.ServerProcess] = []
    try:
        for server in (rasa, web):
            started.append(server.start())
        yield Stack(rasa_url, page_origin, database)
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="session")
def played(insights_stack) -> Played:
    """The playbook's conversations, played once for the session."""
    return play(
        insights_stack.rasa_url, insights_stack.database, lambda: insights_stack.insights().json()
    )
