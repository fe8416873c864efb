"""What the journal's replay writes in the database besides events, and how it merges.

``tracker_journal_replays`` holds, per journal file (its random id) and conversation, the
last journal ``seq`` written to the database; the replay updates it in the transaction of
the events, so an entry is never written twice
(:mod:`partnerdesk.stores.journaled_store`). :func:`merge_turns` orders a conversation's
journaled turns among those another replica stored meanwhile.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from partnerdesk.stores import event_rows
from partnerdesk.stores.tracker_db import events as events_table

metadata = sa.MetaData()
replays = sa.Table(
    "tracker_journal_replays",
    metadata,
    sa.Column("journal_id", sa.String(32), primary_key=True),
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)


def create_tables(engine: Engine) -> None:
    """Create ``tracker_journal_replays``."""
    metadata.create_all(engine)


def replayed_seq(connection: Connection, journal_id: str, sender_id: str) -> int:
    """The journal ``seq`` already written for the conversation (0: none), row locked."""
    query = sa.select(replays.c.last_seq).where(
        replays.c.journal_id == journal_id, replays.c.sender_id == sender_id
    )
    if connection.dialect.name != "sqlite":
        query = query.with_for_update()
    found = connection.execute(query).scalar()
    return int(found) if found is not None else 0


def set_replayed(connection: Connection, journal_id: str, sender_id: str, seq: int) -> None:
    """Record that the conversation's journal entries up to ``seq`` are written."""
    where = (replays.c.journal_id == journal_id, replays.c.sender_id == sender_id)
    if not connection.execute(replays.update().where(*where).values(last_seq=seq)).rowcount:
        connection.execute(
            replays.insert().values(journal_id=journal_id, sender_id=sender_id, last_seq=seq)
        )


def turns(events: List[Dict[str, Any]]) -> List[List[Dict[str, Any]]]:
    """The events cut into turns: a new turn at each user message."""
    cut: List[List[Dict[str, Any]]] = []
    for event in events:
        if not cut or event.get("event") == "user":
            cut.append([])
        cut[-1].append(event)
    return cut


def merge_turns(first: List[Dict[str, Any]], second: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Two conversations' event lists merged turn by turn, by when each turn began.

    Turns of one conversation never overlap (its lock), so their start times order them;
    events inside a turn keep their order. On a tie ``first``'s turn goes first.
    """
    merged: List[Dict[str, Any]] = []
    a, b = turns(first), turns(second)
    while a and b:
        take_a = float(a[0][0].get("timestamp") or 0) <= float(b[0][0].get("timestamp") or 0)
        merged += (a if take_a else b).pop(0)
    for rest in a + b:
        merged += rest
    return merged


def is_session_start(event: Dict[str, Any]) -> bool:
    """Whether a serialised event is ``session_started`` or ``action_session_start``."""
    kind = event.get("event")
    return kind == "session_started" or (
        kind == "action" and event.get("name") == "action_session_start"
    )


def without_blind_session_start(
    connection: Connection,
    sender_id: str,
    events: List[Dict[str, Any]],
    expiry_min: float,
) -> List[Dict[str, Any]]:
    """The events without the session start of a replica that had no context.

    A replica that never saw a conversation answers it during the outage in a new session
    (Rasa starts one for an empty tracker). If the database has the conversation, and its
    session had not expired then (``expiry_min``; 0: never), that start is dropped so the
    conversation goes on in its session, with its context, once the database is back.
    """
    first = min(float(event.get("timestamp") or 0) for event in events)
    last = connection.execute(
        sa.select(sa.func.max(events_table.c.timestamp)).where(
            events_table.c.sender_id == sender_id, events_table.c.timestamp < first
        )
    ).scalar()
    if last is None:
        return events  # a new conversation: its session start stays
    if expiry_min and first - float(last) > expiry_min * 60:
        return events  # its session had expired: Rasa would have started one too
    return [event for event in events if not is_session_start(event)]


def merge_into_database(
    connection: Connection, sender_id: str, events: List[Dict[str, Any]]
) -> bool:
    """Merge the events with the stored ones after them; False if there are none.

    Another replica answered some of the conversation's turns meanwhile and wrote them
    first: the two are merged turn by turn in time order, written again in that order,
    and the conversation's window is dropped (its next load reads its latest session).
    """
    first = min(float(event.get("timestamp") or 0) for event in events)
    later = connection.execute(
        sa.select(events_table.c.id, events_table.c.data)
        .where(events_table.c.sender_id == sender_id, events_table.c.timestamp > first)
        .order_by(events_table.c.id)
    ).all()
    if not later:
        return False
    merged = merge_turns([json.loads(row.data) for row in later], events)
    ids = [row.id for row in later]
    connection.execute(events_table.delete().where(events_table.c.id.in_(ids)))
    event_rows.insert(connection, [event_rows.event_row(sender_id, e) for e in merged])
    event_rows.forget_window(connection, sender_id)
    return True
