"""Where a turn's time goes: cProfile over in-process turns with the project's SQLite tracker store.

Usage: .venv/bin/python scripts/benchmarks/profile_turn.py [--turns 100] [--no-action-server]
Loads the current model in this process (no HTTP), plays FAQ questions in
conversations of 5 turns, and prints the functions with the most cumulative time.
Custom actions (the session start of every conversation) go to a real action server,
started here, as in the REST benchmarks: without one they fail at once, and the cost of
reading their responses is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from loadgen import FAQ_QUESTIONS, TURNS_PER_CONVERSATION


def main() -> None:
    """Warm up, profile, print."""
    import structlog
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig

    from partnerdesk import rasa_patches
    from partnerdesk.core.paths import DOMAIN_PATH
    from partnerdesk.stores.tracker_store import ResilientSQLTrackerStore
    from partnerdesk.tools.model_build import ensure_model
    from tests import servers

    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--no-action-server", action="store_true")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    rasa_patches.apply(rasa_patches.RASA_SERVER)  # as the server does when it starts
    with tempfile.TemporaryDirectory() as tmp:
        store = ResilientSQLTrackerStore(
            Domain.load(str(DOMAIN_PATH)), dialect="sqlite", db=str(Path(tmp) / "profile.db")
        )
        actions = None if args.no_action_server else servers.action_server(Path(tmp)).start()
        try:
            endpoint = actions and EndpointConfig(actions.health_url.replace("/health", "/webhook"))
            agent = Agent.load(str(ensure_model()), tracker_store=store, action_endpoint=endpoint)

            async def play(turns: int, run: str) -> None:
                for i in range(turns):
                    await agent.handle_message(
                        UserMessage(
                            FAQ_QUESTIONS[i % len(FAQ_QUESTIONS)],
                            CollectingOutputChannel(),
                            f"{run}{i // TURNS_PER_CONVERSATION}",
                        )
                    )

            asyncio.run(play(10, "warm"))
            profile = cProfile.Profile()
            profile.enable()
            asyncio.run(play(args.turns, "p"))
            profile.disable()
        finally:
            if actions is not None:
                actions.stop()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
