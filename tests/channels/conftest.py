"""Fixtures for the reply assistant's endpoint: Rasa servers with the assist channel.

Only ``assist_``-named fixtures live here. Each server has its own SQLite tracker store,
so the tests can check that the assistant stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator

import pytest

from tests import servers
from tests.conftest import TEST_TODAY

ASSIST_TOKEN = "assist-test-token-7f3c"


@dataclass(frozen=True)
class AssistServer:
    """A running Rasa server: its base URL, tracker-store file and log."""

    url: str
    database: Path
    log: Path

    @property
    def suggest_url(self) -> str:
        """The assistant's endpoint."""
        return f"{self.url}/webhooks/assist/suggest"


def _start(model_path: Path, workdir: Path, env: Dict[str, str]) -> servers.ServerProcess:
    database = workdir / "conversations.db"
    endpoints = servers.write_endpoints(workdir / "endpoints.yml", None, database)
    return servers.rasa_server(model_path, endpoints, workdir, extra_env=env).start()


def _serve(model_path: Path, workdir: Path, env: Dict[str, str]) -> Iterator[AssistServer]:
    server = _start(model_path, workdir, {"PARTNERDESK_TODAY": TEST_TODAY, **env})
    try:
        yield AssistServer(server.health_url.rstrip("/"), workdir / "conversations.db", server.log)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def assist_server(model_path, tmp_path_factory) -> Iterator[AssistServer]:
    """A Rasa server whose assistant needs ``ASSIST_TOKEN``; today is ``TEST_TODAY``."""
    yield from _serve(
        model_path,
        tmp_path_factory.mktemp("assist"),
        {"PARTNERDESK_ASSIST_TOKEN": ASSIST_TOKEN, "PARTNERDESK_DEV": ""},
    )


@pytest.fixture(scope="session")
def assist_dev_server(model_path, tmp_path_factory) -> Iterator[AssistServer]:
    """A Rasa server in local-development mode: no token set, ``PARTNERDESK_DEV=1``."""
    yield from _serve(
        model_path,
        tmp_path_factory.mktemp("assist-dev"),
        {"PARTNERDESK_ASSIST_TOKEN": "", "PARTNERDESK_DEV": "1"},
    )


@pytest.fixture(scope="session")
def assist_headers() -> Dict[str, str]:
    """The right ``Authorization`` header."""
    return {"Authorization": f"Bearer {ASSIST_TOKEN}"}
