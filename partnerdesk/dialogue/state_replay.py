"""The last states of a conversation, replayed only from where its previous prediction stopped.

RulePolicy's states are those of the tracker replayed event by event: the state before
each action, and the state after the last event (``generate_all_prior_trackers``). A turn
predicts at least twice (the answer, then ``action_listen``) on the same tracker grown by a
few events, and the next turn starts from the tracker saved after them (the store hands
it out again, ``partnerdesk.stores.recent_trackers``). Replaying every event for every
prediction was the largest part of a prediction (``scripts/benchmarks/profile_turn.py``).

:class:`StateReplays` keeps, per conversation, the replayed tracker and the states built
so far. When the conversation's applied events start with exactly the events replayed
before (the same objects, in the same order), only the new ones are replayed; anything
else (a reverted or restarted conversation, another tracker of the same sender, another
domain) replays from the start, as before. A state depends only on the applied events up
to it and the domain's slots, so both ways build the same states.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Deque, List, Optional, Text, Tuple

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_SIZE = 500
"""Conversations kept; as many as the tracker store keeps (``PARTNERDESK_TRACKER_CACHE``)."""


@dataclass
class _Replay:
    """A conversation replayed so far."""

    domain_id: int
    slots: Tuple[Text, ...]
    events: List[Event]  # the applied events replayed, in order
    tracker: DialogueStateTracker  # after them; never handed out
    before_actions: Deque[State]  # the cleaned state before each of the last actions


class StateReplays:
    """The last states of trackers, replayed incrementally per conversation."""

    def __init__(self, keep: int, size: int = DEFAULT_SIZE) -> None:
        """Build ``keep`` states before the last actions (plus the current one)."""
        self.keep = keep
        self.size = size
        self._replays: "OrderedDict[Text, _Replay]" = OrderedDict()

    def __len__(self) -> int:
        """How many conversations are kept."""
        return len(self._replays)

    def last_states(self, tracker: DialogueStateTracker, domain: Domain) -> List[State]:
        """The last ``keep`` states before an action, then the state after every event.

        What ``tracker.past_states(domain)`` ends with, with RulePolicy's settings.
        """
        applied = tracker.applied_events()
        replay = self._continuable(tracker, domain, applied)
        if replay is None:
            replay = _Replay(
                id(domain),
                tuple(tracker.slots),
                [],
                tracker.init_copy(),
                deque(maxlen=self.keep),
            )
        for event in applied[len(replay.events) :]:
            if isinstance(event, ActionExecuted):
                replay.before_actions.append(_state(replay.tracker, domain))
            replay.tracker.update(event)
        replay.events = applied
        self._keep(tracker.sender_id, replay)
        return [*replay.before_actions, _state(replay.tracker, domain)]

    def _continuable(
        self, tracker: DialogueStateTracker, domain: Domain, applied: List[Event]
    ) -> Optional[_Replay]:
        """The conversation's replay if ``applied`` continues it; None otherwise."""
        replay = self._replays.pop(tracker.sender_id, None)
        if (
            replay is None
            or replay.domain_id != id(domain)
            or replay.slots != tuple(tracker.slots)
            or len(applied) < len(replay.events)
            or any(new is not old for new, old in zip(applied, replay.events))
        ):
            return None
        return replay

    def _keep(self, sender_id: Text, replay: _Replay) -> None:
        if self.size <= 0:
            return
        self._replays[sender_id] = replay
        while len(self._replays) > self.size:
            self._replays.popitem(last=False)


def _state(tracker: DialogueStateTracker, domain: Domain) -> State:
    """The tracker's state as RulePolicy sees it (``Domain.states_for_tracker_history``)."""
    return domain._clean_state(domain.get_active_state(tracker))
