"""Reply assistant: latency of one client against a warm server, and held-out accuracy.

Usage: .venv/bin/python scripts/benchmarks/assist_latency.py [--requests 500] [--url URL]

Without ``--url`` it starts ``rasa run`` with the current model on a free loopback port
(token set, ``PARTNERDESK_TODAY=2021-08-20``). With ``--url`` it uses that server and the
token in ``PARTNERDESK_ASSIST_TOKEN``. It warms the server up, sends ``--requests``
requests one after another (one client, keep-alive) over a fixed mixed English/Korean
question list, and prints p50/p95/p99 and requests/s. Then it sends every FAQ line of the
held-out sets (``tests/nlu/heldout*.yml``, never trained on) through the endpoint with
``top: 3`` and prints per language: top-1 as the chat counts it (best suggestion right and
no fallback), top-1 of the ranking alone, and top-3.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from partnerdesk.tools.nlu_eval import load_cases

ENDPOINT = "/webhooks/assist/suggest"
WARMUP = 30
TARGETS = {"p95_ms": 50, "top1_en": 0.95, "top1_ko": 0.93, "top3": 0.99}
QUESTIONS = [
    "when can we renew our action pack",
    "액션팩 갱신 언제 해요?",
    "can one token unlock several subscriptions",
    "VS 구독 팀원끼리 같이 써도 되나요?",
    "we bought the Action Pack on 1 Sept 2020, when can we renew?",
    "역량 기념일이 2020년 10월 15일인데 코로나 연장 적용되나요?",
    "how many licenses do we have",
    "역량 갱신 절차 알려주세요",
    "how much does the action pack cost?",
    "라이선스가 몇 개인지 어디서 확인해요?",
    "we activated the token on the wrong tenant on 1 August, can we still get a replacement?",
    "갱신을 놓쳤는데 아직 요금 낼 수 있나요?",
]


def start_server(token: str) -> Any:
    """A Rasa server with the current model and the assist channel; returns the process."""
    from partnerdesk.tools.model_build import ensure_model
    from tests import servers

    workdir = Path(tempfile.mkdtemp(prefix="assist-bench-"))
    endpoints = servers.write_endpoints(workdir / "endpoints.yml", None, None)
    env = {
        "PARTNERDESK_ASSIST_TOKEN": token,
        "PARTNERDESK_TODAY": "2021-08-20",
        "PARTNERDESK_DEV": "",
    }
    return servers.rasa_server(ensure_model(), endpoints, workdir, extra_env=env).start()


def latency(session: requests.Session, url: str, count: int) -> Dict[str, float]:
    """Send ``count`` requests one after another; percentiles in ms and requests/s."""

    def ask(index: int) -> None:
        body = {"text": QUESTIONS[index % len(QUESTIONS)]}
        session.post(url, json=body, timeout=30).raise_for_status()

    for i in range(WARMUP):
        ask(i)
    timings: List[float] = []
    started = time.perf_counter()
    for i in range(count):
        sent = time.perf_counter()
        ask(i)
        timings.append((time.perf_counter() - sent) * 1000)
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(timings, n=100)
    return {
        "p50_ms": statistics.median(timings),
        "p95_ms": cuts[94],
        "p99_ms": cuts[98],
        "rps": count / elapsed,
    }


def accuracy(session: requests.Session, url: str) -> Dict[str, Dict[str, float]]:
    """Top-1 (chat-style and ranking-only) and top-3 per language over the held-out FAQ lines."""
    hits: Dict[str, Dict[str, List[bool]]] = defaultdict(lambda: defaultdict(list))
    for case in (c for c in load_cases() if c.kind == "faq"):
        reply = session.post(url, json={"text": case.text, "top": 3}, timeout=30)
        reply.raise_for_status()
        answer = reply.json()
        ids = [s["faq_id"] for s in answer["suggestions"]]
        hits[case.language]["top1"].append(ids[:1] == [case.expected] and not answer["fallback"])
        hits[case.language]["top1_ranking"].append(ids[:1] == [case.expected])
        hits[case.language]["top3"].append(case.expected in ids)
    return {
        lang: {name: sum(v) / len(v) for name, v in per.items()} | {"n": len(per["top3"])}
        for lang, per in sorted(hits.items())
    }


def report(timing: Dict[str, float], scores: Dict[str, Dict[str, float]], count: int) -> str:
    """The figures, with the targets they are held to."""
    lines = [
        f"latency, 1 client, {count} requests: p50 {timing['p50_ms']:.1f} ms, "
        f"p95 {timing['p95_ms']:.1f} ms, p99 {timing['p99_ms']:.1f} ms, "
        f"{timing['rps']:.1f} req/s (target p95 <= {TARGETS['p95_ms']} ms)",
    ]
    for lang, score in scores.items():
        lines.append(
            f"held-out {lang} (n={score['n']}): top-1 {score['top1']:.3f} "
            f"(ranking alone {score['top1_ranking']:.3f}), top-3 {score['top3']:.3f} "
            f"(targets top-1 >= {TARGETS['top1_' + lang]}, top-3 >= {TARGETS['top3']})"
        )
    return "\n".join(lines)


def main() -> int:
    """Run both measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="timed requests (default 500)")
    parser.add_argument("--url", help="an already running server (else one is started)")
    args = parser.parse_args()
    token = os.environ.get("PARTNERDESK_ASSIST_TOKEN") if args.url else secrets.token_hex(16)
    server = None if args.url else start_server(token)
    base = args.url or server.health_url.rstrip("/")
    try:
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {token}"
            url = base.rstrip("/") + ENDPOINT
            timing = latency(session, url, args.requests)
            scores = accuracy(session, url)
    finally:
        if server:
            server.stop()
    print(report(timing, scores, args.requests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
