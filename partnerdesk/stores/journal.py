"""A replica's durable journal of the turns it answered while the database was down.

One SQLite file per running replica, in ``PARTNERDESK_JOURNAL_DIR`` (default
``var/journal``). A process claims a file by holding an exclusive ``flock`` on it for as
long as it runs: the lock goes with the process, so after a crash or ``kill -9`` the file
is free again and the next replica started on that machine claims it (or replays it as an
orphan, :func:`orphans`) and writes what it holds to the database.

The file holds one row per entry, numbered by ``seq`` (SQLite ``AUTOINCREMENT``: never
reused, so a number names one entry for the file's whole life):

- ``event``: one event of a conversation, as Rasa serialises it, in the order of the turn;
- ``base``: the events the conversation's tracker was built from before the outage (its
  context: the bounded window and its snapshot), written once per conversation and
  outage. It rebuilds the tracker after a restart; it is never written to the database.

Every append is one transaction in write-ahead-log mode with ``synchronous=FULL``: when a
turn's save returns, its events are on disk (a killed process loses nothing, a power cut
nothing either). Each file carries a random id; the store records, in the database, which
``seq`` of which file it wrote last for each conversation in the same transaction as the
events (:mod:`partnerdesk.stores.journaled_store`), so a crash between that commit and
the deletion here cannot write an entry twice.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

DIR_ENV = "PARTNERDESK_JOURNAL_DIR"
DEFAULT_DIR = "var/journal"
SUFFIX = ".journal"
BASE, EVENT = "base", "event"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "sender_id TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_by_sender ON entries (sender_id, seq)",
)


def journal_dir() -> Path:
    """The folder of the journals (``PARTNERDESK_JOURNAL_DIR``), relative to the cwd."""
    return Path(os.environ.get(DIR_ENV) or DEFAULT_DIR)


@dataclass
class Entries:
    """A conversation's journaled entries.

    Attributes:
        base: The events its tracker was built from before the outage (not to replay).
        events: The events to write to the database, in order.
        last_seq: The highest ``seq`` among them (0: none).
        event_seqs: The ``seq`` of each of ``events``.
    """

    base: List[Dict[str, Any]]
    events: List[Dict[str, Any]]
    event_seqs: List[int]
    last_seq: int


class Journal:
    """One claimed journal file (open it with :meth:`claim`)."""

    def __init__(self, path: Path, lock_fd: int) -> None:
        """Open ``path``, whose ``flock`` ``lock_fd`` holds; create its tables and id."""
        self.path = path
        self._lock_fd = lock_fd
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        for statement in _SCHEMA:
            self._db.execute(statement)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('id', ?)", (uuid.uuid4().hex,))
        self.id: str = self._db.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()[0]
        self.pending: int = self._db.execute(
            "SELECT count(*) FROM entries WHERE kind = ?", (EVENT,)
        ).fetchone()[0]

    @classmethod
    def claim(cls, folder: Optional[Path] = None) -> "Journal":
        """The first journal in ``folder`` no running process holds, or a new one."""
        folder = folder or journal_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(folder.glob(f"*{SUFFIX}")):
            journal = cls.try_claim(path)
            if journal is not None:
                return journal
        path = folder / f"tracker-{uuid.uuid4().hex[:12]}{SUFFIX}"
        journal = cls.try_claim(path)
        if journal is None:  # a fresh random name: nobody else can hold it
            raise OSError(f"cannot lock the new journal {path}")
        return journal

    @classmethod
    def try_claim(cls, path: Path) -> Optional["Journal"]:
        """``path`` opened and locked, or None if a running process holds it."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            return cls(path, fd)
        except Exception:
            os.close(fd)
            raise

    def close(self) -> None:
        """Close the file and release it."""
        self._db.close()
        os.close(self._lock_fd)

    def remove(self) -> None:
        """Delete the (empty) file, then release it."""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.close()

    # --- writing -------------------------------------------------------------------------

    def has(self, sender_id: str) -> bool:
        """Whether the conversation has entries here."""
        found = self._db.execute(
            "SELECT 1 FROM entries WHERE sender_id = ? LIMIT 1", (sender_id,)
        ).fetchone()
        return found is not None

    def append(
        self,
        sender_id: str,
        events: Sequence[Dict[str, Any]],
        base: Optional[Sequence[Dict[str, Any]]] = None,
    ) -> None:
        """Append the conversation's new events (after its ``base``), durably, at once."""
        if not events:
            return  # a base alone is never written: it goes with the events after it
        rows = [(sender_id, BASE, json.dumps(list(base)))] if base is not None else []
        rows += [(sender_id, EVENT, json.dumps(event)) for event in events]
        with self._db:  # sqlite3's context manager does not BEGIN in autocommit mode
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT INTO entries (sender_id, kind, data) VALUES (?, ?, ?)", rows
            )
        self.pending += len(events)

    # --- reading and replaying ----------------------------------------------------------

    def senders(self) -> List[str]:
        """The conversations with entries, the one journaled first first."""
        rows = self._db.execute(
            "SELECT sender_id FROM entries GROUP BY sender_id ORDER BY min(seq)"
        ).fetchall()
        return [sender for (sender,) in rows]

    def entries(self, sender_id: str) -> Entries:
        """The conversation's entries; its latest ``base`` (if any) and its events."""
        base: List[Dict[str, Any]] = []
        events: List[Dict[str, Any]] = []
        seqs: List[int] = []
        last = 0
        for seq, kind, data in self._db.execute(
            "SELECT seq, kind, data FROM entries WHERE sender_id = ? ORDER BY seq", (sender_id,)
        ):
            if kind == BASE:
                base = json.loads(data)
            else:
                events.append(json.loads(data))
                seqs.append(seq)
            last = seq
        return Entries(base, events, seqs, last)

    def written(self, sender_id: str, up_to_seq: int) -> None:
        """Forget the conversation's entries up to ``up_to_seq``: they are in the database."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            gone = self._db.execute(
                "DELETE FROM entries WHERE sender_id = ? AND seq <= ? AND kind = ?",
                (sender_id, up_to_seq, EVENT),
            ).rowcount
            self._db.execute(
                "DELETE FROM entries WHERE sender_id = ? AND seq <= ?", (sender_id, up_to_seq)
            )
        self.pending = max(0, self.pending - gone)


def orphans(folder: Path, own: Journal) -> Iterator[Journal]:
    """The other journals in ``folder`` that no running process holds, each claimed."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        if path.resolve() == own.path.resolve():
            continue
        journal = Journal.try_claim(path)
        if journal is not None:
            yield journal
