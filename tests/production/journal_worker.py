"""A replica's tracker store in its own process, for the ``kill -9`` journal test.

    python -m tests.production.journal_worker --port P --db D --user U --password W --conversation C

Reads commands from stdin, one per line, and answers ``ok`` on stdout after each:
``turn TEXT`` runs one turn as the Rasa server does (retrieve, add the user message and a
bot answer, save); ``health`` prints the store's health report as JSON. The test kills the
process with SIGKILL whenever it likes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


async def serve(args: argparse.Namespace) -> None:
    """Run the commands of stdin until it closes."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from partnerdesk.stores.tracker_store import ResilientSQLTrackerStore

    store = ResilientSQLTrackerStore(
        domain=Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=args.port,
        db=args.db,
        username=args.user,
        password=args.password,
    )
    print("ok", flush=True)
    for line in sys.stdin:
        command, _, text = line.strip().partition(" ")
        if command == "turn":
            tracker = await store.retrieve(args.conversation)
            if tracker is None:
                tracker = DialogueStateTracker(args.conversation, [])
            tracker.update(UserUttered(text))
            tracker.update(BotUttered(f"answer to {text}"))
            await store.save(tracker)
            print("ok", flush=True)
        elif command == "health":
            print(json.dumps(store.health()), flush=True)


def main() -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser()
    for name in ("--db", "--user", "--password", "--conversation"):
        parser.add_argument(name, required=True)
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
