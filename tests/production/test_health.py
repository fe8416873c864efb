"""The health report's parts, without servers (the replicas' tests cover the route)."""

from __future__ import annotations

import time

from rasa.core.agent import Agent
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from partnerdesk.channels.health import PARTS, action_server_health, health_report, store_health
from tests.servers import free_port


async def test_unreachable_action_server_is_degraded_quickly():
    started = time.monotonic()
    report = await action_server_health(EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook"))
    assert time.monotonic() - started < 3
    assert report["status"] == "degraded" and report["url"].endswith("/health")
    assert "ClientConnectorError" in report["error"]


async def test_missing_action_endpoint_is_degraded():
    assert (await action_server_health(None))["status"] == "degraded"


def test_in_memory_stores_are_ok():
    assert store_health(InMemoryLockStore()) == {
        "status": "ok",
        "type": "in-memory",
        "class": "InMemoryLockStore",
    }
    fail_safe = FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty()))
    assert store_health(fail_safe)["class"] == "InMemoryTrackerStore"


def test_rasas_own_sql_store_is_pinged(tmp_path):
    store = SQLTrackerStore(Domain.empty(), db=str(tmp_path / "rasa.db"))
    assert store_health(store) == {"status": "ok", "type": "sql", "class": "SQLTrackerStore"}
    nobody_listens = SQLTrackerStore(
        Domain.empty(), dialect="postgresql", host="127.0.0.1", port=free_port(), db="none"
    )
    report = store_health(nobody_listens)
    assert report["status"] == "degraded" and "OperationalError" in report["error"]


async def test_agent_without_a_model_is_degraded_with_every_part():
    report = await health_report(Agent(lock_store=InMemoryLockStore()))
    assert report["status"] == "degraded" and report["model"] == {
        "status": "degraded",
        "loaded": False,
    }
    assert set(report) == {"status", *PARTS}
    assert report["lock_store"]["type"] == "in-memory"
    starting = await health_report(None)
    assert starting["status"] == "degraded" and set(starting) == {"status", *PARTS}
