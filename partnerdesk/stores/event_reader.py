"""Rasa's stored events, slimmed to what the insights read, one sender at a time.

A stored user event is about 10 KB of JSON (the response selector keeps every answer's
text), and parsing it in Python takes about 0.2 ms. The few fields the insights need are
taken out by the database instead (SQLite's ``json_extract``, PostgreSQL's ``jsonb``), in
C, as one small JSON array per row; everything else comes from Rasa's own columns
(``type_name``, ``timestamp``, ``intent_name``, ``action_name``). The events come back as
dictionaries with Rasa's keys (``Event.as_dict()``, reduced), so the pure outcome module
reads them like full events.

Only events the outcomes use are read: partner and bot messages, the ``language`` and
``handoff_reason`` slots, pauses and resumes, and ``action_session_start``. A row whose
``data`` is not JSON keeps its columns and loses its JSON fields (SQLite), or is parsed
in Python (PostgreSQL, which cannot test JSON before casting it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
import ujson
from sqlalchemy.engine import Connection

from partnerdesk.core.outcomes import HANDOFF_SLOT, LANGUAGE_SLOT, SESSION_START_ACTION

JSON_TYPES = ("user", "bot", "slot")
# The JSON fields taken out of a row, in this order.
PATHS = (
    ("text",),
    ("input_channel",),
    ("parse_data", "entities"),
    ("metadata", "utter_action"),
    ("metadata", "agent"),
    ("value",),
)
Event = Dict[str, Any]

_RELEVANT = (
    "type_name IN ('user', 'bot', 'slot', 'pause', 'resume', 'action')"
    f" AND (type_name <> 'action' OR action_name = '{SESSION_START_ACTION}')"
    f" AND (type_name <> 'slot' OR action_name IN ('{LANGUAGE_SLOT}', '{HANDOFF_SLOT}'))"
)
_JSON_TYPES_SQL = ", ".join(f"'{name}'" for name in JSON_TYPES)


def _fields_sql(dialect: str) -> str:
    if dialect == "sqlite":
        paths = ", ".join("'$." + ".".join(path) + "'" for path in PATHS)
        return (
            f"CASE WHEN type_name IN ({_JSON_TYPES_SQL}) AND json_valid(data) "
            f"THEN json_extract(data, {paths}) END"
        )
    if dialect == "postgresql":
        parts = ", ".join(
            "CAST(data AS jsonb)" + "".join(f" -> '{key}'" for key in path) for path in PATHS
        )
        return (
            f"CASE WHEN type_name IN ({_JSON_TYPES_SQL}) "
            f"THEN CAST(jsonb_build_array({parts}) AS text) END"
        )
    return "NULL"


def _select(dialect: str, condition: str, raw: bool) -> str:
    fields = "data" if raw or dialect not in ("sqlite", "postgresql") else _fields_sql(dialect)
    return (
        "SELECT id, sender_id, type_name, timestamp, intent_name, action_name, "
        f"{fields} AS fields FROM events WHERE {_RELEVANT} AND {condition} "
        "ORDER BY sender_id, id"
    )


def _raw_fields(data: Optional[str]) -> Optional[List[Any]]:
    """The JSON fields of a row read in Python (other databases, or broken JSON in PostgreSQL)."""
    try:
        event = json.loads(data or "")
    except (ValueError, RecursionError):
        return None
    if not isinstance(event, dict):
        return None
    found = []
    for path in PATHS:
        node: Any = event
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        found.append(node)
    return found


def to_event(row: Sequence[Any], raw: bool = False) -> Event:
    """A row of :func:`iter_senders`' query as an event dictionary with Rasa's keys."""
    _, _, type_name, timestamp, intent_name, action_name, fields = row
    event: Event = {"event": type_name, "timestamp": timestamp or 0.0}
    if type_name == "action":
        event["name"] = action_name
        return event
    if type_name not in JSON_TYPES:
        return event
    values = _raw_fields(fields) if raw else (ujson.loads(fields) if fields else None)
    text, channel, entities, utter_action, agent, value = values or [None] * len(PATHS)
    if type_name == "user":
        event["text"] = text
        event["input_channel"] = channel
        event["parse_data"] = {"intent": {"name": intent_name}, "entities": entities or []}
    elif type_name == "bot":
        event["metadata"] = {"utter_action": utter_action, "agent": agent}
    else:
        event["name"] = action_name
        event["value"] = value
    return event


def _group(rows: Iterable[Sequence[Any]], raw: bool) -> Iterator[Tuple[str, List[Event]]]:
    sender: Optional[str] = None
    events: List[Event] = []
    for row in rows:
        if row[1] != sender:
            if sender is not None:
                yield sender, events
            sender, events = row[1], []
        events.append(to_event(row, raw))
    if sender is not None:
        yield sender, events


def iter_senders(
    connection: Connection, senders: Sequence[str]
) -> Iterator[Tuple[str, List[Event]]]:
    """``(sender_id, events)`` for each of ``senders`` that has events, in stored order.

    PostgreSQL answers a batch whose JSON does not parse with an error; that batch is then
    read again and parsed in Python.
    """
    if not senders:
        return
    dialect = connection.dialect.name
    raw = dialect not in ("sqlite", "postgresql")

    def rows(raw: bool) -> List[Any]:
        statement = sa.text(_select(dialect, "sender_id IN :senders", raw)).bindparams(
            sa.bindparam("senders", expanding=True)
        )
        return connection.execute(statement, {"senders": list(senders)}).fetchall()

    if dialect == "postgresql":
        try:
            with connection.begin_nested():
                found = rows(False)
        except sa.exc.DataError:
            raw = True
            found = rows(True)
    else:
        found = rows(raw)
    yield from _group(found, raw)
