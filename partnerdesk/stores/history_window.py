"""Bounded history: a conversation's tracker is its last turns plus the state before them.

Rasa rebuilds the whole session from its events on every turn, and RulePolicy turns every
event into states twice per turn, so a turn costs more the longer the conversation is. A
prediction needs the last few turns and the current state (contracts.md, "Bounded
history"), so :class:`partnerdesk.stores.tracker_store.ResilientSQLTrackerStore` loads:

- the *window*: the stored events from a turn boundary on (a user message starts a turn);
- before them, a few *snapshot events* that rebuild the state the conversation had at that
  boundary: every slot that differs from its initial value (``requested_slot`` and the
  ``language`` slot included), the active loop and its rejection, the pause
  (``ConversationPaused``), the latest action and the follow-up action.

Snapshot events carry ``{"partnerdesk_snapshot": true}`` in their metadata and are never
stored again. The window keeps at least ``PARTNERDESK_HISTORY_TURNS`` (default 8) turns, far
more than any rule looks back, and moves forward when it holds more than
``PARTNERDESK_HISTORY_MAX_TURNS`` (default 12), so a snapshot is recomputed once every few
turns. The events table keeps everything: reports, Rasa's HTTP API (full trackers) and
retention see the whole conversation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    ConversationPaused,
    Event,
    FollowupAction,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

SNAPSHOT_MARK = "partnerdesk_snapshot"
KEEP_ENV = "PARTNERDESK_HISTORY_TURNS"
MAX_ENV = "PARTNERDESK_HISTORY_MAX_TURNS"
DEFAULT_KEEP, DEFAULT_MAX = 8, 12


@dataclass(frozen=True)
class WindowSize:
    """How many turns a loaded tracker holds: at least ``keep``, at most ``most``."""

    keep: int = DEFAULT_KEEP
    most: int = DEFAULT_MAX

    @classmethod
    def from_env(cls, environ: Optional[Dict[str, str]] = None) -> "WindowSize":
        """The sizes from the environment (``keep`` ≥ 2, ``most`` ≥ ``keep``)."""
        env = os.environ if environ is None else environ
        keep = max(2, int(env.get(KEEP_ENV) or DEFAULT_KEEP))
        most = max(keep, int(env.get(MAX_ENV) or max(DEFAULT_MAX, keep + keep // 2)))
        return cls(keep, most)


def is_snapshot_event(event: Event) -> bool:
    """Whether ``event`` only rebuilds state (it was never said or done)."""
    return bool((event.metadata or {}).get(SNAPSHOT_MARK))


def snapshot_events(tracker: DialogueStateTracker, timestamp: float) -> List[Event]:
    """Events that give an empty tracker the state ``tracker`` is in now.

    Slots first, then the loop and the pause, then the latest action (an
    ``ActionExecuted`` clears the follow-up action, so that comes last).
    """
    mark = {SNAPSHOT_MARK: True}
    made: List[Event] = [
        SlotSet(name, slot.value, timestamp=timestamp, metadata=dict(mark))
        for name, slot in tracker.slots.items()
        if slot.value != slot.initial_value
    ]
    loop = tracker.active_loop
    if loop is not None and tracker.active_loop_name:
        made.append(ActiveLoop(loop.name, timestamp=timestamp, metadata=dict(mark)))
        if loop.rejected:
            made.append(
                ActionExecutionRejected(loop.name, timestamp=timestamp, metadata=dict(mark))
            )
    if tracker.is_paused():
        made.append(ConversationPaused(timestamp=timestamp, metadata=dict(mark)))
    latest = tracker.latest_action or {}
    before = _action_before_listen(tracker)
    if before is not None:  # a UserUtteranceReverted rewinds to it (past the action_listen)
        made.append(ActionExecuted(before, timestamp=timestamp, metadata=dict(mark)))
    if latest.get("action_name") or latest.get("action_text"):
        made.append(
            ActionExecuted(
                latest.get("action_name"),
                timestamp=timestamp,
                metadata=dict(mark),
                action_text=latest.get("action_text"),
            )
        )
    if tracker.followup_action:
        made.append(FollowupAction(tracker.followup_action, timestamp=timestamp, metadata=mark))
    return made


def _action_before_listen(tracker: DialogueStateTracker) -> Optional[str]:
    """The action before the last ``action_listen``, when that is the latest action.

    Rasa's ``UserUtteranceReverted`` removes the user message and then the action before
    it, so a snapshot that ends in ``action_listen`` needs the action before it too.
    """
    actions = [e for e in tracker.applied_events() if isinstance(e, ActionExecuted)]
    if len(actions) < 2 or actions[-1].action_name != "action_listen":
        return None
    return actions[-2].action_name


def turn_starts(events: Sequence[Event], start: int = 0) -> List[int]:
    """Positions of the user messages in ``events[start:]`` (each starts a turn)."""
    return [i for i in range(start, len(events)) if isinstance(events[i], UserUttered)]


def new_boundary(events: Sequence[Event], first: int, size: WindowSize) -> Optional[int]:
    """Where the window should start now, or None to leave it where it is.

    ``first`` is the position of the window's first event (after the snapshot events).
    The window moves when it holds more than ``size.most`` turns, to the start of the
    ``size.keep``-th last turn.
    """
    starts = turn_starts(events, first)
    if len(starts) <= size.most:
        return None
    boundary = starts[-size.keep]
    return boundary if boundary > first else None


def tracker_state_at(
    sender_id: str, events: Iterable[Event], slots: Iterable[Slot]
) -> DialogueStateTracker:
    """A tracker with ``events`` applied (to read its state at their end)."""
    return DialogueStateTracker.from_events(sender_id, list(events), slots)


def as_dicts(events: Iterable[Event]) -> List[Dict[str, Any]]:
    """The events serialised as Rasa stores them."""
    return [event.as_dict() for event in events]
