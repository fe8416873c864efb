"""The report's thin SQL reader: Rasa's stored events, conversation by conversation."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from partnerdesk.stores.tracker_db import events

# The event types the report looks at: messages, replies and the language slot.
EVENT_TYPES = ("user", "bot", "action", "slot")
BATCH_ROWS = 1000


def read_events(
    engine: Engine, since: Optional[float] = None
) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """``(sender_id, event)`` pairs in each conversation's order, from ``since`` (Unix time) on.

    Rows whose ``data`` is not a JSON object are skipped.
    """
    query = (
        sa.select(events.c.sender_id, events.c.data)
        .where(events.c.type_name.in_(EVENT_TYPES))
        .order_by(events.c.sender_id, events.c.id)
    )
    if since is not None:
        query = query.where(events.c.timestamp >= since)
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS)
        for sender_id, data in rows.execute(query):
            try:
                event = json.loads(data or "")
            except ValueError:
                continue
            if isinstance(event, dict):
                yield sender_id, event
