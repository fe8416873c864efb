"""Shared fixtures: the trained model, an in-process agent, and real servers."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import yaml

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# Tracker stores made in this process journal here, not in the project's var/journal.
os.environ.setdefault("PARTNERDESK_JOURNAL_DIR", tempfile.mkdtemp(prefix="partnerdesk-journal-"))
# No daily prune in the servers and stores of the tests (tests/stores/test_retention runs it).
os.environ.setdefault("PARTNERDESK_RETENTION_INTERVAL_S", "0")

from partnerdesk.core.paths import DOMAIN_PATH
from partnerdesk.tools.model_build import ensure_model
from tests import servers

# Rule answers in the suite are computed as of this date (the acceptance date).
TEST_TODAY = "2021-08-20"


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model for the current training data (trained here if missing)."""
    return ensure_model()


@pytest.fixture(scope="session")
def domain_dict() -> Dict[str, Any]:
    """The project's domain.yml as plain data."""
    return yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def agent(model_path: Path):
    """A Rasa agent with the trained model loaded in this process (no servers)."""
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


@pytest.fixture(scope="session")
def parse(agent):
    """Parse one text with the in-process agent, as ``/model/parse`` would."""

    def _parse(text: str) -> Dict[str, Any]:
        return asyncio.run(agent.parse_message(text))

    return _parse


@pytest.fixture(scope="session")
def page_port() -> int:
    """The port of the web chat's page server: calendar links in answers point at it."""
    return servers.free_port()


@pytest.fixture(scope="session")
def action_server_url(tmp_path_factory, page_port) -> Iterator[str]:
    """A running action server on loopback, with today pinned to ``TEST_TODAY``."""
    env = {
        "PARTNERDESK_TODAY": TEST_TODAY,
        "PARTNERDESK_PUBLIC_URL": f"http://127.0.0.1:{page_port}",
    }
    server = servers.action_server(tmp_path_factory.mktemp("actions"), env).start()
    yield server.health_url.removesuffix("/health") + "/webhook"
    server.stop()


@pytest.fixture(scope="session")
def rasa_server_factory(model_path, action_server_url, tmp_path_factory):
    """Builds Rasa servers sharing one SQLite tracker store, stopping them at the end."""
    workdir = tmp_path_factory.mktemp("rasa")
    endpoints = servers.write_endpoints(
        workdir / "endpoints.yml", action_server_url, workdir / "conversations.db"
    )
    started = []

    def _make() -> servers.ServerProcess:
        server = servers.rasa_server(model_path, endpoints, workdir)
        started.append(server)
        return server

    yield _make
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def rasa_url(rasa_server_factory) -> str:
    """Base URL of a running Rasa server with the REST channel and HTTP API."""
    return rasa_server_factory().start().health_url.rstrip("/")


def domain_forms() -> Dict[str, Any]:
    """The forms of domain.yml (what the action server receives as ``domain["forms"]``)."""
    return yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))["forms"]
