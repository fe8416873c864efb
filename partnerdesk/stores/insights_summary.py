"""The insights' summary: each conversation's facts, kept beside Rasa's ``events`` table.

Deciding outcomes means reading every event of every conversation; a year of a busy
assistant is a million events and gigabytes of JSON. So each conversation's
:class:`~partnerdesk.core.outcomes.SessionFacts` are kept in ``insights_sessions`` (one
row per conversation, indexed by start time) and brought up to date before each query
(:func:`refresh`): only the senders with new events are read again, whole, with the same
pure functions as a full recount (:func:`recount`), so both give the same facts.

- **New events**: senders with an event id above the last one counted. On PostgreSQL a
  transaction may commit a lower id after a higher one is visible, so there the last id
  counted is that of the newest event older than :data:`MARGIN_S` seconds: the senders of
  the last minutes are read again at the next refresh (SQLite writes one at a time).
- **Deleted events** (``partnerdesk prune``): the number of events up to the last counted
  id is kept; when it changed, every sender's count is compared with ``insights_senders``
  and the senders that differ are read again (or dropped).
- **A new version of the definitions** (:data:`VERSION`) starts the summary afresh.

One refresh runs at a time per database (an advisory lock on PostgreSQL, a lock file
beside the SQLite file); others wait for it. The facts hold masked texts only. Rasa's
``events`` table gets an index on ``timestamp`` (for periods and the margin).
"""

from __future__ import annotations

import contextlib
import fcntl
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Dict, Iterator, List, Optional, Sequence

import sqlalchemy as sa
import ujson
from sqlalchemy.engine import Connection, Engine

from partnerdesk.core.insights import tally
from partnerdesk.core.outcomes import SessionFacts
from partnerdesk.core.session_fold import sender_sessions
from partnerdesk.stores.event_reader import iter_senders
from partnerdesk.stores.insights_tables import (
    details_table,
    metadata,
    senders_table,
    sessions_table,
    state_table,
)
from partnerdesk.stores.tracker_db import connect, events

VERSION = "4"
"""Change it when the facts or their definitions change: the summary is then rebuilt."""
MARGIN_S = 300.0
SENDER_BATCH = 500
LOCK_WAIT_S = 60.0
LOCK_KEY = 0x5044_494E  # "PDIN": PartnerDesk insights, the PostgreSQL advisory lock


class InsightsBusy(Exception):
    """Another refresh holds the lock for longer than :data:`LOCK_WAIT_S`."""


@dataclass
class RefreshStats:
    """What a refresh did."""

    senders: int = 0
    conversations: int = 0
    rebuilt: bool = False
    seconds: float = 0.0


_prepared: Dict[str, bool] = {}
_thread_locks: Dict[str, threading.Lock] = {}
_engines: Dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: sa.engine.URL) -> Engine:
    """One engine per tracker-store URL for the insights (SQLAlchemy 2.0 style, pre-pinged).

    Rasa's own engine is of the 1.4 style and sized for its turns; the insights keep theirs.

    Raises:
        TrackerStoreError: The store cannot be opened or has no ``events`` table.
    """
    key = url.render_as_string(hide_password=False)
    with _engines_lock:
        if key not in _engines:
            _engines[key] = connect(url)
        return _engines[key]


def ensure_schema(engine: Engine) -> None:
    """Create the summary tables and the ``events.timestamp`` index if missing (under the lock)."""
    key = engine.url.render_as_string(hide_password=False)
    if _prepared.get(key):
        return
    metadata.create_all(engine, checkfirst=True)  # under the refresh lock
    indexes = sa.inspect(engine).get_indexes(events.name)
    if not any(index["column_names"] == ["timestamp"] for index in indexes):
        concurrently = "CONCURRENTLY " if engine.dialect.name == "postgresql" else ""
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(
                f"CREATE INDEX {concurrently}IF NOT EXISTS ix_events_timestamp "
                "ON events (timestamp)"
            )
    _prepared[key] = True


