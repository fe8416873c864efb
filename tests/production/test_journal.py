"""Nothing lost while PostgreSQL is down: the replica's journal, on real PostgreSQL.

The store runs in this process (and, for ``kill -9``, in a worker process); turns are
what the Rasa server does with a tracker store: retrieve, add events, save.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import psycopg2
import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from partnerdesk.stores.tracker_store import ResilientSQLTrackerStore
from tests.production.services import PostgresServer
from tests.servers import PROJECT_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture
def own_postgres(db_login):
    server = PostgresServer.create().start()
    server.create_database(db_login.name, db_login.user, db_login.password)
    yield server
    server.remove()


@pytest.fixture
def journal_dir(tmp_path, monkeypatch):
    folder = tmp_path / "journal"
    monkeypatch.setenv("PARTNERDESK_JOURNAL_DIR", str(folder))
    monkeypatch.setenv("PARTNERDESK_JOURNAL_RETRY_S", "0.2")
    monkeypatch.setenv("PARTNERDESK_DB_WAIT_S", "1")
    return folder


def make_store(server, login) -> ResilientSQLTrackerStore:
    return ResilientSQLTrackerStore(
        domain=Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=server.port,
        db=login.name,
        username=login.user,
        password=login.password,
    )


async def turn(store, sender: str, text: str) -> DialogueStateTracker:
    """One turn as the Rasa server runs it; returns the tracker it started from (copy)."""
    tracker = await store.retrieve(sender)
    if tracker is None:  # Rasa starts a session in a tracker it creates
        tracker = DialogueStateTracker(sender, [])
        for event in (
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
        ):
            tracker.update(event)
    before = tracker.copy()
    tracker.update(UserUttered(text))
    tracker.update(BotUttered(f"answer to {text}"))
    await store.save(tracker)
    return before


def user_texts(tracker) -> list:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def stored_rows(server, login, sender: str) -> list:
    connection = psycopg2.connect(
        host="127.0.0.1",
        port=server.port,
        dbname=login.name,
        user=login.user,
        password=login.password,
        connect_timeout=5,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(data) for (data,) in cursor.fetchall()]
    finally:
        connection.close()


def wait_written(store, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while store.journal.pending or store.db_error:
        assert time.monotonic() < deadline, store.health()
        time.sleep(0.1)


def assert_no_duplicates(events: list) -> None:
    keys = Counter((e["event"], e["timestamp"], e.get("text")) for e in events)
    assert [key for key, n in keys.items() if n > 1] == []


async def test_twenty_turns_during_an_outage_are_written_in_order_afterwards(
    own_postgres, db_login, conversation_id, journal_dir
):
    store = make_store(own_postgres, db_login)
    for number in range(3):
        await turn(store, conversation_id, f"before {number}")
    own_postgres.stop()
    during = [f"during {number}" for number in range(20)]
    for number, text in enumerate(during):
        context = await turn(store, conversation_id, text)
        # every turn is answered with the whole conversation so far
        assert user_texts(context) == [f"before {n}" for n in range(3)] + during[:number]
    report = store.health()
    assert report["status"] == "degraded" and report["mode"] == "journal"
    assert report["journal"]["pending_events"] == 40  # a user and a bot event per turn

    own_postgres.start()
    wait_written(store)
    events = stored_rows(own_postgres, db_login, conversation_id)
    texts = [e["text"] for e in events if e["event"] == "user"]
    assert texts == [f"before {n}" for n in range(3)] + during
    assert_no_duplicates(events)
    assert store.health() == {"status": "ok", "type": "sql", "dialect": "postgresql"}
    assert list(journal_dir.glob("*.journal")) == [store.journal.path]

    context = await turn(store, conversation_id, "after")  # read back from the database
    window = user_texts(context)  # the bounded window: the latest turns
    assert window and window == texts[-len(window) :]
    assert [e.get("text") for e in stored_rows(own_postgres, db_login, conversation_id)][-2:] == [
        "after",
        "answer to after",
    ]


async def test_a_crash_between_the_commit_and_the_journal_cleanup_writes_nothing_twice(
    own_postgres, db_login, conversation_id, journal_dir, monkeypatch
):
    monkeypatch.setenv("PARTNERDESK_JOURNAL_RETRY_S", "3600")  # replays run by hand here
    store = make_store(own_postgres, db_login)
    await turn(store, conversation_id, "before")
    own_postgres.stop()
    for number in range(3):
        await turn(store, conversation_id, f"during {number}")
    own_postgres.start()

    def crash(sender_id, up_to_seq):
        raise KeyboardInterrupt("killed after the commit")

    written = store.journal.written
    monkeypatch.setattr(store.journal, "written", crash)
    with pytest.raises(KeyboardInterrupt):
        store.replay_journals()
    assert store.journal.pending == 6  # the database has them; the journal still too
    monkeypatch.setattr(store.journal, "written", written)
    assert store.replay_journals() is True
    events = stored_rows(own_postgres, db_login, conversation_id)
    assert [e["text"] for e in events if e["event"] == "user"] == ["before"] + [
        f"during {n}" for n in range(3)
    ]
    assert_no_duplicates(events)


async def test_turns_journaled_by_two_replicas_are_merged_in_the_order_they_happened(
    own_postgres, db_login, conversation_id, journal_dir
):
    first, second = make_store(own_postgres, db_login), make_store(own_postgres, db_login)
    await turn(first, conversation_id, "before")
    own_postgres.stop()
    # The balancer sends a conversation's turns to either replica.
    for number, store in enumerate([first, second, first, second, second, first]):
        await turn(store, conversation_id, f"during {number}")
    own_postgres.start()
    wait_written(first)
    wait_written(second)
    events = stored_rows(own_postgres, db_login, conversation_id)
    assert [e["text"] for e in events if e["event"] == "user"] == ["before"] + [
        f"during {n}" for n in range(6)
    ]
    assert [e["text"] for e in events if e["event"] == "bot"] == ["answer to before"] + [
        f"answer to during {n}" for n in range(6)
    ]
    assert_no_duplicates(events)
    context = await turn(second, conversation_id, "after")
    assert user_texts(context)[-1] == "during 5"


async def test_a_replica_that_never_saw_the_conversation_does_not_split_its_session(
    own_postgres, db_login, conversation_id, journal_dir
):
    first, second = make_store(own_postgres, db_login), make_store(own_postgres, db_login)
    await turn(first, conversation_id, "before")
    own_postgres.stop()
    assert user_texts(await turn(second, conversation_id, "blind")) == []  # no context there
    await turn(first, conversation_id, "with context")
    own_postgres.start()
    wait_written(first)
    wait_written(second)
    events = stored_rows(own_postgres, db_login, conversation_id)
    assert [e["text"] for e in events if e["event"] == "user"] == [
        "before",
        "blind",
        "with context",
    ]
    assert sum(e["event"] == "session_started" for e in events) == 1
    context = await turn(second, conversation_id, "after")  # the session goes on
    assert user_texts(context) == ["before", "blind", "with context"]


def start_worker(server, login, sender: str, env: dict) -> subprocess.Popen:
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.production.journal_worker",
            "--port",
            str(server.port),
            "--db",
            login.name,
            "--user",
            login.user,
            "--password",
            login.password,
            "--conversation",
            sender,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout.readline().strip() == "ok"
    return worker


def command(worker: subprocess.Popen, line: str) -> str:
    worker.stdin.write(line + "\n")
    worker.stdin.flush()
    return worker.stdout.readline().strip()


async def test_kill_9_during_the_outage_loses_nothing_journaled(
    own_postgres, db_login, conversation_id, journal_dir
):
    env = {"PARTNERDESK_JOURNAL_DIR": str(journal_dir), "PARTNERDESK_JOURNAL_RETRY_S": "0.2"}
    worker = start_worker(own_postgres, db_login, conversation_id, env)
    try:
        assert command(worker, "turn before") == "ok"
        own_postgres.stop()
        for number in range(10):
            assert command(worker, f"turn during {number}") == "ok"
        assert json.loads(command(worker, "health"))["journal"]["pending_events"] == 20
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    assert worker.returncode == -signal.SIGKILL

    # A replica started on the machine while the database is still down takes the journal
    # over and answers with the conversation's context, from the journal alone.
    store = make_store(own_postgres, db_login)
    assert store.journal.pending == 20
    during = [f"during {n}" for n in range(10)]
    context = await turn(store, conversation_id, "after the restart")
    assert user_texts(context) == ["before", *during]

    own_postgres.start()
    wait_written(store)
    events = stored_rows(own_postgres, db_login, conversation_id)
    assert [e["text"] for e in events if e["event"] == "user"] == (
        ["before", *during, "after the restart"]
    )
    assert_no_duplicates(events)


async def test_a_dead_replicas_journal_is_written_by_another_one(
    own_postgres, db_login, conversation_id, journal_dir
):
    env = {"PARTNERDESK_JOURNAL_DIR": str(journal_dir), "PARTNERDESK_JOURNAL_RETRY_S": "0.2"}
    store = make_store(own_postgres, db_login)  # holds a journal of its own
    worker = start_worker(own_postgres, db_login, conversation_id, env)
    own_postgres.stop()
    try:
        assert command(worker, "turn while down") == "ok"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    (orphan,) = [p for p in journal_dir.glob("*.journal") if p != store.journal.path]
    own_postgres.start()
    deadline = time.monotonic() + 30
    while orphan.exists():  # the surviving store's background replay takes it
        store.start_recovery()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    events = stored_rows(own_postgres, db_login, conversation_id)
    assert [e["text"] for e in events if e["event"] == "user"] == ["while down"]
    assert list(journal_dir.glob("*.journal")) == [store.journal.path]
