"""Reading the insights summary, and a full recount from the events for checks.

The counts' rows, the unanswered questions and the kept facts of a period;
:mod:`partnerdesk.stores.insights_summary` keeps the summary up to date.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import sqlalchemy as sa
import ujson
from sqlalchemy.engine import Engine

from partnerdesk.core.insights import Tally
from partnerdesk.core.outcomes import Question, SessionFacts
from partnerdesk.stores.insights_summary import SENDER_BATCH, _facts_of, _state
from partnerdesk.stores.insights_tables import (
    _TALLY_COLUMNS,
    details_table,
    sessions_table,
    state_table,
)
from partnerdesk.stores.tracker_db import events


def _period(query: Any, since: float, until: float, table: sa.Table = sessions_table) -> Any:
    return query.where(table.c.started_at >= since, table.c.started_at < until)


def read_tallies(engine: Engine, since: float, until: float) -> List[Tally]:
    """What the counts need of the conversations that started in ``[since, until)``.

    Read with the driver's own cursor: a year is 100,000 rows, and SQLAlchemy's processing of
    each value took longer than the database.
    """
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"SELECT {', '.join(column.name for column in _TALLY_COLUMNS)} FROM {sessions_table.name}"
        f" WHERE started_at >= {mark} AND started_at < {mark}"
    )
    loads = ujson.loads
    with engine.connect() as connection:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, (since, until))
            rows = cursor.fetchall()
        finally:
            cursor.close()
        connection.rollback()
    return [
        Tally(
            started, language, channel, bool(escalated), kind, pending, bool(answered),
            {k: tuple(v) for k, v in loads(faqs).items()} if faqs else {},
            handoffs, tuple(loads(replies)) if replies else (),
        )
        for (started, language, channel, escalated, kind, pending, answered, faqs,
             handoffs, replies) in rows
    ]  # fmt: skip


def read_unanswered(engine: Engine, since: float, until: float) -> List[Question]:
    """The unanswered questions of the conversations that started in ``[since, until)``."""
    query = _period(sa.select(details_table.c.unanswered), since, until, details_table).where(
        details_table.c.unanswered.isnot(None)
    )
    with engine.connect() as connection:
        return [Question(**q) for row in connection.execute(query) for q in ujson.loads(row[0])]


def read_facts(engine: Engine, since: float, until: float) -> List[SessionFacts]:
    """The kept facts of the conversations that started in ``[since, until)`` (Unix time)."""
    query = _period(sa.select(details_table.c.facts), since, until, details_table)
    with engine.connect() as connection:
        return [SessionFacts.from_dict(ujson.loads(row[0])) for row in connection.execute(query)]


def recount(engine: Engine, since: float, until: float) -> List[SessionFacts]:
    """The same facts counted from the events alone, without the summary (for checks)."""
    query = (
        sa.select(events.c.sender_id)
        .distinct()
        .where(events.c.timestamp >= since, events.c.timestamp < until)
    )
    found: List[SessionFacts] = []
    with engine.connect() as connection:
        senders = sorted(row[0] for row in connection.execute(query))
        for start in range(0, len(senders), SENDER_BATCH):
            facts = _facts_of(connection, senders[start : start + SENDER_BATCH])
            found += [f for f in facts if since <= f.started_at < until]
    return found


def summary_state(engine: Engine) -> Optional[Dict[str, str]]:
    """The summary's state (``version``, ``watermark``, ``covered``, ``refreshed_at``), if any."""
    if not sa.inspect(engine).has_table(state_table.name):
        return None
    with engine.connect() as connection:
        return _state(connection)
