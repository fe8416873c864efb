"""The trackers of the conversations this process answered last, kept for their next turn.

A tracker the store saved is exactly what its next load would rebuild, unless another
process wrote to the conversation since (another replica, a replay, retention). So the
store keeps the last few hundred saved trackers (``PARTNERDESK_TRACKER_CACHE``, default
500; 0 turns this off) with the id of their newest stored event, and on the next turn
checks that id with one indexed query instead of reading and rebuilding the window. A
tracker is handed out once (it is taken out of the cache, and put back when saved), and
only if nothing changed it since it was saved. While the database is down, these trackers
are the context the journal continues from (:mod:`partnerdesk.stores.journal`).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional, Text

from rasa.shared.core.trackers import DialogueStateTracker

SIZE_ENV = "PARTNERDESK_TRACKER_CACHE"
DEFAULT_SIZE = 500


@dataclass
class Recent:
    """A saved tracker, the number of its events then, and its newest stored event id."""

    tracker: DialogueStateTracker
    events: int
    last_id: Optional[int]


class RecentTrackers:
    """A bounded, least-recently-saved-first cache of saved trackers by conversation."""

    def __init__(self, size: Optional[int] = None) -> None:
        """Keep at most ``size`` trackers (default: ``PARTNERDESK_TRACKER_CACHE``)."""
        self.size = int(os.environ.get(SIZE_ENV) or DEFAULT_SIZE) if size is None else size
        self._items: "OrderedDict[Text, Recent]" = OrderedDict()

    def __len__(self) -> int:
        """How many trackers are kept."""
        return len(self._items)

    def put(self, tracker: DialogueStateTracker, last_id: Optional[int]) -> None:
        """Keep ``tracker`` as saved now (newest stored event ``last_id``)."""
        if self.size <= 0:
            return
        self._items[tracker.sender_id] = Recent(tracker, len(tracker.events), last_id)
        self._items.move_to_end(tracker.sender_id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def take(self, sender_id: Text) -> Optional[Recent]:
        """The kept tracker of ``sender_id``, taken out; None if none or changed since."""
        recent = self._items.pop(sender_id, None)
        if recent is None or len(recent.tracker.events) != recent.events:
            return None  # a turn changed it after its save and failed before the next
        return recent

    def peek(self, sender_id: Text) -> Optional[Recent]:
        """The kept tracker of ``sender_id``, left in place."""
        return self._items.get(sender_id)

    def forget(self, sender_id: Text) -> None:
        """Drop the conversation (something else wrote to it)."""
        self._items.pop(sender_id, None)
