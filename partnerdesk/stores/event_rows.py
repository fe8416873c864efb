"""The SQL of the bounded tracker store: Rasa's ``events`` table and our window table.

Rasa's ``events`` table is written exactly as Rasa writes it (one row per event, the event
as JSON in ``data``), so reports, retention and Rasa's own HTTP API read it unchanged.
Beside it, ``tracker_windows`` holds one row per conversation: the id of the stored event
its loaded window starts at, and the snapshot events (JSON) that rebuild the state before
it (:mod:`partnerdesk.stores.history_window`).

The statements of every turn go to the driver's cursor as plain SQL on SQLite and
PostgreSQL, inside the SQLAlchemy transaction: SQLAlchemy's execution path cost a tenth of a
millisecond per statement, a few percent of a turn. Other dialects use the same statements
through SQLAlchemy Core.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa
import ujson
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
_LAST_ID = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sa.bindparam("sender"))
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


# The statements of every turn, with :named parameters (see _driver_sql()).
_HOT_SQL = {
    "last_id": "SELECT max(id) FROM events WHERE sender_id = :sender",
    "window": "SELECT start_event_id, snapshot FROM tracker_windows "
    "WHERE conversation_id = :sender",
    "rows": "SELECT id, type_name, timestamp, data FROM events "
    "WHERE sender_id = :sender AND id >= :start ORDER BY id",
}
_HOT_CORE = {"last_id": _LAST_ID, "window": _WINDOW, "rows": _ROWS}
_EVENT_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
_INSERT_CHUNK = 500  # rows per INSERT (SQLite allows 32766 parameters)
_DRIVERS = {("sqlite", "pysqlite"): "named", ("postgresql", "psycopg2"): "pyformat"}


def _style(connection: Connection) -> Optional[str]:
    """The parameter style plain SQL is sent in, or None to use SQLAlchemy Core."""
    dialect = connection.dialect
    return _DRIVERS.get((dialect.name, dialect.driver))


@functools.lru_cache(maxsize=None)
def _driver_sql(sql: str, style: str) -> str:
    """``sql`` with its ``:name`` parameters in the driver's style."""
    return sql if style == "named" else re.sub(r":(\w+)", r"%(\1)s", sql)


def _cursor(connection: Connection, sql: str, params: Dict[str, Any], style: str) -> Any:
    """A driver cursor that ran ``sql`` (in the connection's current transaction)."""
    cursor = connection.connection.cursor()
    cursor.execute(_driver_sql(sql, style), params)
    return cursor


def _hot(connection: Connection, name: str, params: Dict[str, Any]) -> List[Tuple[Any, ...]]:
    """The rows of one of the turn's queries."""
    style = _style(connection)
    if style is None:
        return [tuple(row) for row in connection.execute(_HOT_CORE[name], params)]
    cursor = _cursor(connection, _HOT_SQL[name], params, style)
    try:
        return list(cursor.fetchall())
    finally:
        cursor.close()


@functools.lru_cache(maxsize=64)
def _insert_sql(count: int) -> str:
    values = ", ".join(
        "(" + ", ".join(f":{column}_{i}" for column in _EVENT_COLUMNS) + ")" for i in range(count)
    )
    return f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) VALUES {values} RETURNING id"


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
    found = _hot(connection, "window", {"sender": sender_id})
    window = found[0] if found else None
    if window is None:
        rows = connection.execute(_SESSION_ROWS, {"sender": sender_id}).all()
        snapshot: List[Dict[str, Any]] = []
        start = None
    else:
        rows = _hot(connection, "rows", {"sender": sender_id, "start": window[0]})
        snapshot, start = json.loads(window[1]), window[0]
    cut = False
    starts = [row[2] for row in rows if row[1] == SESSION_STARTED]
    if starts and window is not None:
        latest = max(starts)
        kept = [row for row in rows if row[2] is not None and row[2] >= latest]
        cut, snapshot = len(kept) < len(rows) or bool(snapshot), []
        rows = kept
    return StoredRows(snapshot, [row[0] for row in rows], [row[3] for row in rows], start, cut)


def insert(connection: Connection, rows: Sequence[Dict[str, Any]]) -> List[int]:
    """Insert event rows, in order; their ids, in the same order.

    Each row has ``sender_id``, ``type_name``, ``timestamp``, ``intent_name``,
    ``action_name`` and ``data``. One multi-row ``INSERT … RETURNING id`` per 500 rows
    (SQLite ≥ 3.35 and PostgreSQL number the rows of one statement in order).
    """
    style, ids = _style(connection), []
    if style is None or not _returns_ids(connection):
        for row in rows:
            ids.append(connection.execute(_INSERT_EVENT, row).inserted_primary_key[0])
        return ids
    for begin in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[begin : begin + _INSERT_CHUNK]
        params = {f"{k}_{i}": row[k] for i, row in enumerate(chunk) for k in _EVENT_COLUMNS}
        cursor = _cursor(connection, _insert_sql(len(chunk)), params, style)
        try:
            ids += sorted(row[0] for row in cursor.fetchall())
        finally:
            cursor.close()
    return ids


def _returns_ids(connection: Connection) -> bool:
    """Whether ``INSERT … RETURNING`` works (SQLite from 3.35 on; PostgreSQL always)."""
    if connection.dialect.name != "sqlite":
        return True
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 35)


def last_id(connection: Connection, sender_id: str) -> Optional[int]:
    """The id of the conversation's newest stored event (None: it has none)."""
    found = _hot(connection, "last_id", {"sender": sender_id})[0][0]
    return int(found) if found is not None else None


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


def dump(data: Any) -> str:
    """``data`` as JSON, as ``json.dumps`` writes it but for the spaces (3 times faster).

    Event data with values ujson refuses (NaN, infinities, huge integers) go through
    ``json.dumps``.
    """
    try:
        return str(ujson.dumps(data, ensure_ascii=True, escape_forward_slashes=False))
    except (OverflowError, TypeError, ValueError):
        return json.dumps(data)


def event_row(sender_id: str, event: Dict[str, Any]) -> Dict[str, Any]:
    """The ``events`` row of a serialised event, as Rasa's ``SQLTrackerStore.save`` makes it."""
    return {
        "sender_id": sender_id,
        "type_name": event["event"],
        "timestamp": event.get("timestamp"),
        "intent_name": ((event.get("parse_data") or {}).get("intent") or {}).get("name"),
        "action_name": event.get("name"),
        "data": dump(event),
    }
