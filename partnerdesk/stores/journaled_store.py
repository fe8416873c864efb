"""The bounded SQL tracker store, continuing on a local journal while its database is down.

While the database does not answer, :class:`JournaledSQLTrackerStore` (the base of
:class:`partnerdesk.stores.tracker_store.ResilientSQLTrackerStore`) keeps answering with
context and keeps every turn:

- a turn's tracker comes from the journal (:mod:`partnerdesk.stores.journal`) when its
  conversation has entries there, else from the trackers this process saved last
  (:mod:`partnerdesk.stores.recent_trackers`), else it starts empty (a conversation this
  replica never saw, while the database is down);
- a save appends the tracker's new events to the journal, durably, before it returns;
  the first append of a conversation also records the events its tracker was built from,
  so a replica restarted during the outage rebuilds the same context;
- a background thread asks the database every ``PARTNERDESK_JOURNAL_RETRY_S`` seconds
  (default 2) whether it answers again; when it does, it writes each journaled
  conversation's events to the database in their order, through the same code as a
  turn's save (window and all), together with the journal's ``seq`` reached for that
  conversation in ``tracker_journal_replays``, in one transaction; then it deletes them
  from the journal. An entry whose ``seq`` the database already has is skipped, so a
  crash between the commit and the deletion writes nothing twice. It also replays the
  journals of replicas that died on this machine (unlocked files in the folder);
- until the journal is empty, turns keep going to the journal, so a conversation's
  events reach the database in the order they happened.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import weakref
from typing import Any, Dict, List, Optional, Text, Tuple

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Connection

from partnerdesk.stores import event_rows
from partnerdesk.stores.bounded_store import BoundedSQLTrackerStore, Stored
from partnerdesk.stores.journal import Journal, journal_dir, orphans
from partnerdesk.stores.journal_replay import (
    merge_into_database,
    replayed_seq,
    replays,
    set_replayed,
    without_blind_session_start,
)
from partnerdesk.stores.recent_trackers import Recent

logger = logging.getLogger(__name__)

RETRY_ENV = "PARTNERDESK_JOURNAL_RETRY_S"
DEFAULT_RETRY_S = 2.0
FAILURE_LOG_INTERVAL_S = 60.0
FINAL_ROUND_EVENTS = 200  # replayed holding the lock: a fraction of a second


class JournaledSQLTrackerStore(BoundedSQLTrackerStore):
    """Keeps turns in a local journal while the database is down, then writes them.

    The subclass tracks whether the database answers (``db_error``) and calls
    :meth:`open_journal` before its first query and :meth:`start_recovery` when a query
    fails.
    """

    db_error: Optional[str]

    # --- state -----------------------------------------------------------------------

    def open_journal(self) -> None:
        """Claim this process's journal (one it left, or a dead replica's, or a new one)."""
        self.journal = Journal.claim(journal_dir())
        self.journal_lock = threading.RLock()
        self._recovery: Optional[threading.Thread] = None
        self.replayed_events = 0
        if self.journal.pending:
            logger.warning(
                f"The tracker journal {self.journal.path} holds {self.journal.pending} events "
                f"of turns answered while the database was down; they are written to the "
                f"database as soon as it answers."
            )

    def journal_in_use(self) -> bool:
        """Whether turns go to the journal: the database is down or the journal not empty."""
        return self.db_error is not None or self.journal.pending > 0

    def _journaled(self) -> Dict[int, Tuple["weakref.ref[DialogueStateTracker]", int]]:
        """Trackers whose events are journaled, by ``id()``: how many of their events."""
        found: Dict[int, Tuple[Any, int]] = self.__dict__.setdefault("_journaled_trackers", {})
        return found

    def _journaled_count(self, tracker: DialogueStateTracker) -> Optional[int]:
        entry = self._journaled().get(id(tracker))
        return entry[1] if entry is not None and entry[0]() is tracker else None

    def _remember_journaled(self, tracker: DialogueStateTracker, count: int) -> None:
        key, journaled = id(tracker), self._journaled()
        journaled[key] = (weakref.ref(tracker, lambda _ref: journaled.pop(key, None)), count)

    # --- turns while the journal is in use ---------------------------------------------

    def journaled_tracker(
        self, sender_id: Text, recent: Optional[Recent] = None
    ) -> Optional[DialogueStateTracker]:
        """The conversation's tracker without the database: journal, then memory.

        ``recent`` is the tracker this process saved last for it, if already taken.
        """
        with self.journal_lock:
            if self.journal.has(sender_id) and self.domain is not None:
                entries = self.journal.entries(sender_id)
                dicts = entries.base + entries.events
                tracker = DialogueStateTracker.from_dict(sender_id, dicts, self.domain.slots)
                self._remember_journaled(tracker, len(dicts))
                return tracker
        recent = recent or self.recent.take(sender_id)
        if recent is not None and self.stored_state(recent.tracker) is not None:
            return recent.tracker
        return None

    def journal_tracker(self, tracker: DialogueStateTracker, known: int, publish: bool) -> None:
        """Append the tracker's events after the first ``known`` to the journal.

        The first entries of a conversation record ``tracker.events[:known]`` as its base.
        """
        events = list(tracker.events)
        new = [event.as_dict() for event in events[known:]]
        with self.journal_lock:
            base = None
            if known and not self.journal.has(tracker.sender_id):
                base = [event.as_dict() for event in events[:known]]
            self.journal.append(tracker.sender_id, new, base)
        self._remember_journaled(tracker, len(events))
        self.recent.forget(tracker.sender_id)
        if publish and self.event_broker is not None:
            for event in new:
                self.event_broker.publish({"sender_id": tracker.sender_id, **event})
        self.start_recovery()

    def known_count(self, tracker: DialogueStateTracker) -> int:
        """How many of the tracker's events are journaled or stored already."""
        journaled = self._journaled_count(tracker)
        if journaled is not None:
            return journaled
        stored = self.stored_state(tracker)
        return stored.count if stored is not None else 0

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish the tracker's new events (noting that they were, should the save fail)."""
        self.__dict__["_streamed"] = id(tracker)
        await super().stream_events(tracker)

    def streamed(self, tracker: DialogueStateTracker) -> bool:
        """Whether the last save attempt published this tracker's new events already."""
        return self.__dict__.get("_streamed") == id(tracker)

    def is_journaled(self, tracker: DialogueStateTracker) -> bool:
        """Whether the tracker's events went to the journal (it saves there until replayed)."""
        return self._journaled_count(tracker) is not None

    # --- replay --------------------------------------------------------------------------

    def start_recovery(self) -> None:
        """Start the thread that waits for the database and replays the journals."""
        with self.journal_lock:
            if self._recovery is not None:
                return
            self._recovery = threading.Thread(
                target=self._recover, name="tracker-journal-replay", daemon=True
            )
            self._recovery.start()

    def _recover(self) -> None:
        retry_s = float(os.environ.get(RETRY_ENV) or DEFAULT_RETRY_S)
        logged_at = -FAILURE_LOG_INTERVAL_S
        while True:
            time.sleep(retry_s)
            try:
                done = self.replay_journals()
            except Exception:  # the thread must outlive any single failure
                done = False
                if time.monotonic() - logged_at >= FAILURE_LOG_INTERVAL_S:
                    logged_at = time.monotonic()
                    logger.exception("Replaying the tracker journal failed; retrying.")
            if done:
                with self.journal_lock:  # a save now starts a new thread
                    if self.journal.pending == 0 and self.db_error is None:
                        self._recovery = None
                        return

    def ping(self) -> None:
        """One ``SELECT 1`` (raises ``SQLAlchemyError`` while the database is down)."""
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def replay_journals(self) -> bool:
        """If the database answers, write every journal of this machine to it.

        Turns go on meanwhile (to the journal): the lock is taken per conversation, and
        for the whole of the last round only, once at most ``FINAL_ROUND_EVENTS`` are
        left, so the journal empties even under steady traffic. Returns whether all is
        written (and the database answers).
        """
        if self.domain is None:
            return False  # Rasa sets the domain once the model is loaded
        written = 0
        try:
            self.check_database()
            while self.journal.pending > FINAL_ROUND_EVENTS:
                written += self.replay(self.journal)
            with self.journal_lock:
                written += self.replay(self.journal)
            for orphan in orphans(self.journal.path.parent, self.journal):
                try:
                    written += self.replay(orphan)
                finally:
                    if orphan.pending == 0 and not orphan.senders():
                        orphan.remove()
                    else:
                        orphan.close()
        except sqlalchemy.exc.SQLAlchemyError:
            return False  # recorded by check_database / noted on the next probe
        finally:
            if written:
                self.replayed_events += written
                logger.warning(
                    f"Wrote {written} journaled events of turns answered while the database "
                    f"was down to the database, in order."
                )
        with self.journal_lock:
            return self.journal.pending == 0 and self.db_error is None

    def check_database(self) -> None:
        """Ping the database (the subclass records failures and recoveries)."""
        self.ping()

    def replay(self, journal: Journal) -> int:
        """Write ``journal``'s conversations to the database; how many events were written."""
        written = 0
        for sender_id in journal.senders():
            with self.journal_lock:  # no turn of this conversation is journaled meanwhile
                entries = journal.entries(sender_id)
                with self.engine.begin() as connection:
                    done = replayed_seq(connection, journal.id, sender_id)
                    todo = [e for e, seq in zip(entries.events, entries.event_seqs) if seq > done]
                    if todo and not entries.base:
                        todo = without_blind_session_start(
                            connection, sender_id, todo, self.session_expiry_min()
                        )
                    if todo:
                        self._append_to_database(connection, sender_id, todo)
                    set_replayed(connection, journal.id, sender_id, entries.last_seq)
                journal.written(sender_id, entries.last_seq)
                self.recent.forget(sender_id)
            written += len(todo)
            with self.engine.begin() as connection:  # the journal no longer has those seqs
                connection.execute(
                    replays.delete().where(
                        replays.c.journal_id == journal.id, replays.c.sender_id == sender_id
                    )
                )
        return written

    def _append_to_database(
        self, connection: Connection, sender_id: Text, events: List[Dict[str, Any]]
    ) -> None:
        """Append events after the conversation's stored ones, as a turn's save would.

        If the database has events of the conversation from after the first journaled
        one (another replica answered some of its turns meanwhile and wrote them first),
        the two are merged turn by turn in time order instead.
        """
        if merge_into_database(connection, sender_id, events):
            return
        rows = event_rows.load(connection, sender_id)
        slots = self.domain.slots if self.domain is not None else []
        stored = rows.snapshot + [json.loads(data) for data in rows.data]
        tracker = DialogueStateTracker.from_dict(sender_id, stored + events, slots)
        state = Stored(
            weakref.ref(tracker),
            len(rows.snapshot),
            len(stored),
            list(rows.ids),
            rows.window_start,
            rows.session_cut,
        )
        self.write_tracker(connection, tracker, state)

    def session_expiry_min(self) -> float:
        """The domain's session expiration time in minutes (0: sessions never expire)."""
        return self.domain.session_config.session_expiration_time if self.domain else 0

    def journal_health(self) -> Dict[str, Any]:
        """What the journal holds, for ``/webhooks/health/``."""
        return {
            "path": str(self.journal.path),
            "pending_events": self.journal.pending,
            "replayed_events": self.replayed_events,
        }
