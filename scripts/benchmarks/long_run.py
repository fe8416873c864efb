"""Memory over a long run: the Rasa server's RSS while it answers ≥ 50 000 REST turns.

Usage: .venv/bin/python scripts/benchmarks/long_run.py [--turns 50000] [--clients 4]
           [--step 1000] [--warm-up 5000] [--plot docs/rss-long-run.png] [--json PATH]

Starts one PartnerDesk server (SQLite, the embedded default) with the current model and
plays FAQ questions from ``--clients`` closed-loop clients, each starting a new
conversation every 5 turns (so the events table and the number of conversations grow
all the time). After every ``--step`` turns it samples the server's RSS (Rasa and its
children) and the step's rate and p50 latency. Growth is measured from the sample at
``--warm-up`` turns (by then the recent-tracker cache, 500 conversations, is full) to the
last one: more than 5 % is a leak to find.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from loadgen import load_line, rss_mib, run_load
from speed_budget import start_single, stop_single, turn_call

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.tools.model_build import ensure_model


def plot(samples: List[Dict[str, float]], warm_up: int, path: Path) -> None:
    """RSS and p50 latency against turns answered."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    turns = [s["turns"] for s in samples]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    top.plot(turns, [s["rss_mib"] for s in samples], color="#3b7dd8")
    top.axvline(warm_up, color="grey", linestyle=":", label="end of warm-up")
    top.set_ylabel("server RSS (MiB)")
    top.set_ylim(bottom=0)
    top.legend(loc="lower right")
    top.set_title("PartnerDesk over a long run (REST turns, SQLite, new conversation every 5)")
    bottom.plot(turns, [s["p50_ms"] for s in samples], color="#d8643b", label="p50")
    bottom.plot(turns, [s["turns_per_s"] for s in samples], color="#3bd87d", label="turns/s")
    bottom.set_xlabel("turns answered")
    bottom.set_ylabel("ms  /  turns per s")
    bottom.set_ylim(bottom=0)
    bottom.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def main() -> int:
    """Run, sample, print, plot."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--step", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=5000)
    parser.add_argument("--plot", type=Path, default=PROJECT_ROOT / "docs" / "rss-long-run.png")
    parser.add_argument("--json", type=Path, default=None, help="write the samples here")
    args = parser.parse_args()

    print(load_line(), flush=True)
    single = start_single("long", ensure_model())
    samples: List[Dict[str, float]] = []
    errors, started = 0, time.perf_counter()
    try:
        pid = single.server.process.pid
        samples.append({"turns": 0, "rss_mib": rss_mib(pid), "turns_per_s": 0, "p50_ms": 0})
        done = 0
        while done < args.turns:
            per_client = max(1, args.step // args.clients)
            result = run_load("long run", turn_call(single.base, "long"), args.clients, per_client)
            done += per_client * args.clients
            errors += result.errors
            sample = {
                "turns": done,
                "rss_mib": rss_mib(pid),
                "turns_per_s": result.rate,
                "p50_ms": statistics.median(result.latencies_ms) if result.latencies_ms else 0,
            }
            samples.append(sample)
            print(
                f"{done:>6} turns  RSS {sample['rss_mib']:6.1f} MiB  "
                f"{sample['turns_per_s']:6.1f} turns/s  p50 {sample['p50_ms']:6.1f} ms  "
                f"errors so far {errors}  ({load_line()})",
                flush=True,
            )
    finally:
        stop_single(single)
    minutes = (time.perf_counter() - started) / 60
    after_warm_up = [s for s in samples if s["turns"] >= args.warm_up]
    base, last = after_warm_up[0], samples[-1]
    growth = (last["rss_mib"] - base["rss_mib"]) / base["rss_mib"] * 100
    peak = max(s["rss_mib"] for s in after_warm_up)
    print(
        f"{last['turns']} turns in {minutes:.1f} min, {errors} errors; RSS at start "
        f"{samples[0]['rss_mib']:.0f} MiB, after warm-up ({base['turns']} turns) "
        f"{base['rss_mib']:.1f} MiB, peak after warm-up {peak:.1f} MiB, at the end "
        f"{last['rss_mib']:.1f} MiB: growth {growth:+.1f} % (target ≤ 5 %)"
    )
    print(load_line())
    if args.json:
        args.json.write_text(json.dumps(samples, indent=1))
    plot(samples, args.warm_up, args.plot)
    return 0 if growth <= 5 and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
