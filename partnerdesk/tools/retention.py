"""``partnerdesk prune``: delete conversations older than the retention period.

A conversation is deleted whole, every event of its sender id, when its latest event is
older than the retention period: 90 days by default, or ``PARTNERDESK_RETENTION_DAYS``,
or ``--days``. A conversation that is still going on keeps all of its history. It works
on Rasa's ``events`` table in SQLite and PostgreSQL alike (plain SQLAlchemy), found
through ``endpoints.yml`` or given as ``--db-url``, and on the tables that keep rows per
conversation beside it (:data:`partnerdesk.stores.conversation_tables.CONVERSATION_TABLES`,
e.g. handoff records). SQLite is vacuumed afterwards, so the
deleted text does not linger in the file's free pages; PostgreSQL's autovacuum does the
same there.

Examples::

    partnerdesk prune --dry-run          # how many would go, with the default period
    partnerdesk prune --days 30
    PARTNERDESK_RETENTION_DAYS=180 partnerdesk prune --db-url postgresql://…/rasa
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from partnerdesk.stores.conversation_tables import CONVERSATION_TABLES
from partnerdesk.stores.tracker_db import events

DEFAULT_RETENTION_DAYS = 90
RETENTION_ENV = "PARTNERDESK_RETENTION_DAYS"
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class PruneResult:
    """How many conversations and events were (or, in a dry run, would be) deleted."""

    conversations: int
    events: int
    vacuumed: bool = False


def _positive_days(text: str) -> int:
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
    return _positive_days(value) if value else DEFAULT_RETENTION_DAYS


def prune(engine: Engine, cutoff: float, dry_run: bool = False) -> PruneResult:
    """Delete every conversation whose latest event is before ``cutoff`` (Unix time).

    Counting and deleting happen in one transaction. The delete re-checks each
    conversation's latest event, so one that got a new event meanwhile is kept whole.
    A SQLite file is vacuumed after a delete, unless another connection holds it busy
    (``vacuumed`` says whether it was).
    """
    stale = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
    )
    with engine.begin() as connection:
        conversations = connection.execute(
            sa.select(sa.func.count()).select_from(stale.subquery())
        ).scalar_one()
        if dry_run:
            count = sa.select(sa.func.count()).where(events.c.sender_id.in_(stale))
            return PruneResult(conversations, connection.execute(count).scalar_one())
        _delete_beside_events(connection, stale)
        deleted = connection.execute(sa.delete(events).where(events.c.sender_id.in_(stale)))
    vacuumed = False
    if deleted.rowcount and engine.dialect.name == "sqlite":
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM")
            vacuumed = True
        except sa.exc.OperationalError:
            pass  # busy: the rows are gone; their bytes go at the next vacuum
    return PruneResult(conversations, deleted.rowcount, vacuumed)


def _delete_beside_events(connection: sa.engine.Connection, stale: sa.sql.Select) -> None:
    """Delete the stale conversations' rows in the tables kept beside ``events``."""
    existing = set(sa.inspect(connection).get_table_names())
    for name in CONVERSATION_TABLES:
        if name in existing:
            table = sa.Table(name, sa.MetaData(), sa.Column("conversation_id", sa.String))
            connection.execute(sa.delete(table).where(table.c.conversation_id.in_(stale)))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``prune`` command."""
    from partnerdesk.stores.tracker_db import add_store_arguments

    parser = subparsers.add_parser(
        "prune",
        help="delete conversations older than the retention period",
        description="Delete every conversation whose latest event is older than the "
        f"retention period ({RETENTION_ENV}, default {DEFAULT_RETENTION_DAYS} days).",
    )
    add_store_arguments(parser)
    parser.add_argument(
        "--days",
        type=_positive_days,
        metavar="N",
        help=f"retention period in days (default: {RETENTION_ENV} or {DEFAULT_RETENTION_DAYS})",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, now: Optional[float] = None) -> int:
    """Prune and print what was deleted; 1 if the store cannot be used, 2 for a bad period."""
    from partnerdesk.stores.tracker_db import TrackerStoreError, connect, describe, store_url

    try:
        days = args.days or default_days()
    except argparse.ArgumentTypeError as error:
        print(f"partnerdesk prune: {RETENTION_ENV}: {error}", file=sys.stderr)
        return 2
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    try:
        url = store_url(args)
        engine = connect(url)
        try:
            result = prune(engine, cutoff, args.dry_run)
        finally:
            engine.dispose()
    except (TrackerStoreError, sa.exc.SQLAlchemyError) as error:
        print(f"partnerdesk prune: {error}", file=sys.stderr)
        return 1
    before = datetime.datetime.fromtimestamp(cutoff, datetime.timezone.utc)
    verb = "Would delete" if args.dry_run else "Deleted"
    print(
        f"{verb} {_plural(result.conversations, 'conversation')} "
        f"({_plural(result.events, 'event')}) whose latest "
        f"event is older than {days} days (before {before:%Y-%m-%d %H:%M} UTC) "
        f"from {describe(url)}."
    )
    if (
        result.events
        and not args.dry_run
        and url.get_backend_name() == "sqlite"
        and (not result.vacuumed)
    ):
        print("The SQLite file was busy and is not vacuumed yet; run prune again later.")
    return 0
