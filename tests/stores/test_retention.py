"""Retention that runs by itself: the daily prune in the tracker store's process."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from partnerdesk.stores import conversation_tables, retention
from partnerdesk.stores.retention import DailyRetention
from partnerdesk.stores.tracker_store import ResilientSQLTrackerStore

DAY = 86_400


def conversation(sender: str, age_days: float) -> DialogueStateTracker:
    stamp = time.time() - age_days * DAY
    return DialogueStateTracker.from_events(
        sender,
        [
            UserUttered(f"hello from {sender}", {"name": "greet"}, timestamp=stamp),
            ActionExecuted("utter_greet", timestamp=stamp + 1),
        ],
    )


def rows(engine, table: str, column: str) -> list:
    with engine.connect() as connection:
        found = connection.execute(sa.text(f"SELECT DISTINCT {column} FROM {table}"))
        return sorted(value for (value,) in found)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERDESK_JOURNAL_DIR", str(tmp_path / "journal"))
    monkeypatch.setenv("PARTNERDESK_RETENTION_INTERVAL_S", "0")
    made = ResilientSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "conversations.db")
    )
    for sender, age in (("old-one", 120), ("old-two", 91), ("recent", 2)):
        asyncio.run(made.save(conversation(sender, age)))
    return made


def test_the_tracker_store_prunes_by_itself_and_logs_counts_only(
    tmp_path, monkeypatch, caplog, store
):
    assert rows(store.engine, "tracker_windows", "conversation_id") == [
        "old-one",
        "old-two",
        "recent",
    ]
    caplog.set_level(logging.INFO, logger="partnerdesk.stores.retention")
    monkeypatch.setenv("PARTNERDESK_RETENTION_INTERVAL_S", "0.5")  # a short "day"
    server = ResilientSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "conversations.db")
    )
    deadline = time.monotonic() + 20
    while rows(server.engine, "events", "sender_id") != ["recent"]:
        assert time.monotonic() < deadline, "the daily prune did not run"
        time.sleep(0.1)
    server.retention.stop()
    assert rows(server.engine, "tracker_windows", "conversation_id") == ["recent"]
    messages = [r.getMessage() for r in caplog.records]
    assert "Retention: deleted 2 conversations (4 events, 2 other rows)" in messages[0]
    assert not any("old-" in message or "hello" in message for message in messages)


def test_one_run_per_interval_however_many_replicas(store):
    replicas = [DailyRetention(lambda: store.engine, interval_s=DAY) for _ in range(3)]
    now = time.time()
    results = [replica.run_once(now) for replica in replicas]
    assert [r is not None for r in results] == [True, False, False]
    assert (results[0].conversations, results[0].events) == (2, 4)
    assert replicas[1].run_once(now + DAY / 2) is None  # not due yet
    later = replicas[2].run_once(now + DAY)  # the next day: whichever replica wakes first
    assert later is not None and later.conversations == 0


def test_registered_conversation_tables_are_pruned_with_the_events(store, monkeypatch):
    with store.engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE partner_notes (conversation_id TEXT, note TEXT)"))
        for sender in ("old-one", "recent"):
            connection.execute(
                sa.text("INSERT INTO partner_notes VALUES (:sender, 'x')"), {"sender": sender}
            )
    monkeypatch.setattr(
        retention,
        "CONVERSATION_TABLES",
        (*conversation_tables.CONVERSATION_TABLES, "partner_notes", "not_created_yet"),
    )
    result = retention.prune(store.engine, time.time() - 90 * DAY)
    assert (result.conversations, result.events, result.other_rows) == (2, 4, 3)
    assert rows(store.engine, "partner_notes", "conversation_id") == ["recent"]
    assert rows(store.engine, "events", "sender_id") == ["recent"]


def test_a_bad_period_is_reported_once_and_prunes_nothing(store, monkeypatch, caplog):
    monkeypatch.setenv("PARTNERDESK_RETENTION_DAYS", "soon")
    replica = DailyRetention(lambda: store.engine, interval_s=DAY)
    assert replica.run_once() is None and replica.run_once() is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "PARTNERDESK_RETENTION_DAYS" in warnings[0]
    assert rows(store.engine, "events", "sender_id") == ["old-one", "old-two", "recent"]
