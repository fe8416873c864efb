"""SQLite files shared by processes: write-ahead-log mode, switched on safely.

In WAL mode readers never wait for a writer, and with ``synchronous=NORMAL`` a commit is
one append instead of a journal write plus two fsyncs. A killed process loses nothing
(the log is in the OS); a power cut can lose the last commits only. Used by the
tracker store and by the Slack delivery store.
"""

from __future__ import annotations

import sqlite3
import time

SWITCH_RETRY_S = 5.0


def use_write_ahead_log(connection: sqlite3.Connection, retry_s: float = SWITCH_RETRY_S) -> None:
    """Put ``connection``'s database in WAL mode, synced at checkpoints.

    Switching a new file to WAL needs it to itself and does not wait on SQLite's busy
    timeout, so processes opening the same new file at once would fail: retry instead.
    """
    deadline = time.monotonic() + retry_s
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
