"""ResilientSQLTrackerStore in this process, against real PostgreSQL and SQLite."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from partnerdesk.stores.tracker_store import ResilientSQLTrackerStore
from tests.production.services import PG_SUPERUSER, PG_SUPERUSER_PASSWORD, PostgresServer

pytestmark = pytest.mark.slow
LOGGER = "partnerdesk.stores.tracker_store"


def postgres_store(server, login, **extra) -> ResilientSQLTrackerStore:
    return ResilientSQLTrackerStore(
        domain=Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=server.port,
        db=login.name,
        username=login.user,
        password=login.password,
        **extra,
    )


def tracker_saying(sender: str, *texts: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    for text in texts:
        tracker.update(UserUttered(text))
    return tracker


def user_texts(tracker) -> list:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


@pytest.fixture
def own_postgres(db_login):
    """A PostgreSQL server of this test alone (it may stop and start it)."""
    server = PostgresServer.create().start()
    server.create_database(db_login.name, db_login.user, db_login.password)
    yield server
    server.remove()


def test_built_by_rasa_from_endpoints_with_a_small_pre_pinged_pool(postgres, db_login, monkeypatch):
    config = EndpointConfig(
        type="partnerdesk.stores.tracker_store.ResilientSQLTrackerStore",
        url="127.0.0.1",
        dialect="postgresql",
        port=str(postgres.port),
        db=db_login.name,
        username=db_login.user,
        password=db_login.password,
    )
    store = TrackerStore.create(config, Domain.empty())
    assert isinstance(store, ResilientSQLTrackerStore)
    assert (store.engine.pool.size(), store.engine.pool._max_overflow) == (5, 5)
    assert store.engine.pool._pre_ping is True
    monkeypatch.setenv("PARTNERDESK_DB_POOL_SIZE", "2")
    monkeypatch.setenv("PARTNERDESK_DB_MAX_OVERFLOW", "1")
    store = TrackerStore.create(config, Domain.empty())
    assert (store.engine.pool.size(), store.engine.pool._max_overflow) == (2, 1)


async def test_login_db_creates_the_database(postgres, conversation_id):
    store = ResilientSQLTrackerStore(
        domain=Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=postgres.port,
        db="created_by_login_db",
        username=PG_SUPERUSER,
        password=PG_SUPERUSER_PASSWORD,
        login_db="postgres",
    )
    assert store.engine.url.database == "created_by_login_db"
    assert store.engine.pool.size() == 5  # the new engine keeps the small pool
    await store.save(tracker_saying(conversation_id, "hello"))
    assert user_texts(await store.retrieve(conversation_id)) == ["hello"]


async def test_waits_for_the_database_at_start(own_postgres, db_login, conversation_id):
    own_postgres.stop()
    restart = threading.Timer(2.0, own_postgres.start)
    restart.start()
    started = time.monotonic()
    store = postgres_store(own_postgres, db_login)
    restart.join(30)
    assert 1.5 < time.monotonic() - started < 15
    assert store.health()["status"] == "ok"
    await store.save(tracker_saying(conversation_id, "hello"))
    assert user_texts(await store.retrieve(conversation_id)) == ["hello"]


async def test_still_down_after_the_wait_starts_degraded_then_catches_up(
    own_postgres, db_login, conversation_id, monkeypatch, caplog
):
    own_postgres.stop()
    monkeypatch.setenv("PARTNERDESK_DB_WAIT_S", "1")
    caplog.set_level(logging.INFO, logger=LOGGER)
    started = time.monotonic()
    store = postgres_store(own_postgres, db_login)
    assert time.monotonic() - started < 10
    report = store.health()
    assert report["status"] == "degraded" and "OperationalError" in report["error"]
    errors = [  # this store's own: an earlier test's store may still retry in the background
        r
        for r in caplog.records
        if r.levelno == logging.ERROR and f"port {own_postgres.port} " in r.getMessage()
    ]
    assert len(errors) == 1 and "after waiting 1 s" in errors[0].getMessage()

    own_postgres.start()
    await store.save(tracker_saying(conversation_id, "hello"))  # journaled, then written
    assert user_texts(await store.retrieve(conversation_id)) == ["hello"]
    deadline = time.monotonic() + 30
    while store.health()["status"] != "ok":  # creates the tables, writes the journal
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert store.health() == {"status": "ok", "type": "sql", "dialect": "postgresql"}
    assert user_texts(await store.retrieve(conversation_id)) == ["hello"]
    assert [r.levelno for r in caplog.records].count(logging.WARNING) >= 1


async def test_outage_behind_rasas_fail_safe_store_logs_one_error_and_loses_nothing(
    own_postgres, db_login, conversation_id, caplog, monkeypatch, tmp_path
):
    monkeypatch.setenv("PARTNERDESK_JOURNAL_DIR", str(tmp_path / "journal"))
    monkeypatch.setenv("PARTNERDESK_JOURNAL_RETRY_S", "0.2")
    store = postgres_store(own_postgres, db_login)
    fail_safe = FailSafeTrackerStore(store)
    await fail_safe.save(tracker_saying(conversation_id, "before"))
    caplog.set_level(logging.INFO)
    own_postgres.stop()
    for number in range(5):  # what the Rasa server does on each turn
        tracker = await fail_safe.retrieve(conversation_id)
        assert user_texts(tracker)[0] == "before"  # the context is kept
        tracker.update(UserUttered(f"during {number}"))
        await fail_safe.save(tracker)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].name == LOGGER, [r.getMessage() for r in errors]
    assert store.health()["status"] == "degraded"

    own_postgres.start()
    deadline = time.monotonic() + 30
    while store.journal.pending:  # written in the background, no restart needed
        assert time.monotonic() < deadline
        time.sleep(0.1)
    tracker = await fail_safe.retrieve(conversation_id)
    tracker.update(UserUttered("after"))
    await fail_safe.save(tracker)
    expected = ["before"] + [f"during {n}" for n in range(5)] + ["after"]
    assert user_texts(await store.retrieve(conversation_id)) == expected
    recoveries = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert len(recoveries) == 1 and "answers again" in recoveries[0].getMessage()
    assert store.health()["status"] == "ok"


async def test_sqlite_works_unchanged(tmp_path, conversation_id):
    store = ResilientSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "conversations.db")
    )
    await store.save(tracker_saying(conversation_id, "hello", "again"))
    assert user_texts(await store.retrieve(conversation_id)) == ["hello", "again"]
    assert await store.keys() == [conversation_id]
    assert store.health() == {"status": "ok", "type": "sql", "dialect": "sqlite"}
