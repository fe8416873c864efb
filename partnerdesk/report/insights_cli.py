"""``partnerdesk insights``: outcomes, rates and splits of a period, from the tracker store.

Examples::

    partnerdesk insights                                   # the last 30 days
    partnerdesk insights --since 2021-08-01 --until 2021-09-01 --json
    partnerdesk insights --conversations-csv august.csv     # one row per conversation
    partnerdesk insights --check                           # the summary against a recount
    partnerdesk insights --db-url postgresql://user:password@127.0.0.1:5432/rasa

The numbers are those of ``GET /webhooks/agent/insights`` and the Insights page.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Optional

from partnerdesk.core.insight_period import DEFAULT_IDLE_MINUTES
from partnerdesk.core.outcomes import OUTCOMES
from partnerdesk.report.render import clip


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``insights`` command."""
    from partnerdesk.stores.tracker_db import add_store_arguments

    parser = subparsers.add_parser(
        "insights",
        help="outcomes, deflection rate and CSAT of a period",
        description="How many conversations PartnerDesk resolved, escalated, abandoned or "
        "could not answer in a period, by language, channel and FAQ answer.",
    )
    add_store_arguments(parser)
    parser.add_argument("--since", help="ISO date or time (default: 30 days ago)")
    parser.add_argument("--until", help="ISO date or time, excluded (default: end of today)")
    parser.add_argument(
        "--idle-minutes",
        default=str(DEFAULT_IDLE_MINUTES),
        help="minutes after which an unanswered question of the bot is abandoned "
        "(0-10080, default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print the endpoint's JSON")
    parser.add_argument("--conversations-csv", type=Path, metavar="PATH")
    parser.add_argument("--conversations-json", type=Path, metavar="PATH")
    parser.add_argument(
        "--check",
        action="store_true",
        help="also count from the events alone and fail if the summary differs",
    )
    parser.set_defaults(func=run)


def _rate(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.1%}"


def render(answer: Dict[str, Any]) -> str:
    """The insights for a person."""
    period = answer["period"]
    counts = answer["conversations"]
    handoffs = answer["handoffs"]
    median = handoffs["median_first_reply_s"]
    lines = [
        f"Insights {period['since'][:10]} to {period['until'][:10]} (until excluded, "
        f"{period['time_zone']}); abandoned after {period['idle_minutes']} idle minutes",
        "  ".join(f"{name} {counts[name]}" for name in OUTCOMES),
        f"Deflection rate {_rate(answer['deflection_rate'])}   CSAT {_rate(answer['csat'])}   "
        f"handoffs {handoffs['count']}, median first reply "
        f"{'-' if median is None else f'{median / 60:.1f} min'}",
    ]
    for title, split in (("language", answer["by_language"]), ("channel", answer["by_channel"])):
        lines.append(f"By {title}:")
        for name, by in split.items():
            lines.append(f"  {name:10} " + "  ".join(f"{o} {by[o]}" for o in OUTCOMES))
    lines.append("FAQ answers, least helpful first (answers, 👍, 👎):")
    for entry in answer["by_faq"] or []:
        lines.append(
            f"  {clip(entry['faq_id'], 36):36} {entry['answers']:6} "
            f"{entry['helpful']:5} {entry['not_helpful']:5}"
        )
    if not answer["by_faq"]:
        lines.append("  none in this period")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, now: Optional[float] = None) -> int:
    """Print the insights (and write the exports asked for); 1 on a store or period problem."""
    import sqlalchemy as sa

    from partnerdesk.core.clock import local_zone
    from partnerdesk.core.insight_period import (
        PeriodError,
        parse_idle_minutes,
        parse_period,
    )
    from partnerdesk.report import insights as report
    from partnerdesk.stores.tracker_db import TrackerStoreError, connect, store_url

    clock = time.time() if now is None else now
    try:
        period = parse_period(
            args.since, args.until, datetime.fromtimestamp(clock, timezone.utc), local_zone()
        )
        idle = parse_idle_minutes(args.idle_minutes)
    except (PeriodError, ValueError) as error:
        print(f"partnerdesk insights: {error}", file=sys.stderr)
        return 2
    try:
        engine = connect(store_url(args))
        try:
            answer = report.insights(engine, period, idle, now=clock)
            recounted = report.insights(engine, period, idle, clock, True) if args.check else None
            rows = None
            if args.conversations_csv or args.conversations_json:
                rows = report.conversations(engine, period, idle, now=clock)
        finally:
            engine.dispose()
    except (TrackerStoreError, sa.exc.SQLAlchemyError) as error:
        print(f"partnerdesk insights: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(
        json.dumps(answer, ensure_ascii=False, indent=1) + "\n" if args.json else render(answer)
    )
    try:
        for path, kind in ((args.conversations_csv, "csv"), (args.conversations_json, "json")):
            if path and rows is not None:
                path.write_text(report.export(rows, kind), encoding="utf-8")
    except OSError as error:
        print(f"partnerdesk insights: cannot write the export: {error}", file=sys.stderr)
        return 1
    if recounted is not None and recounted != answer:
        print("partnerdesk insights: the summary differs from a full recount", file=sys.stderr)
        return 1
    if recounted is not None:
        print("Checked: a full recount of the events gives the same numbers.")
    return 0
