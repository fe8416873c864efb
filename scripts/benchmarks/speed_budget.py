"""Issue 7's speed budget, measured side by side in one run; prints figures, writes a plot.

Usage: .venv/bin/python scripts/benchmarks/speed_budget.py [--calls 30] [--plot PATH]
           [--skip-default-config] [--skip-production] [--default-epochs 1]

1. PartnerDesk, one server, SQLite (the embedded default): ready time, `/model/parse`,
   full REST turns and the reply assistant at 1 and 10 clients, server RSS.
2. Rasa's default `config.yml` (what `rasa init` writes), trained on the same data, the same
   way, running beside it. Its DIET/ResponseSelector/TED epochs are cut to
   ``--default-epochs`` (default 1): epochs change accuracy, not the cost of a parse or the
   memory of the loaded model, and 100 epochs take more than an hour here.
3. The production profile (`scripts/production up` on free ports, PostgreSQL + Redis): one
   replica direct against two replicas behind the balancer, REST turns at 10 clients.
Clients are closed loops; a REST client starts a new conversation every 5 turns. The
targets are ratios between loads of 1 and 2, so those loads run in alternation (three
rounds of each; ``loadgen.alternate``): on a machine shared with other work, a load run a
minute later would meet a different machine. The machine's load average is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from loadgen import FAQ_QUESTIONS as QUESTIONS
from loadgen import TURNS_PER_CONVERSATION, Result, alternate, load_line, rss_mib, run_load

from partnerdesk.core.paths import MODELS_DIR, PROJECT_ROOT
from partnerdesk.tools.model_build import ensure_model
from tests import servers

ASSIST_TOKEN = "bench-" + uuid.uuid4().hex
DEFAULT_CONFIG = PROJECT_ROOT / "scripts" / "benchmarks" / "pipelines" / "rasa_default.yml"


def default_config_model(epochs: int) -> Path:
    """Rasa's default config trained on the project's data (cached in models/benchmarks)."""
    config_text = re.sub(r"epochs: \d+", f"epochs: {epochs}", DEFAULT_CONFIG.read_text())
    config_text = config_text.replace("placeholder_default", "partnerdesk_bench_default")
    name = f"rasa-default-{epochs}epochs-{ensure_model().name.split('-')[-1].split('.')[0]}"
    model = MODELS_DIR / "benchmarks" / f"{name}.tar.gz"
    if not model.exists():
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "config.yml"
            config.write_text(config_text)
            started = time.perf_counter()
            subprocess.run(
                [
                    str(servers.VENV_BIN / "rasa"),
                    "train",
                    "--config",
                    str(config),
                    "--out",
                    str(model.parent),
                    "--fixed-model-name",
                    name,
                ],
                cwd=PROJECT_ROOT,
                check=True,
                capture_output=True,
            )
            print(f"trained the default-config model in {time.perf_counter() - started:.0f} s")
    return model


def turn_call(base: str, label: str):
    """A REST turn; each client starts a new conversation every few turns."""
    run = uuid.uuid4().hex[:6]

    def call(session, client: int, i: int) -> None:
        sender = f"{label}-{run}-{client}-{i // TURNS_PER_CONVERSATION}"
        reply = session.post(
            f"{base}/webhooks/rest/webhook",
            timeout=60,
            json={"sender": sender, "message": QUESTIONS[i % len(QUESTIONS)]},
        )
        reply.raise_for_status()
        assert reply.json(), "empty reply"

    return call


def parse_call(base: str):
    """A `/model/parse` call."""

    def call(session, client: int, i: int) -> None:
        session.post(
            f"{base}/model/parse",
            json={"text": QUESTIONS[(client + i) % len(QUESTIONS)]},
            timeout=60,
        ).raise_for_status()

    return call


def assist_call(base: str, token: str):
    """A reply-assistant call."""

    def call(session, client: int, i: int) -> None:
        session.post(
            f"{base}/webhooks/assist/suggest",
            timeout=60,
            headers={"Authorization": f"Bearer {token}"},
            json={"text": QUESTIONS[(client + i) % len(QUESTIONS)], "top": 3},
        ).raise_for_status()

    return call


def both_loads(name: str, call, calls: int) -> List[Result]:
    """The same load at 1 client and at 10 clients (after a short warm-up)."""
    run_load("warm-up", call, 2, 5)
    return [run_load(name, call, 1, calls * 2), run_load(name, call, 10, calls)]


@dataclass
class Single:
    """One Rasa server (SQLite tracker store) and its action server on loopback."""

    label: str
    server: servers.ServerProcess
    actions: servers.ServerProcess
    workdir: Path
    ready_s: float = 0.0

    @property
    def base(self) -> str:
        """The server's base URL."""
        return self.server.health_url.rstrip("/")


