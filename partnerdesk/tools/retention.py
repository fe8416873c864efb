"""``partnerdesk prune``: delete conversations older than the retention period.

A conversation is deleted whole, every event of its sender id, when its latest event is
older than the retention period: 90 days by default, or ``PARTNERDESK_RETENTION_DAYS``,
or ``--days``. A conversation that is still going on keeps all of its history. It works
on Rasa's ``events`` table in SQLite and PostgreSQL alike (plain SQLAlchemy), found
through ``endpoints.yml`` or given as ``--db-url``. SQLite is vacuumed afterwards, so the
deleted text does not linger in the file's free pages; PostgreSQL's autovacuum does the
same there. The conversation's rows in the other tables registered in
:mod:`partnerdesk.stores.conversation_tables` (keyed by ``conversation_id``) go in the same
transaction.

It also runs by itself, once a day, in the Rasa server
(:class:`partnerdesk.stores.retention.DailyRetention`); this command is for a different
period, a dry run, or a database no server uses.

Examples::

    partnerdesk prune --dry-run          # how many would go, with the default period
    partnerdesk prune --days 30
    PARTNERDESK_RETENTION_DAYS=180 partnerdesk prune --db-url postgresql://…/rasa
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from typing import Optional

import sqlalchemy as sa

from partnerdesk.stores.retention import (
    DEFAULT_RETENTION_DAYS,
    RETENTION_ENV,
    SECONDS_PER_DAY,
    PruneResult,
    default_days,
    plural,
    positive_days,
    prune,
)

__all__ = ["PruneResult", "default_days", "prune", "register", "run"]


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
        type=positive_days,
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
        f"{verb} {plural(result.conversations, 'conversation')} "
        f"({plural(result.events, 'event')}) whose latest "
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
