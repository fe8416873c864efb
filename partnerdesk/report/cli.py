"""``partnerdesk gaps``: the content-gap report from the tracker store.

Examples::

    partnerdesk gaps                         # the default run's store (endpoints.yml)
    partnerdesk gaps --since 30 --csv gaps.csv --ratings-csv ratings.csv
    partnerdesk gaps --db-url postgresql://rasa:secret@127.0.0.1:5432/rasa
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional

from partnerdesk.report.gaps import LOW_CONFIDENCE
from partnerdesk.report.grouping import SIMILARITY

SECONDS_PER_DAY = 86_400


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def positive_days(text: str) -> float:
    """A ``--since DAYS`` value: a positive number of days (argparse says why not)."""
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of days")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``gaps`` command."""
    from partnerdesk.stores.tracker_db import add_store_arguments

    parser = subparsers.add_parser(
        "gaps",
        help="content-gap report from the tracker store",
        description="Questions PartnerDesk could not answer (fallbacks and low-confidence "
        "answers), masked and grouped, counted by language; and the helpful rate per FAQ.",
    )
    add_store_arguments(parser)
    parser.add_argument(
        "--since",
        type=positive_days,
        metavar="DAYS",
        help="only the last DAYS days (default: everything stored)",
    )
    parser.add_argument(
        "--csv", type=Path, metavar="PATH", help="also write the gap groups as CSV to PATH"
    )
    parser.add_argument(
        "--ratings-csv",
        type=Path,
        metavar="PATH",
        help="also write the helpful rates per FAQ as CSV to PATH",
    )
    parser.add_argument(
        "--threshold",
        type=_fraction,
        default=LOW_CONFIDENCE,
        help="FAQ answers below this confidence are gaps (default: %(default)s)",
    )
    parser.add_argument(
        "--similarity",
        type=_fraction,
        default=SIMILARITY,
        help="cosine similarity of near-duplicates (default: %(default)s)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, now: Optional[float] = None) -> int:
    """Print the report (and write the CSV files asked for); 1 if the store cannot be read."""
    import sqlalchemy as sa

    from partnerdesk.report.reader import read_events
    from partnerdesk.report.render import render_table, write_gaps_csv, write_ratings_csv
    from partnerdesk.report.summary import build_report
    from partnerdesk.stores.tracker_db import TrackerStoreError, connect, store_url

    since = None
    if args.since is not None:
        since = (time.time() if now is None else now) - args.since * SECONDS_PER_DAY
    try:
        engine = connect(store_url(args))
        try:
            report = build_report(
                read_events(engine, since), args.threshold, args.similarity, since
            )
        finally:
            engine.dispose()
    except (TrackerStoreError, sa.exc.SQLAlchemyError) as error:
        print(f"partnerdesk gaps: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(render_table(report))
    try:
        if args.csv:
            write_gaps_csv(report, args.csv)
        if args.ratings_csv:
            write_ratings_csv(report, args.ratings_csv)
    except OSError as error:
        print(f"partnerdesk gaps: cannot write CSV: {error}", file=sys.stderr)
        return 1
    return 0