def start_single(label: str, model: Path) -> Single:
    """Start the servers and time how long Rasa takes to answer."""
    workdir = Path(tempfile.mkdtemp(prefix=f"speed-{label.replace(' ', '-')}-"))
    actions = servers.action_server(workdir).start()
    endpoints = servers.write_endpoints(
        workdir / "endpoints.yml",
        actions.health_url.replace("/health", "/webhook"),
        workdir / "conversations.db",
    )
    server = servers.rasa_server(
        model, endpoints, workdir, extra_env={"PARTNERDESK_ASSIST_TOKEN": ASSIST_TOKEN}
    )
    single = Single(label, server, actions, workdir)
    started = time.perf_counter()
    try:
        server.start()
    except BaseException:
        stop_single(single)  # a server that did not come up in time is still running
        raise
    single.ready_s = time.perf_counter() - started
    return single


def stop_single(single: Single) -> None:
    """Stop both servers and remove their files."""
    single.server.stop()
    single.actions.stop()
    shutil.rmtree(single.workdir, ignore_errors=True)


def measure_side_by_side(singles: List[Single], calls: int) -> List[Result]:
    """Parse and REST-turn loads of every server, measured in alternation.

    The targets are ratios between these loads, so they run in turns (see
    ``loadgen.alternate``): other work on the machine then weighs on all of them alike.
    """
    loads = []
    for single in singles:
        base, label = single.base, single.label
        loads += [
            (f"{label}: /model/parse", lambda base=base: parse_call(base)),
            (f"{label}: REST turn (SQLite)", lambda base=base, label=label: turn_call(base, label)),
        ]
        run_load("warm-up", parse_call(base), 2, 5)
        run_load("warm-up", turn_call(base, label), 2, 5)
    return alternate(loads, 1, calls * 2) + alternate(loads, 10, calls)


def measure_production(calls: int) -> List[Result]:
    """The production profile: one replica direct, then two behind the balancer."""
    from tests.production.profile import Profile

    # Every benchmark client comes from 127.0.0.1, one address: lift the per-address limit.
    profile = Profile.create(PARTNERDESK_RATE_LIMIT="100000", PARTNERDESK_RATE_BURST="100000")
    try:
        profile.run("up")
        direct, balanced = profile.replica_url("rasa-1"), profile.balancer
        results = both_loads(
            "production: REST turn, 1 replica direct (PostgreSQL)",
            turn_call(direct, "direct"),
            calls,
        )
        results.append(
            run_load(
                "production: REST turn, 2 replicas behind nginx",
                turn_call(balanced, "balanced"),
                10,
                calls,
            )
        )
        token = profile.secrets()["PARTNERDESK_ASSIST_TOKEN"]
        results.append(
            run_load(
                "production: reply assistant behind nginx", assist_call(balanced, token), 10, calls
            )
        )
        return results
    finally:
        profile.run("down")
        profile.remove()


def rate(results: List[Result], name: str, clients: int = 10) -> float:
    """The calls/s of one measured load."""
    return next(r.rate for r in results if r.name == name and r.clients == clients)


