"""Handoff to a person: what a paused turn and the agent API cost, with many handoffs open.

Usage: .venv/bin/python scripts/benchmarks/handoff_api.py [--open 10,50,200] [--turns 40]

Starts the action server and ``rasa run`` with the current model on free loopback ports
(SQLite tracker store in a temporary folder, the agent API's token set). Then, one client
on REST:

- an answered FAQ turn and a turn in a paused conversation (p50/p95 over ``--turns`` each):
  a paused turn says nothing, so the channels ask the database whether it is handed over;
- with 10, 50, 200 open handoffs (each an FAQ question, a request for a person in English
  or Korean, and a message while paused): ``GET /webhooks/agent/handoffs`` the first time
  (drafts computed for every open handoff) and warm (p50 of 10; what an Inbox tab pays every
  4 s), and the answer's size;
- an agent's reply and a resolve (p50 over 20 handoffs);
- the Rasa server's resident memory before the handoffs and after the last size.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

FAQ = ["When can we renew our Action Pack?", "액션팩은 언제 갱신할 수 있나요?"]
ASK = ["I'd like to talk to someone from your support team", "상담원과 직접 이야기하고 싶어요"]
PAUSED = ["Our tenant id changed last week.", "지난주에 테넌트가 바뀌었어요."]


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (the Rasa server is one process)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(call: Callable[[], Any]) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentiles(timings: List[float]) -> str:
    """``p50 / p95`` in ms."""
    cuts = statistics.quantiles(timings, n=100) if len(timings) > 1 else timings * 100
    return f"{statistics.median(timings):.1f} / {cuts[94]:.1f} ms"


class Bench:
    """A REST partner side and the agent API against one server."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.agent = requests.Session()
        self.agent.headers["Authorization"] = f"Bearer {token}"
        self.count = 0

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        """One REST turn."""
        answer = self.session.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        )
        answer.raise_for_status()
        return list(answer.json())

    def open_handoff(self) -> str:
        """A new conversation handed to a person, with a message while paused; its sender."""
        self.count += 1
        sender, lang = f"bench-{self.count}-{secrets.token_hex(3)}", self.count % 2
        self.say(sender, FAQ[lang])
        self.say(sender, ASK[lang])
        self.say(sender, PAUSED[lang])
        return sender

    def handoffs(self) -> requests.Response:
        """The open handoffs."""
        answer = self.agent.get(f"{self.url}/webhooks/agent/handoffs")
        answer.raise_for_status()
        return answer


def start_servers(token: str) -> List[Any]:
    """The action server and the Rasa server (SQLite, agent API on)."""
    from partnerdesk.tools.model_build import ensure_model
    from tests import servers

    workdir = Path(tempfile.mkdtemp(prefix="handoff-bench-"))
    actions = servers.action_server(workdir, {"PARTNERDESK_TODAY": "2021-08-20"}).start()
    action_url = actions.health_url.removesuffix("/health") + "/webhook"
    endpoints = servers.write_endpoints(
        workdir / "endpoints.yml", action_url, workdir / "conversations.db"
    )
    env = {
        "PARTNERDESK_ASSIST_TOKEN": token,
        "PARTNERDESK_DEV": "",
        "PARTNERDESK_REDIS_URL": "",
        "SLACK_BOT_TOKEN": "",
        "SLACK_SIGNING_SECRET": "",
        "SLACK_AGENT_CHANNEL": "",
        "PARTNERDESK_TODAY": "2021-08-20",
    }
    rasa = servers.rasa_server(ensure_model(), endpoints, workdir, extra_env=env).start()
    return [actions, rasa]


def main() -> int:
    """Start the servers, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", default="10,50,200", help="open handoffs to measure at")
    parser.add_argument("--turns", type=int, default=40, help="turns per turn figure")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.open.split(","))
    token = secrets.token_hex(16)
    started = start_servers(token)
    rasa = started[1]
    try:
        bench = Bench(rasa.health_url.rstrip("/"), token)
        for i in range(10):  # warm-up
            bench.say(f"warm-{i}", FAQ[i % 2])
        bench.handoffs()
        print(f"Rasa server RSS before handoffs: {rss_mib(rasa.process.pid):.0f} MiB")

        answered = [timed(lambda i=i: bench.say(f"faq-{i}", FAQ[i % 2])) for i in range(args.turns)]
        paused_sender = bench.open_handoff()
        paused = [
            timed(lambda i=i: bench.say(paused_sender, PAUSED[i % 2])) for i in range(args.turns)
        ]
        print(f"answered FAQ turn p50 / p95: {percentiles(answered)}")
        print(f"paused turn (stored, relayed, no answer) p50 / p95: {percentiles(paused)}")

        open_now = 1
        for size in sizes:
            creating = []
            while open_now < size:
                creating.append(timed(bench.open_handoff))
                open_now += 1
            first = timed(bench.handoffs)
            warm = [timed(bench.handoffs) for _ in range(10)]
            listed = bench.handoffs()
            count = len(listed.json()["handoffs"])
            print(
                f"{count} open: GET /handoffs first {first:.0f} ms, warm p50 "
                f"{statistics.median(warm):.0f} ms, {len(listed.content) / 1024:.0f} KiB"
                + (
                    f"; opening one (3 turns) p50 {statistics.median(creating):.0f} ms"
                    if creating
                    else ""
                )
            )

        ids = [h["id"] for h in bench.handoffs().json()["handoffs"][:20]]
        base = f"{bench.url}/webhooks/agent/handoffs"
        replies = [
            timed(
                lambda i=i: bench.agent.post(
                    f"{base}/{i}/reply", json={"text": "Hi, Dana here.", "agent": "Dana"}
                ).raise_for_status()
            )
            for i in ids
        ]
        resolves = [
            timed(lambda i=i: bench.agent.post(f"{base}/{i}/resolve").raise_for_status())
            for i in ids
        ]
        print(f"agent reply p50 / p95: {percentiles(replies)}")
        print(f"resolve p50 / p95: {percentiles(resolves)}")
        print(f"Rasa server RSS after: {rss_mib(rasa.process.pid):.0f} MiB")
    finally:
        for server in reversed(started):
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
