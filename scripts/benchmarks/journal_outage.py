"""Durability: what a PostgreSQL outage costs a turn, and how fast the journal is replayed.

Usage: .venv/bin/python scripts/benchmarks/journal_outage.py [--conversations 100] [--turns 10]

Starts a throwaway PostgreSQL 15 (as the production tests do), and one
``ResilientSQLTrackerStore`` in this process with its journal in a temporary folder. Runs
``--turns`` turns in each of ``--conversations`` conversations (retrieve, a user message
and a bot message, save) with the database up, stops PostgreSQL, runs as many again (they
go to the journal), starts it and times the replay. Prints the p50/p95 of a turn's
store work (retrieve + save) in both modes, the replay's events per second, and checks
that every event is in PostgreSQL once, in order.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def percentile(values: List[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def turns(store, senders: List[str], count: int, label: str) -> List[float]:
    """``count`` turns in each conversation, round-robin; the store time of each, in ms."""
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    spent = []
    for number in range(count):
        for sender in senders:
            began = time.perf_counter()
            tracker = await store.retrieve(sender) or DialogueStateTracker(sender, [])
            tracker.update(UserUttered(f"{label} {number}"))
            tracker.update(BotUttered(f"answer {label} {number}"))
            await store.save(tracker)
            spent.append((time.perf_counter() - began) * 1000)
    return spent


def stored_texts(url: str) -> Dict[str, List[str]]:
    """The user texts stored per conversation, in id order."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    texts: Dict[str, List[str]] = {}
    with engine.connect() as connection:
        for sender, text in connection.execute(
            sa.text(
                "SELECT sender_id, data::json->>'text' FROM events "
                "WHERE type_name = 'user' ORDER BY id"
            )
        ):
            texts.setdefault(sender, []).append(text)
    engine.dispose()
    return texts


async def main(args: argparse.Namespace) -> None:
    """Run the turns up, down and the replay; print the figures."""
    from rasa.shared.core.domain import Domain

    from partnerdesk.stores.tracker_store import ResilientSQLTrackerStore
    from tests.production.services import PostgresServer

    os.environ["PARTNERDESK_JOURNAL_DIR"] = tempfile.mkdtemp(prefix="journal-bench-")
    os.environ["PARTNERDESK_JOURNAL_RETRY_S"] = "0.2"
    os.environ["PARTNERDESK_RETENTION_INTERVAL_S"] = "0"
    server = PostgresServer.create().start()
    try:
        server.create_database("bench", "bench", "bench")
        store = ResilientSQLTrackerStore(
            domain=Domain.empty(),
            dialect="postgresql",
            host="127.0.0.1",
            port=server.port,
            db="bench",
            username="bench",
            password="bench",
        )
        senders = [f"bench-{n}" for n in range(args.conversations)]
        up = await turns(store, senders, args.turns, "up")
        server.stop()
        down = await turns(store, senders, args.turns, "down")
        pending = store.journal.pending
        server.start()
        began = time.perf_counter()
        while store.journal.pending or store.db_error:
            await asyncio.sleep(0.01)
        replay_s = time.perf_counter() - began - 0.2  # less the first retry's wait (at most)
        texts = stored_texts(server.url("bench", "bench", "bench"))
        expected = [f"up {n}" for n in range(args.turns)] + [f"down {n}" for n in range(args.turns)]
        ok = all(texts.get(sender) == expected for sender in senders)
        print(f"conversations {args.conversations}, turns per mode {args.turns} each")
        for label, spent in (("database up", up), ("journal (down)", down)):
            print(
                f"{label:>15}: store work per turn p50 {statistics.median(spent):.2f} ms, "
                f"p95 {percentile(spent, 0.95):.2f} ms"
            )
        print(
            f"replay: {pending} events in {replay_s:.2f} s "
            f"({pending / max(replay_s, 1e-6):.0f} events/s)"
        )
        print(f"every turn stored once, in order: {ok}")
    finally:
        server.remove()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--turns", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
