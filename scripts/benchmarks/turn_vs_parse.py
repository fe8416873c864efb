"""Full REST turn against /model/parse, same server, same model, N clients, one run.

Usage: .venv/bin/python scripts/benchmarks/turn_vs_parse.py [--clients 10] [--requests 30] [--in-memory]
Starts the action server and `rasa run --enable-api` on free loopback ports
(SQLite tracker store in a temporary folder), measures how long the server takes
to answer after start, then runs the two loads one after the other and prints
calls/s, p50 and p95 for each and the turns/parse ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, List, Tuple

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from partnerdesk.model_build import ensure_model  # noqa: E402
from tests import servers  # noqa: E402

QUESTIONS = [
    "when can we renew our action pack", "액션팩 갱신 언제 해요?",
    "can one token unlock several subscriptions", "VS 구독 공유 가능한가요",
    "how many licenses do we have", "역량 갱신 절차 알려주세요",
]


def load(call: Callable[[int], None], clients: int, requests_per_client: int) -> Tuple[float, List[float]]:
    """Run ``call`` from ``clients`` threads; return calls/s and latencies in ms."""
    latencies: List[float] = []

    def client(index: int) -> None:
        for i in range(requests_per_client):
            started = time.perf_counter()
            call(index * requests_per_client + i)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return len(latencies) / (time.perf_counter() - started), latencies


def describe(name: str, rate: float, latencies: List[float]) -> str:
    """One result line."""
    p95 = statistics.quantiles(latencies, n=20)[18]
    return f"{name}: {rate:.1f} calls/s, p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms"


def main() -> None:
    """Start the servers, measure, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--in-memory", action="store_true",
                        help="Rasa's in-memory tracker store instead of SQLite (to see its cost)")
    args = parser.parse_args()
    model = ensure_model()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        actions = servers.action_server(workdir).start()
        endpoints = servers.write_endpoints(
            workdir / "endpoints.yml", actions.health_url.replace("/health", "/webhook"),
            None if args.in_memory else workdir / "bench.db")
        server = servers.rasa_server(model, endpoints, workdir)
        started = time.perf_counter()
        server.start()
        print(f"ready to answer {time.perf_counter() - started:.1f} s after start")
        base = server.health_url.rstrip("/")
        session = requests.Session()

        def parse(i: int) -> None:
            session.post(f"{base}/model/parse", json={"text": QUESTIONS[i % len(QUESTIONS)]},
                         timeout=60).raise_for_status()

        run_id = uuid.uuid4().hex[:8]

        def turn(i: int) -> None:
            reply = session.post(f"{base}/webhooks/rest/webhook", timeout=60, json={
                "sender": f"bench-{run_id}-{i % args.clients}",
                "message": QUESTIONS[i % len(QUESTIONS)]})
            reply.raise_for_status()
            assert reply.json(), "empty reply"

        try:
            load(parse, 2, 5)  # warm-up
            parse_rate, parse_ms = load(parse, args.clients, args.requests)
            turn_rate, turn_ms = load(turn, args.clients, args.requests)
        finally:
            server.stop()
            actions.stop()
    print(describe("/model/parse", parse_rate, parse_ms))
    print(describe("REST turn", turn_rate, turn_ms))
    print(f"turns/s ÷ parse calls/s = {turn_rate / parse_rate:.2f} "
          f"({args.clients} clients × {args.requests} requests each)")


if __name__ == "__main__":
    main()
