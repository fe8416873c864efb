"""``partnerdesk prune`` on stores that Rasa's own SQLTrackerStore wrote, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import sqlalchemy as sa

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.tools.retention import PruneResult, default_days, prune
from tests.servers import free_port

CLI = str(PROJECT_ROOT / ".venv" / "bin" / "partnerdesk")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DAY = 86_400
NOW = time.time()
# sender id -> ages in days of its events, oldest first
CONVERSATIONS: Dict[str, List[float]] = {
    "old": [200, 200, 199.9],
    "just-over": [91, 91],
    "long-running": [200, 120, 10],  # started long ago, still going on: kept whole
    "recent": [1, 0.5],
}
OLD_TEXT = "please mail the invoice to old-partner@contoso.com"


def tracker_store(**kwargs):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    return SQLTrackerStore(Domain.empty(), **kwargs)


def fill(store) -> None:
    """Write the conversations through Rasa's tracker store, with past timestamps."""
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    for sender_id, ages in CONVERSATIONS.items():
        events = []
        for number, age in enumerate(ages):
            stamp = NOW - age * DAY
            text = OLD_TEXT if sender_id == "old" else f"message {number}"
            events += [
                UserUttered(text, {"name": "faq"}, timestamp=stamp),
                ActionExecuted("utter_faq", timestamp=stamp + 1),
            ]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender_id, events)))


def stored(store) -> Dict[str, int]:
    """Events per sender id, as Rasa's store reads them back."""
    senders = asyncio.run(store.keys())
    return {s: len(asyncio.run(store.retrieve(s)).events) for s in sorted(senders)}


def run_cli(*args: str, env: Dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, "prune", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", **(env or {})},
    )


@pytest.fixture
def sqlite_store(tmp_path):
    db = tmp_path / "conversations.db"
    store = tracker_store(dialect="sqlite", db=str(db))
    fill(store)
    return db, store


def test_prune_deletes_whole_old_conversations_only(sqlite_store):
    db, store = sqlite_store
    engine = sa.create_engine(f"sqlite:///{db}")
    before = stored(store)
    assert OLD_TEXT.encode() in db.read_bytes()
    assert prune(engine, NOW - 90 * DAY, dry_run=True) == PruneResult(2, 10)
    assert stored(store) == before

    result = prune(engine, NOW - 90 * DAY)
    assert (result.conversations, result.events, result.vacuumed) == (2, 10, True)
    assert stored(store) == {"long-running": before["long-running"], "recent": before["recent"]}
    assert OLD_TEXT.encode() not in db.read_bytes()  # vacuumed: not left in free pages
    assert prune(engine, NOW - 90 * DAY) == PruneResult(0, 0)


def test_cli_uses_the_period_from_the_environment_then_the_default(sqlite_store):
    db, store = sqlite_store
    url = f"sqlite:///{db}"
    result = run_cli("--db-url", url, "--dry-run", env={"PARTNERDESK_RETENTION_DAYS": "150"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Would delete 1 conversation (6 events)")
    assert "older than 150 days" in result.stdout

    result = run_cli("--db-url", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Deleted 2 conversations (10 events)")
    assert "older than 90 days" in result.stdout
    assert set(stored(store)) == {"long-running", "recent"}

    result = run_cli("--db-url", url, "--days", "5")
    assert result.stdout.startswith("Deleted 1 conversation (6 events)"), result.stderr
    assert set(stored(store)) == {"recent"}


def test_cli_reads_the_store_from_an_endpoints_file(sqlite_store, tmp_path):
    db, store = sqlite_store
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n")
    result = run_cli("--endpoints", str(endpoints), "--days", "100")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Deleted 1 conversation (6 events)")
    assert set(stored(store)) == {"just-over", "long-running", "recent"}


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["--days", "0"], {}, 2, "not a whole number of days"),
        (["--days", "ninety"], {}, 2, "not a whole number of days"),
        ([], {"PARTNERDESK_RETENTION_DAYS": "-5"}, 2, "PARTNERDESK_RETENTION_DAYS"),
        (["--db-url", "sqlite:////nonexistent/x.db"], {}, 1, "no SQLite tracker store"),
    ],
)
def test_bad_periods_and_stores_get_a_clear_message(args, env, code, message):
    result = run_cli(*args, env=env)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr


def test_default_days():
    assert default_days({}) == 90
    assert default_days({"PARTNERDESK_RETENTION_DAYS": " 30 "}) == 30


def _as_postgres(*command: str) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool as the ``postgres`` user (PostgreSQL refuses to run as root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def postgres_port() -> Iterator[int]:
    """A throwaway PostgreSQL 15 server on a free loopback port, data in a temporary folder."""
    if not (PG_BIN / "initdb").is_file():
        pytest.skip("PostgreSQL 15 is not installed (scripts/test installs it)")
    base = Path(tempfile.mkdtemp(prefix="partnerdesk-retention-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", free_port()
    try:
        init = _as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        assert init.returncode == 0, init.stderr
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        start = _as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(base / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        assert start.returncode == 0, start.stderr + start.stdout
        yield port
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_postgresql_alike(postgres_port, tmp_path):
    store = tracker_store(
        dialect="postgresql",
        host="127.0.0.1",
        port=postgres_port,
        username="postgres",
        db="rasa",
        login_db="postgres",
    )
    fill(store)
    url = f"postgresql://postgres@127.0.0.1:{postgres_port}/rasa"
    before = stored(store)

    result = run_cli("--db-url", url, "--dry-run")
    assert result.stdout.startswith("Would delete 2 conversations (10 events)"), result.stderr
    assert stored(store) == before

    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  host: 127.0.0.1\n"
        f"  port: {postgres_port}\n  username: postgres\n  db: rasa\n  login_db: postgres\n"
    )
    result = run_cli("--endpoints", str(endpoints))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Deleted 2 conversations (10 events)")
    assert stored(store) == {"long-running": before["long-running"], "recent": before["recent"]}
    assert prune(sa.create_engine(url), NOW - 5 * DAY) == PruneResult(1, 6)
    assert set(stored(store)) == {"recent"}


def test_prune_deletes_the_handoff_records_of_the_conversations_it_deletes(sqlite_store):
    from partnerdesk.core.handoff import Handoff
    from partnerdesk.handoff.store import HandoffStore, new_id

    db, _ = sqlite_store
    engine = sa.create_engine(f"sqlite:///{db}")
    handoffs = HandoffStore(engine)
    handoffs.create_tables()
    for sender in ("old", "recent"):
        record = handoffs.create(Handoff(new_id(), sender, "rest", "en", "waiting", "asked", NOW))
        handoffs.queue(record, "agent reply", "Mina")
    assert prune(engine, NOW - 90 * DAY).conversations == 2
    assert handoffs.open_for("old") is None and handoffs.take_queued("old") == []
    assert handoffs.open_for("recent") is not None
    assert [m.text for m in handoffs.take_queued("recent")] == ["agent reply"]