@contextlib.contextmanager
def refresh_lock(engine: Engine, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the database's refresh lock (see the module); :class:`InsightsBusy` after ``wait_s``."""
    key = engine.url.render_as_string(hide_password=False)
    local = _thread_locks.setdefault(key, threading.Lock())
    if not local.acquire(timeout=wait_s):
        raise InsightsBusy()
    try:
        with _database_lock(engine, wait_s):
            yield
    finally:
        local.release()


@contextlib.contextmanager
def _database_lock(engine: Engine, wait_s: float) -> Iterator[None]:
    deadline = time.monotonic() + wait_s
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            take = sa.text("SELECT pg_try_advisory_lock(:key)")
            while not connection.execute(take, {"key": LOCK_KEY}).scalar():
                if time.monotonic() > deadline:
                    raise InsightsBusy()
                time.sleep(0.2)
            try:
                yield
            finally:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.insights-lock", "a") as lock_file:
        while True:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise InsightsBusy() from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _state(connection: Connection) -> Dict[str, str]:
    rows = connection.execute(sa.select(state_table.c.name, state_table.c.value))
    return {name: value for name, value in rows}


def _count_upto(connection: Connection, last_id: int) -> int:
    """Events with an id up to ``last_id``: all less those above it (few).

    Counting all of them reads an index; counting a range of ids would read the table,
    whose rows are about 10 KB.
    """
    every = connection.execute(sa.select(sa.func.count()).select_from(events)).scalar()
    above = sa.select(sa.func.count()).select_from(events).where(events.c.id > last_id)
    return int(every or 0) - int(connection.execute(above).scalar() or 0)


def _facts_of(connection: Connection, senders: Sequence[str]) -> List[SessionFacts]:
    found: List[SessionFacts] = []
    for sender, sender_events in iter_senders(connection, senders):
        found += sender_sessions(sender, sender_events)
    return found


def _event_counts(connection: Connection, senders: Sequence[str], last_id: int) -> Dict[str, int]:
    query = (
        sa.select(events.c.sender_id, sa.func.count())
        .where(events.c.sender_id.in_(list(senders)), events.c.id <= last_id)
        .group_by(events.c.sender_id)
    )
    return {sender: int(count) for sender, count in connection.execute(query)}


def _write(engine: Engine, senders: Sequence[str], last_id: int, fresh: bool) -> int:
    """Count ``senders`` again and replace their rows; the number of conversations written."""
    with engine.connect() as reading:
        facts = _facts_of(reading, senders)
        counts = _event_counts(reading, senders, last_id)
        reading.rollback()
    with engine.begin() as writing:
        if not fresh:
            for table in (sessions_table, details_table, senders_table):
                writing.execute(table.delete().where(table.c.sender_id.in_(senders)))
        if facts:
            writing.execute(sessions_table.insert(), [_row(f) for f in facts])
            writing.execute(details_table.insert(), [_details(f) for f in facts])
        if counts:
            writing.execute(
                senders_table.insert(),
                [{"sender_id": sender, "events": count} for sender, count in counts.items()],
            )
    return len(facts)


def _json(value: Any) -> Optional[str]:
    return str(ujson.dumps(value, ensure_ascii=False)) if value else None


def _row(facts: SessionFacts) -> Dict[str, Any]:
    counts = tally(facts)
    return {
        "sender_id": facts.sender_id,
        **counts._asdict(),
        "faqs": _json(counts.faqs),
        "first_replies": _json(list(counts.first_replies)),
    }


def _details(facts: SessionFacts) -> Dict[str, Any]:
    return {
        "sender_id": facts.sender_id,
        "started_at": facts.started_at,
        "unanswered": _json([asdict(q) for q in facts.unanswered]),
        "facts": _json(facts.to_dict()),
    }


def _changed_senders(connection: Connection, last_id: int) -> List[str]:
    """Senders whose events up to ``last_id`` are not those counted (some were deleted)."""
    query = (
        sa.select(events.c.sender_id, sa.func.count())
        .where(events.c.id <= last_id)
        .group_by(events.c.sender_id)
    )
    stored = {sender: int(count) for sender, count in connection.execute(query)}
    counts = sa.select(senders_table.c.sender_id, senders_table.c.events)
    kept = {sender: int(count) for sender, count in connection.execute(counts)}
    return sorted(s for s in set(stored) | set(kept) if stored.get(s) != kept.get(s))


def _touched(connection: Connection, watermark: int) -> List[str]:
    query = sa.select(events.c.sender_id).distinct().where(events.c.id > watermark)
    return [row[0] for row in connection.execute(query)]


def _settled_id(connection: Connection, began: float) -> int:
    """The highest id below which every event is committed (see the module)."""
    query = sa.select(sa.func.max(events.c.id))
    if connection.dialect.name != "sqlite":  # ids may commit out of order
        query = query.where(events.c.timestamp < began - MARGIN_S)
    return int(connection.execute(query).scalar() or 0)


def refresh(engine: Engine, wait_s: float = LOCK_WAIT_S) -> RefreshStats:
    """Bring the summary up to date with the ``events`` table (see the module)."""
    began, stats = time.time(), RefreshStats()
    with refresh_lock(engine, wait_s):
        ensure_schema(engine)
        with engine.connect() as connection:
            state = _state(connection)
            last_id = _settled_id(connection, began)
            watermark = int(state.get("watermark", 0))
            newest = int(connection.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0)
            stats.rebuilt = state.get("version") != VERSION or watermark > newest
            changed: List[str] = []
            if stats.rebuilt:
                watermark = 0
            elif _count_upto(connection, watermark) != int(state["covered"]):
                changed = _changed_senders(connection, watermark)
            touched = sorted(set(changed) | set(_touched(connection, watermark)))
            connection.rollback()
        if stats.rebuilt:  # the tables may be of an older version: made afresh
            metadata.drop_all(engine)
            metadata.create_all(engine)
        for start in range(0, len(touched), SENDER_BATCH):
            batch = touched[start : start + SENDER_BATCH]
            stats.conversations += _write(engine, batch, last_id, fresh=stats.rebuilt)
        stats.senders = len(touched)
        with engine.begin() as writing:
            covered = _count_upto(writing, last_id)
            writing.execute(state_table.delete())
            values = {"version": VERSION, "watermark": last_id, "covered": covered}
            writing.execute(
                state_table.insert(),
                [
                    {"name": k, "value": str(v)}
                    for k, v in {**values, "refreshed_at": began}.items()
                ],
            )
    stats.seconds = time.time() - began
    return stats
