"""Turn cost against conversation length: a late turn costs what an early one does.

Usage: .venv/bin/python scripts/benchmarks/turn_cost.py [--turns 210] [--conversations 3]
           [--skip-stock] [--plot docs/turn-cost.png]

1. Flat turn cost (issue 14): one client, one conversation of ``--turns`` REST turns in one
   session, against the default run (``rasa run``, SQLite through our tracker store),
   ``--conversations`` times one after another. Target: p50 of turns 200–210 ≤ 1.5 × p50 of
   turns 1–10. On a shared machine the load changes in the minutes between them, so from
   turn 200 on each turn alternates with a turn of a fresh conversation, and the ratio
   compares turns 200–210 with those fresh turns 1–10 (the long conversations' own turns
   1–10 are printed too).
2. The same against Rasa's own ``SQLTrackerStore`` (same model, same SQLite), for
   comparison (``--skip-stock`` leaves it out).
3. Tracker load time against conversation length (1, 10, 50, 200 turns): conversations of
   those lengths are played through the server, then their trackers are loaded in this
   process from the same database, with our store (bounded window) and with Rasa's (the
   whole session), 30 loads each, median.
Prints the figures and writes one plot with the curves.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from loadgen import FAQ_QUESTIONS, load_line

from partnerdesk.core.paths import DOMAIN_PATH, PROJECT_ROOT
from partnerdesk.tools.model_build import ensure_model
from tests import servers

LENGTHS = (1, 10, 50, 200)
# Turn-number buckets of the latency curve: (label length, first turn, last turn), 1-based.
BUCKETS = ((1, 1, 5), (10, 6, 15), (50, 46, 55), (100, 96, 105), (200, 196, 205))
LATE = 200  # the late turns of the target: 200–210
STOCK_ENDPOINTS = "tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n"


def start(model: Path, workdir: Path, stock: bool) -> Tuple[servers.ServerProcess, ...]:
    """An action server and a Rasa server on SQLite (our store, or Rasa's with ``stock``)."""
    actions = servers.action_server(workdir).start()
    action_url = actions.health_url.replace("/health", "/webhook")
    endpoints = servers.write_endpoints(
        workdir / "endpoints.yml", action_url, workdir / "conversations.db"
    )
    if stock:
        endpoints.write_text(
            f'action_endpoint:\n  url: "{action_url}"\n'
            + STOCK_ENDPOINTS.format(db=workdir / "conversations.db")
        )
    return servers.rasa_server(model, endpoints, workdir).start(), actions


def turn(session: requests.Session, base: str, sender: str, i: int) -> float:
    """Turn ``i`` (0-based) of a conversation; its latency in ms."""
    began = time.perf_counter()
    reply = session.post(
        f"{base}/webhooks/rest/webhook",
        json={"sender": sender, "message": FAQ_QUESTIONS[i % len(FAQ_QUESTIONS)]},
        timeout=60,
    )
    reply.raise_for_status()
    assert reply.json(), f"empty reply at turn {i + 1}"
    return (time.perf_counter() - began) * 1000


def play(base: str, sender: str, turns: int) -> List[float]:
    """One conversation of ``turns`` REST turns, one after another; latencies in ms."""
    session = requests.Session()
    return [turn(session, base, sender, i) for i in range(turns)]


def play_long(base: str, sender: str, turns: int) -> Tuple[List[float], List[float]]:
    """A long conversation, and a fresh one played in alternation with its late turns.

    From turn ``LATE`` on, each turn of the long conversation is followed by a turn of a
    fresh conversation (same client, one call at a time), so that early and late turns
    are compared under the same load. Latencies of both, in ms.
    """
    session = requests.Session()
    long_turns: List[float] = []
    fresh: List[float] = []
    for i in range(turns):
        long_turns.append(turn(session, base, sender, i))
        if i + 1 >= LATE:
            fresh.append(turn(session, base, f"{sender}-fresh", len(fresh)))
    return long_turns, fresh


def by_turn(runs: Sequence[List[float]], first: int, last: int) -> List[float]:
    """The latencies of turns ``first``..``last`` (1-based) of every run."""
    return [ms for run in runs for ms in run[first - 1 : last]]


def p95(values: List[float]) -> float:
    """95th percentile."""
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def load_times(db: Path, senders: Dict[int, str], repeat: int = 30) -> Dict[str, Dict[int, float]]:
    """Median tracker load time (ms) per conversation length, our store and Rasa's."""
    import structlog
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    from partnerdesk import rasa_patches
    from partnerdesk.stores.tracker_store import ResilientSQLTrackerStore

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    rasa_patches.apply(rasa_patches.RASA_SERVER)  # as the server does when it starts
    domain = Domain.load(str(DOMAIN_PATH))
    stores = {
        "ours (bounded window)": ResilientSQLTrackerStore(domain, dialect="sqlite", db=str(db)),
        "Rasa SQLTrackerStore (whole session)": SQLTrackerStore(
            domain, dialect="sqlite", db=str(db)
        ),
    }
    found: Dict[str, Dict[int, float]] = {}

    async def measure() -> None:
        for name, store in stores.items():
            found[name] = {}
            for length, sender in senders.items():
                times = []
                for _ in range(repeat):
                    began = time.perf_counter()
                    tracker = await store.retrieve(sender)
                    times.append((time.perf_counter() - began) * 1000)
                    assert tracker is not None and tracker.latest_message.text
                found[name][length] = statistics.median(times)

    asyncio.run(measure())
    return found


def plot(curves: Dict[str, List[Tuple[int, float, float]]], loads, path: Path) -> None:
    """Latency p50/p95 and tracker load time against conversation length."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    colours = iter(["#3b7dd8", "#d8643b"])
    for name, points in curves.items():
        colour = next(colours)
        xs = [p[0] for p in points]
        left.plot(xs, [p[1] for p in points], "o-", color=colour, label=f"{name}: p50")
        left.plot(xs, [p[2] for p in points], "o--", color=colour, label=f"{name}: p95")
    left.set_xlabel("turn number in the conversation (one session)")
    left.set_ylabel("REST turn latency (ms), one client")
    left.set_ylim(bottom=0)
    left.legend(fontsize=8)
    left.set_title("Turn latency vs conversation length")
    for (name, times), colour in zip(loads.items(), ["#3b7dd8", "#d8643b"]):
        right.plot(list(times), list(times.values()), "o-", color=colour, label=name)
    right.set_xlabel("conversation length (turns)")
    right.set_ylabel("tracker load time, median (ms)")
    right.set_ylim(bottom=0)
    right.legend(fontsize=8)
    right.set_title("Tracker load vs conversation length")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def main() -> int:
    """Measure, print, plot."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=210)
    parser.add_argument("--conversations", type=int, default=3)
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument("--plot", type=Path, default=PROJECT_ROOT / "docs" / "turn-cost.png")
    args = parser.parse_args()

    print(load_line(), flush=True)
    model, run = ensure_model(), uuid.uuid4().hex[:6]
    curves: Dict[str, List[Tuple[int, float, float]]] = {}
    verdict = 0
    loads: Dict[str, Dict[int, float]] = {}
    for stock in [False] if args.skip_stock else [False, True]:
        name = "Rasa SQLTrackerStore" if stock else "ours"
        workdir = Path(tempfile.mkdtemp(prefix="turn-cost-"))
        rasa, actions = start(model, workdir, stock)
        try:
            base = rasa.health_url.rstrip("/")
            play(base, f"warm-{run}", 5)
            played = [
                play_long(base, f"long-{run}-{n}", args.turns) for n in range(args.conversations)
            ]
            runs, fresh = [p[0] for p in played], [p[1] for p in played]
            senders = {length: f"len{length}-{run}" for length in LENGTHS}
            if not stock:
                for length, sender in senders.items():
                    play(base, sender, length)
        finally:
            rasa.stop()
            actions.stop()
        curves[name] = [
            (label, statistics.median(by_turn(runs, a, b)), p95(by_turn(runs, a, b)))
            for label, a, b in BUCKETS
            if b <= args.turns
        ]
        early, late = by_turn(fresh, 1, 10), by_turn(runs, 200, 210)
        first = by_turn(runs, 1, 10)
        for label, p50, high in curves[name]:
            print(f"{name:<22} turns around {label:>3}: p50 {p50:6.1f} ms  p95 {high:6.1f} ms")
        if late:
            ratio = statistics.median(late) / statistics.median(early)
            print(
                f"{name:<22} p50 turns 200–210 {statistics.median(late):.1f} ms ÷ turns 1–10 "
                f"of fresh conversations played in alternation with them "
                f"{statistics.median(early):.1f} ms = {ratio:.2f}"
                + ("" if stock else f"  {'PASS' if ratio <= 1.5 else 'MISS'} (target ≤ 1.5)")
            )
            print(
                f"{name:<22} (turns 1–10 of the long conversations themselves, played "
                f"earlier: p50 {statistics.median(first):.1f} ms; ratio "
                f"{statistics.median(late) / statistics.median(first):.2f})"
            )
            if not stock and ratio > 1.5:
                verdict = 1
        if not stock:
            loads = load_times(workdir / "conversations.db", senders)
            for store, times in loads.items():
                shown = "  ".join(f"{n} turns {ms:5.2f} ms" for n, ms in times.items())
                print(f"tracker load, {store}: {shown}")
        shutil.rmtree(workdir, ignore_errors=True)
    print(load_line())
    plot(curves, loads, args.plot)
    return verdict


if __name__ == "__main__":
    sys.exit(main())
