"""The SQL of the bounded tracker store: Rasa's ``events`` table and our window table.

Rasa's ``events`` table is written exactly as Rasa writes it (one row per event, the event
as JSON in ``data``), so reports, retention and Rasa's own HTTP API read it unchanged.
Beside it, ``tracker_windows`` holds one row per conversation: the id of the stored event
its loaded window starts at, and the snapshot events (JSON) that rebuild the state before
it (:mod:`partnerdesk.stores.history_window`). Statements are built once and reused, so
SQLAlchemy compiles each once per process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from partnerdesk.stores.tracker_db import events

SESSION_STARTED = "session_started"

metadata = sa.MetaData()
windows = sa.Table(
    "tracker_windows",
    metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("start_event_id", sa.Integer, nullable=False),
    sa.Column("snapshot", sa.Text, nullable=False),
)
# PostgreSQL's index on sender_id alone does not order a conversation's rows by id;
# SQLite's does (every index ends with the rowid), so there it is not created.
events_by_sender_and_id = sa.Index("ix_events_sender_id_id", events.c.sender_id, events.c.id)

_WINDOW = sa.select(windows.c.start_event_id, windows.c.snapshot).where(
    windows.c.conversation_id == sa.bindparam("sender")
)
_ROWS = (
    sa.select(events.c.id, events.c.type_name, events.c.timestamp, events.c.data)
    .where(events.c.sender_id == sa.bindparam("sender"), events.c.id >= sa.bindparam("start"))
    .order_by(events.c.id)
)
_SESSION_START = (
    sa.select(sa.func.max(events.c.timestamp))
    .where(events.c.sender_id == sa.bindparam("sender"), events.c.type_name == SESSION_STARTED)
    .scalar_subquery()
)
# Rasa's query for the latest session (SQLTrackerStore._event_query), with the ids.
_SESSION_ROWS = (
    sa.select(events.c.id, events.c.type_name, events.c.timestamp, events.c.data)
    .where(
        events.c.sender_id == sa.bindparam("sender"),
        sa.or_(events.c.timestamp >= _SESSION_START, _SESSION_START.is_(None)),
    )
    .order_by(events.c.id)
)
_NEWEST_IDS = (
    sa.select(events.c.id)
    .where(events.c.sender_id == sa.bindparam("sender"))
    .order_by(events.c.id.desc())
    .limit(sa.bindparam("count"))
)
_UPDATE_WINDOW = (
    windows.update()
    .where(windows.c.conversation_id == sa.bindparam("sender"))
    .values(start_event_id=sa.bindparam("start"), snapshot=sa.bindparam("snapshot"))
)
_INSERT_WINDOW = windows.insert().values(
    conversation_id=sa.bindparam("sender"),
    start_event_id=sa.bindparam("start"),
    snapshot=sa.bindparam("snapshot"),
)
_INSERT_EVENT = events.insert()


@dataclass
class StoredRows:
    """What a load read: the window's snapshot events and the stored rows after it."""

    snapshot: List[Dict[str, Any]]
    ids: List[int]
    data: List[str]
    window_start: Optional[int]  # None: the conversation has no window row yet
    session_cut: bool = False  # a newer session started inside the window


def create_tables(engine: Engine) -> None:
    """Create ``tracker_windows`` and, on server databases, the events index."""
    metadata.create_all(engine)
    if engine.dialect.name != "sqlite":
        events_by_sender_and_id.create(engine, checkfirst=True)


def load(connection: Connection, sender_id: str) -> StoredRows:
    """The conversation's window (or, without a window row, Rasa's latest session).

    As Rasa's SQL store reads a session: when a ``session_started`` event is among the
    rows, only the rows from its timestamp on are kept, and the snapshot is dropped.
    """
    window = connection.execute(_WINDOW, {"sender": sender_id}).first()
    if window is None:
        rows = connection.execute(_SESSION_ROWS, {"sender": sender_id}).all()
        snapshot: List[Dict[str, Any]] = []
        start = None
    else:
        rows = connection.execute(_ROWS, {"sender": sender_id, "start": window[0]}).all()
        snapshot, start = json.loads(window[1]), window[0]
    cut = False
    starts = [row[2] for row in rows if row[1] == SESSION_STARTED]
    if starts and window is not None:
        latest = max(starts)
        kept = [row for row in rows if row[2] is not None and row[2] >= latest]
        cut, snapshot = len(kept) < len(rows) or bool(snapshot), []
        rows = kept
    return StoredRows(snapshot, [row[0] for row in rows], [row[3] for row in rows], start, cut)


def insert(connection: Connection, rows: Sequence[Dict[str, Any]]) -> None:
    """Insert event rows in one statement.

    Each row has ``sender_id``, ``type_name``, ``timestamp``, ``intent_name``,
    ``action_name`` and ``data``.
    """
    if rows:
        connection.execute(_INSERT_EVENT, list(rows))


def newest_ids(connection: Connection, sender_id: str, count: int) -> List[int]:
    """The ids of the conversation's ``count`` newest rows, oldest first.

    Right after an insert under the conversation's lock, these are the inserted rows.
    """
    found = connection.execute(_NEWEST_IDS, {"sender": sender_id, "count": count}).scalars()
    return list(reversed(list(found)))


def set_window(connection: Connection, sender_id: str, start_event_id: int, snapshot: str) -> None:
    """Point the conversation's window at ``start_event_id`` with ``snapshot`` (JSON).

    Only the process holding the conversation's lock writes its row, so an update that
    finds no row can insert it.
    """
    values = {"sender": sender_id, "start": start_event_id, "snapshot": snapshot}
    if not connection.execute(_UPDATE_WINDOW, values).rowcount:
        connection.execute(_INSERT_WINDOW, values)


def forget_window(connection: Connection, sender_id: str) -> None:
    """Drop the conversation's window row: the next load reads the latest session."""
    connection.execute(windows.delete().where(windows.c.conversation_id == sender_id))


def event_row(sender_id: str, event: Dict[str, Any]) -> Dict[str, Any]:
    """The ``events`` row of a serialised event, as Rasa's ``SQLTrackerStore.save`` makes it."""
    return {
        "sender_id": sender_id,
        "type_name": event["event"],
        "timestamp": event.get("timestamp"),
        "intent_name": ((event.get("parse_data") or {}).get("intent") or {}).get("name"),
        "action_name": event.get("name"),
        "data": json.dumps(event),
    }
