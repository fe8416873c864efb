"""Which Slack deliveries were already handled, shared by every server process.

Slack retries an event it thinks failed (``X-Slack-Retry-Num``), and one message
can arrive as two events (an ``app_mention`` and a ``message`` in the answered
channel). A delivery is claimed under its keys (event id, channel and message
ts); it is new only if none of its keys was claimed before. Claims are kept
for an hour, far longer than Slack's retries (about five minutes).

The store is a SQLite file (``var/slack_events.db``, or
``PARTNERDESK_SLACK_EVENTS_DB``), shared by the processes of one machine, or
Redis when ``PARTNERDESK_REDIS_URL`` is set (several machines).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Mapping, Optional, Protocol, Sequence

from partnerdesk.core.paths import VAR_DIR
from partnerdesk.stores.sqlite_wal import use_write_ahead_log

REDIS_URL_ENV = "PARTNERDESK_REDIS_URL"
SQLITE_PATH_ENV = "PARTNERDESK_SLACK_EVENTS_DB"
DEFAULT_SQLITE_PATH = VAR_DIR / "slack_events.db"
KEEP_S = 3600
REDIS_PREFIX = "partnerdesk:slack:seen:"


class StoreUnavailable(Exception):
    """The store could not be reached: the delivery is neither new nor a duplicate."""


class SeenDeliveries(Protocol):
    """Claims Slack deliveries, atomically across processes."""

    async def first_delivery(self, keys: Sequence[str]) -> bool:
        """Claim ``keys``; True if none of them was claimed before."""


class SqliteSeenDeliveries:
    """Claims in a SQLite file; one short write transaction per delivery.

    The connection stays open: in WAL mode with ``synchronous=NORMAL`` a claim then
    costs microseconds (closing the last connection would checkpoint and fsync).
    A power cut may forget the last claims, no more.
    """

    def __init__(self, path: Path, keep_s: int = KEEP_S) -> None:
        """Open ``path``, creating the table if needed."""
        self.path = path
        self.keep_s = keep_s
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        use_write_ahead_log(self._db)
        self._db.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, at REAL NOT NULL)")
        self._db.execute("CREATE INDEX IF NOT EXISTS seen_at ON seen (at)")

    def _claim(self, keys: Sequence[str]) -> bool:
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM seen WHERE at < ?", (now - self.keep_s,))
                insert = "INSERT OR IGNORE INTO seen VALUES (?, ?)"
                inserted = sum(self._db.execute(insert, (key, now)).rowcount for key in keys)
            except sqlite3.Error:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return inserted == len(keys)

    async def first_delivery(self, keys: Sequence[str]) -> bool:
        """Claim ``keys``; True if none of them was claimed before."""
        try:
            return await asyncio.to_thread(self._claim, keys)
        except sqlite3.Error as error:
            raise StoreUnavailable(f"SQLite {self.path}: {error}") from error


class RedisSeenDeliveries:
    """Claims in Redis: ``SET key NX EX`` for each key, in one transaction."""

    def __init__(self, url: str, keep_s: int = KEEP_S) -> None:
        """Connect lazily to the Redis server at ``url``."""
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.keep_s = keep_s

    async def first_delivery(self, keys: Sequence[str]) -> bool:
        """Claim ``keys``; True if none of them was claimed before."""
        from redis.exceptions import RedisError

        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                for key in keys:
                    pipe.set(REDIS_PREFIX + key, 1, nx=True, ex=self.keep_s)
                claimed = await pipe.execute()
        except (RedisError, OSError) as error:
            raise StoreUnavailable(f"Redis: {error}") from error
        return all(claimed)


def seen_deliveries_from_env(env: Optional[Mapping[str, str]] = None) -> SeenDeliveries:
    """Redis if ``PARTNERDESK_REDIS_URL`` is set, else the SQLite file."""
    env = os.environ if env is None else env
    if env.get(REDIS_URL_ENV):
        return RedisSeenDeliveries(env[REDIS_URL_ENV])
    return SqliteSeenDeliveries(Path(env.get(SQLITE_PATH_ENV) or DEFAULT_SQLITE_PATH))
