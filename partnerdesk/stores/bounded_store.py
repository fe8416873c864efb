"""Rasa's SQL tracker store, reading a bounded window and writing without counting.

Stock ``SQLTrackerStore`` reads the whole session on every turn and, on every save,
counts the session's stored events to find which of the tracker's events are new
(``_additional_events``): both grow with the conversation. ``BoundedSQLTrackerStore``
keeps Rasa's ``events`` table and row format and:

- loads a bounded window plus the snapshot of the state before it
  (:mod:`partnerdesk.stores.history_window`, :mod:`partnerdesk.stores.event_rows`);
- remembers, for each tracker it handed out, how many of its events are already stored
  (and their ids), so a save inserts the rest in one statement without a query first;
- moves a conversation's window forward when a new session starts or the window holds
  too many turns, in the same transaction as the events;
- keeps the trackers it saved last and hands one out again when one indexed query shows
  that nothing was stored for its conversation since (:mod:`.recent_trackers`);
- publishes only the new events to the event broker (Rasa's ``stream_events`` reloads the
  tracker for that).

``retrieve_full_tracker`` (Rasa's HTTP API, exports) still reads every event.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Connection

from partnerdesk.stores import event_rows
from partnerdesk.stores.history_window import (
    WindowSize,
    as_dicts,
    is_snapshot_event,
    new_boundary,
    snapshot_events,
    tracker_state_at,
)
from partnerdesk.stores.recent_trackers import RecentTrackers


@dataclass
class Stored:
    """What the store knows of one tracker it handed out or saved.

    Attributes:
        prefix: How many snapshot events the tracker's events start with.
        count: How many of its events are stored already (snapshot events included).
        ids: The database ids of ``tracker.events[prefix:count]``.
        window_start: The id the conversation's window row starts at (None: no row).
        session_cut: The load dropped rows of an earlier session.
    """

    ref: "weakref.ref[DialogueStateTracker]"
    prefix: int = 0
    count: int = 0
    ids: List[int] = field(default_factory=list)
    window_start: Optional[int] = None
    session_cut: bool = False


def latest_session_start(events: List[Event], first: int) -> Optional[int]:
    """Where the latest session in ``events[first:]`` starts, or None.

    At its ``session_started`` event, or at the ``action_session_start`` logged just
    before it (Rasa logs the action after its events, so it carries a later timestamp and
    Rasa's SQL store reads it as part of the session).
    """
    for i in range(len(events) - 1, first - 1, -1):
        if isinstance(events[i], SessionStarted):
            before = events[i - 1] if i > first else None
            if isinstance(before, ActionExecuted) and before.timestamp >= events[i].timestamp:
                return i - 1
            return i
    return None


class BoundedSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose cost per turn does not grow with the conversation."""

    window_size = WindowSize()

    def _registry(self) -> Dict[int, Stored]:
        """Trackers handed out or saved, by ``id()``; an entry goes with its tracker."""
        registry: Dict[int, Stored] = self.__dict__.setdefault("_stored_trackers", {})
        return registry

    def _remember(self, tracker: DialogueStateTracker, stored: Stored) -> None:
        key, registry = id(tracker), self._registry()
        stored.ref = weakref.ref(tracker, lambda _ref: registry.pop(key, None))
        registry[key] = stored

    @property
    def recent(self) -> RecentTrackers:
        """The trackers saved last (created on first use)."""
        recent: RecentTrackers = self.__dict__.setdefault("_recent_trackers", RecentTrackers())
        return recent

    def stored_state(self, tracker: DialogueStateTracker) -> Optional[Stored]:
        """What the store knows of ``tracker`` (None for a tracker it never saw)."""
        stored = self._registry().get(id(tracker))
        return stored if stored is not None and stored.ref() is tracker else None

    # --- reading ---------------------------------------------------------------------

    def load_tracker(
        self, connection: Connection, sender_id: Text
    ) -> Optional[DialogueStateTracker]:
        """The conversation's bounded tracker, or None if it has no stored events."""
        rows = event_rows.load(connection, sender_id)
        if not rows.data or self.domain is None:
            return None
        return self.tracker_from_rows(sender_id, rows)

    def tracker_from_rows(
        self, sender_id: Text, rows: event_rows.StoredRows
    ) -> DialogueStateTracker:
        """Build the tracker of loaded rows and remember what of it is stored."""
        dicts = rows.snapshot + [json.loads(data) for data in rows.data]
        tracker = DialogueStateTracker.from_dict(sender_id, dicts, self.domain.slots)
        self._remember(
            tracker,
            Stored(
                weakref.ref(tracker),
                len(rows.snapshot),
                len(dicts),
                list(rows.ids),
                rows.window_start,
                rows.session_cut,
            ),
        )
        return tracker

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        recent = self.recent.take(sender_id)
        with self.engine.connect() as connection:
            if recent is not None and self.stored_state(recent.tracker) is not None:
                if event_rows.last_id(connection, sender_id) == recent.last_id:
                    return recent.tracker
            return self.load_tracker(connection, sender_id)

    # --- writing ---------------------------------------------------------------------

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish the tracker's new events to the event broker, if one is configured."""
        if self.event_broker is None:
            return
        stored = self.stored_state(tracker)
        if stored is None:
            await super().stream_events(tracker)
            return
        for event in list(tracker.events)[stored.count :]:
            self.event_broker.publish({"sender_id": tracker.sender_id, **event.as_dict()})

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Publish, then store the tracker's new events (and move its window)."""
        await self.stream_events(tracker)
        stored = self.stored_state(tracker)
        if stored is None and not tracker.events:
            # A tracker Rasa just created because nothing was stored for it.
            self._remember(tracker, Stored(weakref.ref(tracker)))
            return
        with self.engine.begin() as connection:
            moved, newest = self.write_tracker(connection, tracker, stored)
            if newest is None and not moved:  # nothing inserted: read it
                newest = event_rows.last_id(connection, tracker.sender_id)
        if moved:
            self.recent.forget(tracker.sender_id)  # the next load reads the shorter window
        else:
            self.recent.put(tracker, newest)

    def write_tracker(
        self, connection: Connection, tracker: DialogueStateTracker, stored: Optional[Stored]
    ) -> Tuple[bool, Optional[int]]:
        """Insert the tracker's new events and move its window, in one transaction.

        Then remember what of the tracker is stored. Returns whether the window moved past
        some of the tracker's events of its current session (its next load reads fewer),
        and the id of the last event inserted (None if none was).
        """
        events = list(tracker.events)
        if stored is None:
            stored = self._stored_from_database(connection, tracker, events)
        sender = tracker.sender_id
        new = events[stored.count :]
        inserted = event_rows.insert(connection, [event_row(sender, e) for e in new])
        ids = [*stored.ids, *inserted]
        moved = self._move_window(connection, tracker, events, stored, ids)
        start = moved[0] if moved else stored.window_start
        self._remember(
            tracker,
            Stored(
                weakref.ref(tracker), stored.prefix, len(events), ids, start, stored.session_cut
            ),
        )
        return moved is not None and moved[1], (inserted[-1] if inserted else None)

    def _stored_from_database(
        self, connection: Connection, tracker: DialogueStateTracker, events: List[Event]
    ) -> Stored:
        """For a tracker this store did not hand out: what its load would have read."""
        prefix = 0
        while prefix < len(events) and is_snapshot_event(events[prefix]):
            prefix += 1
        rows = event_rows.load(connection, tracker.sender_id)
        return Stored(
            weakref.ref(tracker),
            prefix,
            prefix + len(rows.ids),
            list(rows.ids),
            rows.window_start,
            rows.session_cut,
        )

    def _move_window(
        self,
        connection: Connection,
        tracker: DialogueStateTracker,
        events: List[Event],
        stored: Stored,
        ids: List[int],
    ) -> Optional[Tuple[int, bool]]:
        """Write the conversation's window row if it must change.

        Returns its new start and whether that leaves out some of the tracker's events,
        or None if the row stays.
        """
        first = stored.prefix
        session = latest_session_start(events, first)
        target: Optional[int] = None
        if session is not None and (session > first or stored.session_cut):
            target = session
        boundary = new_boundary(events, session if session is not None else first, self.window_size)
        if boundary is not None:
            target = boundary
        elif target is None and stored.window_start is None and len(events) > first:
            target = first
        if target is None:
            return None
        start = ids[target - first]
        if start == stored.window_start:
            return None
        if target == first:
            snapshot = as_dicts(events[:first])
        elif target == session:
            snapshot = []
        else:
            state = tracker_state_at(tracker.sender_id, events[:target], self.domain.slots)
            snapshot = as_dicts(snapshot_events(state, events[target - 1].timestamp))
        event_rows.set_window(connection, tracker.sender_id, start, json.dumps(snapshot))
        # Events left out before a new session change nothing: a session start resets.
        return start, target not in (first, session)


def event_row(sender_id: Text, event: Event) -> Dict[str, Any]:
    """The ``events`` row of ``event``."""
    return event_rows.event_row(sender_id, event.as_dict())
