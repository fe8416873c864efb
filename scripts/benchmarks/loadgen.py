"""The benchmarks' shared parts: the questions, and a closed-loop load of N clients."""

from __future__ import annotations

import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

import requests

# What the turn benchmarks ask: FAQ questions in both languages, in conversations of
# TURNS_PER_CONVERSATION turns (a new sender id after that many).
FAQ_QUESTIONS = [
    "when can we renew our action pack",
    "액션팩 갱신 언제 해요?",
    "can one token unlock several subscriptions",
    "VS 구독 공유 가능한가요",
    "how many licenses do we have",
    "역량 갱신 절차 알려주세요",
]
TURNS_PER_CONVERSATION = 5


@dataclass
class Result:
    """One load's outcome."""

    name: str
    clients: int
    rate: float  # calls per second
    latencies_ms: List[float]
    errors: int

    @property
    def p50(self) -> float:
        """Median latency (ms)."""
        return statistics.median(self.latencies_ms)

    @property
    def p95(self) -> float:
        """95th percentile latency (ms)."""
        return statistics.quantiles(self.latencies_ms, n=20)[18]

    def line(self) -> str:
        """One printable result line."""
        return (
            f"{self.name:<44} {self.clients:>2} clients  {self.rate:7.1f} calls/s  "
            f"p50 {self.p50:6.1f} ms  p95 {self.p95:6.1f} ms  errors {self.errors}"
        )


def run_load(
    name: str,
    call: Callable[[requests.Session, int, int], None],
    clients: int,
    calls_per_client: int,
) -> Result:
    """Run ``call(session, client, i)`` from ``clients`` threads, each with its own session."""
    latencies: List[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(index: int) -> None:
        session = requests.Session()
        for i in range(calls_per_client):
            started = time.perf_counter()
            try:
                call(session, index, i)
            except Exception:
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    return Result(name, clients, len(latencies) / elapsed, latencies, errors[0])


def alternate(
    loads: Sequence[Tuple[str, Callable[[], Callable[[requests.Session, int, int], None]]]],
    clients: int,
    calls_per_client: int,
    rounds: int = 3,
) -> List[Result]:
    """Several loads measured in turns (A, B, A, B, …).

    A machine shared with other work then slows each of them alike: each round runs every
    load for a share of the calls. ``loads`` are (name, factory) pairs; a factory makes a
    fresh call function per round (a REST load starts new conversations). Rates are calls
    over the time each load itself ran.
    """
    per_round = max(1, calls_per_client // rounds)
    parts: dict = {name: [] for name, _ in loads}
    for _ in range(rounds):
        for name, factory in loads:
            parts[name].append(run_load(name, factory(), clients, per_round))
    merged = []
    for name, _ in loads:
        done = parts[name]
        seconds = sum(len(r.latencies_ms) / r.rate for r in done if r.rate)
        latencies = [ms for r in done for ms in r.latencies_ms]
        errors = sum(r.errors for r in done)
        merged.append(Result(name, clients, len(latencies) / seconds, latencies, errors))
    return merged


def load_line() -> str:
    """How busy the machine was: the load averages and the number of cores."""
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    cores = os.cpu_count()
    return f"machine load average {one} / {five} / {fifteen} (1 / 5 / 15 min), {cores} cores"


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (MiB), from /proc."""
    total_kib = 0
    pids = [pid] + [int(p) for p in _children(pid)]
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


def _children(pid: int) -> List[str]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    found = children.read_text().split() if children.exists() else []
    return found + [grandchild for child in found for grandchild in _children(int(child))]
