"""The REST turn's floor: the same model with Rasa's own in-memory tracker store.

Usage: .venv/bin/python scripts/benchmarks/turn_floor.py [--calls 30]

Measures `/model/parse` and full REST turns at 10 clients, in alternation (as
`speed_budget.py` does), on a Rasa server with no tracker store configured: Rasa keeps
conversations in memory, so none of the turn's time is the project's store or SQLite.
What the REST turn costs beyond the parse there is Rasa's own processing of a turn (lock,
session check, two predictions, the actions, the channel), the floor a tracker store can't
go below. Prints both rates and their ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from loadgen import alternate, load_line, run_load
from speed_budget import parse_call, turn_call

from partnerdesk.tools.model_build import ensure_model
from tests import servers


def main() -> None:
    """Start the servers, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30, help="calls per client and round")
    calls = parser.parse_args().calls
    workdir = Path(tempfile.mkdtemp(prefix="turn-floor-"))
    actions = servers.action_server(workdir).start()
    action_url = actions.health_url.replace("/health", "/webhook")
    endpoints = servers.write_endpoints(workdir / "endpoints.yml", action_url, None)
    server = servers.rasa_server(ensure_model(), endpoints, workdir)
    try:
        server.start()
        base = server.health_url.rstrip("/")
        run_load("warm-up", parse_call(base), 2, 5)
        run_load("warm-up", turn_call(base, "floor"), 2, 5)
        print(load_line())
        parse, turn = alternate(
            [
                ("/model/parse", lambda: parse_call(base)),
                ("REST turn (in-memory store)", lambda: turn_call(base, "floor")),
            ],
            10,
            calls,
        )
        print(parse.line())
        print(turn.line())
        print(f"REST turns/s ÷ parse calls/s, 10 clients, in-memory: {turn.rate / parse.rate:.2f}")
    finally:
        server.stop()
        actions.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
