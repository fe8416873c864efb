"""Retention: delete conversations older than the retention period, by hand or daily.

A conversation is deleted whole when its latest event is older than the period (90 days,
or ``PARTNERDESK_RETENTION_DAYS``): its rows in Rasa's ``events`` table and in every table
registered in :mod:`partnerdesk.stores.conversation_tables`, in one transaction.
``partnerdesk prune`` (:mod:`partnerdesk.tools.retention`) runs it by hand;
:class:`DailyRetention` runs it by itself in every process with the tracker store
(:class:`partnerdesk.stores.tracker_store.ResilientSQLTrackerStore`: the default run's and
each production replica's Rasa server), once per ``PARTNERDESK_RETENTION_INTERVAL_S``
(default 86400: a day; 0 turns it off). The replicas share the schedule through the
``maintenance_runs`` table: one of them claims the day's run in the transaction of the
prune, so it runs once however many replicas there are. It logs counts only, never a
conversation id or text.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from partnerdesk.stores.conversation_tables import CONVERSATION_ID_COLUMN, CONVERSATION_TABLES
from partnerdesk.stores.tracker_db import events

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 90
RETENTION_ENV = "PARTNERDESK_RETENTION_DAYS"
SECONDS_PER_DAY = 86_400
INTERVAL_ENV = "PARTNERDESK_RETENTION_INTERVAL_S"
TASK = "retention"
MAX_SLEEP_S = 3600.0

maintenance = sa.MetaData()
maintenance_runs = sa.Table(
    "maintenance_runs",
    maintenance,
    sa.Column("task", sa.String(64), primary_key=True),
    sa.Column("last_run", sa.Float, nullable=False),
)


@dataclass(frozen=True)
class PruneResult:
    """How many conversations and events were (or, in a dry run, would be) deleted."""

    conversations: int
    events: int
    vacuumed: bool = False
    other_rows: int = 0  # rows of the registered conversation tables


def positive_days(text: str) -> int:
    """``text`` as a whole number of days, 1 or more (``argparse`` type)."""
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days, 1 or more")
    return days


def default_days(environ: Optional[dict] = None) -> int:
    """The retention period in days: ``PARTNERDESK_RETENTION_DAYS``, else 90.

    Raises:
        argparse.ArgumentTypeError: The variable is set to something else than a number ≥ 1.
    """
    value = (os.environ if environ is None else environ).get(RETENTION_ENV, "").strip()
    return positive_days(value) if value else DEFAULT_RETENTION_DAYS


def prune(engine: Engine, cutoff: float, dry_run: bool = False) -> PruneResult:
    """Delete every conversation whose latest event is before ``cutoff`` (Unix time).

    Counting and deleting happen in one transaction. The delete re-checks each
    conversation's latest event, so one that got a new event meanwhile is kept whole.
    A SQLite file is vacuumed after a delete, unless another connection holds it busy
    (``vacuumed`` says whether it was).
    """
    with engine.begin() as connection:
        result = prune_in(connection, cutoff, dry_run)
    if result.events and not dry_run:
        result = PruneResult(result.conversations, result.events, vacuum(engine), result.other_rows)
    return result


def conversation_tables(connection: Connection) -> List[sa.Table]:
    """The registered conversation tables this database has."""
    inspector, metadata = sa.inspect(connection), sa.MetaData()
    return [
        sa.Table(name, metadata, sa.Column(CONVERSATION_ID_COLUMN, sa.String(255)))
        for name in dict.fromkeys(CONVERSATION_TABLES)
        if inspector.has_table(name)
    ]


def prune_in(connection: Connection, cutoff: float, dry_run: bool = False) -> PruneResult:
    """:func:`prune` in the caller's transaction, without the vacuum."""
    stale = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
    )
    conversations = connection.execute(
        sa.select(sa.func.count()).select_from(stale.subquery())
    ).scalar_one()
    other = 0
    for table in conversation_tables(connection):
        key = table.c[CONVERSATION_ID_COLUMN]
        if dry_run:
            count = sa.select(sa.func.count()).select_from(table).where(key.in_(stale))
            other += connection.execute(count).scalar_one()
        else:  # before the events, which say which conversations are stale
            other += connection.execute(sa.delete(table).where(key.in_(stale))).rowcount
    if dry_run:
        count = sa.select(sa.func.count()).where(events.c.sender_id.in_(stale))
        return PruneResult(conversations, connection.execute(count).scalar_one(), False, other)
    deleted = connection.execute(sa.delete(events).where(events.c.sender_id.in_(stale)))
    return PruneResult(conversations, deleted.rowcount, False, other)


def vacuum(engine: Engine) -> bool:
    """Vacuum a SQLite file (nothing to do elsewhere); whether it was (not busy)."""
    if engine.dialect.name != "sqlite":
        return False
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM")
        return True
    except sa.exc.OperationalError:
        return False  # busy: the rows are gone; their bytes go at the next vacuum


def claim_run(connection: Connection, now: float, interval_s: float) -> bool:
    """Whether this process runs the prune now: none ran in the last ``interval_s``.

    Records the run in ``maintenance_runs``, in the caller's transaction (a concurrent
    claimer waits for it, then finds the run done).
    """
    task = maintenance_runs.c.task == TASK
    claimed = connection.execute(
        maintenance_runs.update()
        .where(task, maintenance_runs.c.last_run <= now - interval_s)
        .values(last_run=now)
    ).rowcount
    if claimed:
        return True
    if connection.execute(sa.select(maintenance_runs.c.last_run).where(task)).first():
        return False
    connection.execute(maintenance_runs.insert().values(task=TASK, last_run=now))
    return True


class DailyRetention:
    """Prunes once per interval in a background thread; see the module's description."""

    def __init__(self, engine: Callable[[], Engine], interval_s: Optional[float] = None) -> None:
        """Prune the database of ``engine()`` every ``interval_s`` (default: the env's)."""
        self.engine = engine
        self.interval_s = (
            float(os.environ.get(INTERVAL_ENV) or SECONDS_PER_DAY)
            if interval_s is None
            else interval_s
        )
        self.last: Optional[PruneResult] = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._failed = False

    def start(self) -> "DailyRetention":
        """Start the thread (not when the interval is 0)."""
        if self.interval_s > 0:
            self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread (at its next wake-up)."""
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(min(self.interval_s, MAX_SLEEP_S))

    def run_once(self, now: Optional[float] = None) -> Optional[PruneResult]:
        """Prune if this run is due and nobody else did it; log the counts."""
        now = time.time() if now is None else now
        try:
            days = default_days()
        except argparse.ArgumentTypeError as error:
            self._fail(f"{RETENTION_ENV}: {error}")
            return None
        engine = self.engine()
        try:
            with engine.begin() as connection:
                maintenance.create_all(connection)
                if not claim_run(connection, now, self.interval_s * 0.95):
                    return None
                result = prune_in(connection, now - days * SECONDS_PER_DAY)
        except sa.exc.SQLAlchemyError as error:
            self._fail(f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
            return None
        if result.events:
            vacuum(engine)
        self._failed, self.last = False, result
        logger.info(
            f"Retention: deleted {plural(result.conversations, 'conversation')} "
            f"({plural(result.events, 'event')}, {plural(result.other_rows, 'other row')}) "
            f"whose latest event is older than {days} days."
        )
        return result

    def _fail(self, reason: str) -> None:
        if not self._failed:  # once until a run works again
            logger.warning(f"Retention did not run ({reason}); retrying in an hour at most.")
        self._failed = True


def plural(count: int, noun: str) -> str:
    """``"1 event"``, ``"2 events"``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