def plot(results: List[Result], path: Path) -> None:
    """Horizontal bars of calls/s at 10 clients."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [r for r in results if r.clients == 10]
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(shown) + 1.2))
    ax.barh([r.name for r in shown][::-1], [r.rate for r in shown][::-1], color="#3b7dd8")
    ax.set_xlabel("calls/s at 10 clients (2-core machine, loopback)")
    ax.set_title("PartnerDesk speed budget")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def targets(
    ours: Dict[str, object], default: Optional[Dict[str, object]], production: List[Result]
) -> List[str]:
    """The issue's targets, each with the measured figure and a verdict."""
    results: List[Result] = ours["results"]  # type: ignore[assignment]  # all of them
    lines = []

    def check(what: str, value: float, goal: str, ok: bool) -> None:
        lines.append(f"{'PASS' if ok else 'MISS'}  {what}: {value:.2f} (target {goal})")

    ratio = rate(results, "ours: REST turn (SQLite)") / rate(results, "ours: /model/parse")
    check("REST turns/s ÷ parse calls/s, 10 clients, SQLite", ratio, "≥ 0.7", ratio >= 0.7)
    if default:
        versus = rate(results, "ours: REST turn (SQLite)") / rate(
            results, "rasa default config: REST turn (SQLite)"
        )
        what = "our REST turns/s ÷ Rasa default config's, 10 clients"
        check(what, versus, "≥ 2.5", versus >= 2.5)
    check("ready to answer after start (s)", ours["ready_s"], "≤ 30", ours["ready_s"] <= 30)
    assist_p95 = next(
        r.p95 for r in results if r.name == "ours: reply assistant" and r.clients == 1
    )
    check("reply assistant p95, 1 client (ms)", assist_p95, "≤ 50", assist_p95 <= 50)
    if default:
        check(
            "Rasa server RSS, ours ÷ default config",
            ours["rss_mib"] / default["rss_mib"],
            "≤ 1.0",
            ours["rss_mib"] <= default["rss_mib"],
        )
    if production:
        scale = rate(production, "production: REST turn, 2 replicas behind nginx") / rate(
            production, "production: REST turn, 1 replica direct (PostgreSQL)"
        )
        check("2 replicas behind nginx ÷ 1 replica direct", scale, "≥ 1.5", scale >= 1.5)
    return lines


def main() -> int:
    """Measure everything, print, plot."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=30, help="calls per client at 10 clients")
    parser.add_argument("--plot", type=Path, default=PROJECT_ROOT / "docs" / "speed-budget.png")
    parser.add_argument("--skip-default-config", action="store_true")
    parser.add_argument("--skip-production", action="store_true")
    parser.add_argument("--default-epochs", type=int, default=1)
    parser.add_argument(
        "--start-timeout", type=int, default=300, help="seconds a server may take to start"
    )
    args = parser.parse_args()
    # The default-config server loads TensorFlow models: over 90 s on a busy machine.
    servers.START_TIMEOUT_S = args.start_timeout

    default_model = None if args.skip_default_config else default_config_model(args.default_epochs)
    ours_server = start_single("ours", ensure_model())
    singles = [ours_server]
    try:
        if default_model is not None:
            singles.append(start_single("rasa default config", default_model))
        results = measure_side_by_side(singles, args.calls)
        results += both_loads(
            "ours: reply assistant", assist_call(ours_server.base, ASSIST_TOKEN), args.calls
        )
        measured = [
            {"results": results, "ready_s": s.ready_s, "rss_mib": rss_mib(s.server.process.pid)}
            for s in singles
        ]
    finally:
        for single in singles:
            stop_single(single)
    ours, default = measured[0], (measured[1] if len(measured) > 1 else None)
    production = [] if args.skip_production else measure_production(args.calls)
    results += production

    print(load_line())
    for result in results:
        print(result.line())
    print(f"ours: ready {ours['ready_s']:.1f} s, RSS {ours['rss_mib']:.0f} MiB")
    if default:
        print(
            f"rasa default config: ready {default['ready_s']:.1f} s, "
            f"RSS {default['rss_mib']:.0f} MiB"
        )
    print("\n".join(targets(ours, default, production)))
    plot(results, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
