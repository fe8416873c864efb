"""One OS process hammering a lock store, for the cross-process lock tests.

    python -m tests.production.lock_worker --port P --conversation C --store atomic|stock

Runs ``--tasks`` concurrent tasks, each taking the conversation's lock ``--turns``
times. Inside the lock each does a deliberately non-atomic read-modify-write of
``<C>:counter`` and appends the ticket it was served with to ``<C>:served``; a
second holder at the same time shows up in ``<C>:overlaps``. Prints a JSON line
with the number of ``LockError`` s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def make_store(store: str, port: int):
    """The atomic store or Rasa's stock Redis lock store on ``port``."""
    if store == "atomic":
        from partnerdesk.stores.lock_store import AtomicRedisLockStore

        return AtomicRedisLockStore(host="127.0.0.1", port=port, db=0)
    from rasa.core.lock_store import RedisLockStore

    return RedisLockStore(host="127.0.0.1", port=port, db=0)


async def hammer(args: argparse.Namespace) -> int:
    """Run the tasks; return how many turns failed with ``LockError``."""
    import redis
    from rasa.core.lock_store import LockError

    store = make_store(args.store, args.port)
    red = redis.StrictRedis(port=args.port, db=0)
    key = args.conversation
    errors = 0

    async def turn() -> None:
        async with store.lock(key, lock_lifetime=args.lifetime, wait_time_in_seconds=0.02) as lock:
            if red.incr(f"{key}:inside") > 1:
                red.incr(f"{key}:overlaps")
            value = int(red.get(f"{key}:counter") or 0)
            await asyncio.sleep(0.002)
            red.set(f"{key}:counter", value + 1)
            red.rpush(f"{key}:served", lock.now_serving)
            red.decr(f"{key}:inside")

    async def task() -> None:
        nonlocal errors
        for _ in range(args.turns):
            try:
                await turn()
            except LockError:
                errors += 1

    await asyncio.gather(*(task() for _ in range(args.tasks)))
    return errors


def main() -> None:
    """Parse arguments, run, print the summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--conversation", required=True)
    parser.add_argument("--store", choices=["atomic", "stock"], required=True)
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--lifetime", type=float, default=5)
    args = parser.parse_args()
    print(json.dumps({"lock_errors": asyncio.run(hammer(args))}))


if __name__ == "__main__":
    main()
