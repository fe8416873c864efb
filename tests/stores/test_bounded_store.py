"""The bounded tracker store: a loaded tracker is a short window plus the state before it,
every event is stored once, and a conversation behaves as it does with its whole history."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    ConversationPaused,
    Event,
    FollowupAction,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from partnerdesk.core.paths import DOMAIN_PATH
from partnerdesk.stores.history_window import WindowSize, is_snapshot_event
from partnerdesk.stores.tracker_store import ResilientSQLTrackerStore
from tests.dialogue.conversations import agent_with, play, story_texts


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(DOMAIN_PATH))


class SmallWindow(ResilientSQLTrackerStore):
    """The store with a window of 2 to 3 turns, so that it moves every other turn."""

    window_size = WindowSize(keep=2, most=3)


class Broker:
    """Records what the store publishes (Rasa calls ``publish`` with each event dict)."""

    def __init__(self) -> None:
        self.published: List[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


def store_at(path: Path, domain: Domain, cls=SmallWindow) -> ResilientSQLTrackerStore:
    return cls(domain, dialect="sqlite", db=str(path))


def turn(text: str, at: float) -> List[Event]:
    return [
        UserUttered(text, {"name": "faq"}, timestamp=at),
        ActionExecuted("utter_faq", timestamp=at + 0.1),
        ActionExecuted("action_listen", timestamp=at + 0.2),
    ]


def stored_rows(path: Path, sender: str) -> List[str]:
    with sqlite3.connect(path) as connection:
        return [
            row[0]
            for row in connection.execute(
                "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            )
        ]


def test_a_long_conversation_loads_a_window_with_the_state_before_it(tmp_path, domain):
    sender, db = "window", tmp_path / "t.db"
    events: List[Event] = [
        ActionExecuted("action_session_start", timestamp=1),
        SessionStarted(timestamp=1),
        ActionExecuted("action_listen", timestamp=1.1),
    ]
    events += turn("renew", 2)
    events += [SlotSet("language", "ko", timestamp=3), SlotSet("offer", "map", timestamp=3)]
    events += [ActiveLoop("renewal_form", timestamp=3), SlotSet("requested_slot", "purchase_date")]
    events += [ConversationPaused(timestamp=3.5)]
    for i in range(30):
        events += turn(f"question {i}", 10 + i)
    events += [FollowupAction("action_listen", timestamp=50)]
    asyncio.run(store_at(db, domain).save(DialogueStateTracker.from_events(sender, events)))

    loaded = asyncio.run(store_at(db, domain).retrieve(sender))  # a fresh process's store
    full = DialogueStateTracker.from_events(sender, events, domain.slots)
    assert loaded is not None
    assert len(loaded.events) < 20 < len(events)
    assert loaded.current_slot_values() == full.current_slot_values()
    assert loaded.active_loop_name == "renewal_form"
    assert loaded.get_slot("requested_slot") == "purchase_date"
    assert loaded.is_paused()
    assert loaded.latest_action_name == full.latest_action_name
    assert loaded.followup_action == "action_listen"
    assert loaded.latest_message.text == "question 29"
    # Everything stays stored, once, and no snapshot event is stored.
    assert len(stored_rows(db, sender)) == len(events)
    full_loaded = asyncio.run(store_at(db, domain).retrieve_full_tracker(sender))
    assert [e.as_dict() for e in full_loaded.events] == [e.as_dict() for e in events]


def test_a_save_stores_only_the_new_events_and_publishes_only_them(tmp_path, domain):
    sender, db = "saves", tmp_path / "t.db"
    store = store_at(db, domain)
    broker = Broker()
    store.event_broker = broker
    first = turn("one", 1)
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, first)))
    for i in range(12):
        tracker = asyncio.run(store.retrieve(sender))
        for event in turn(f"more {i}", 10 + i):
            tracker.update(event)
        asyncio.run(store.save(tracker))
        asyncio.run(store.save(tracker))  # saving twice adds nothing
    texts = [
        e.get("text") for e in broker.published if e["event"] == "user"
    ]  # published once each, in order
    assert texts == ["one"] + [f"more {i}" for i in range(12)]
    rows = stored_rows(db, sender)
    assert len(rows) == 3 * 13 == len(broker.published)
    assert not any("partnerdesk_snapshot" in row for row in rows)


def test_a_tracker_from_elsewhere_is_saved_without_duplicates(tmp_path, domain):
    """A tracker the store did not hand out (another process built it) is compared first."""
    sender, db = "elsewhere", tmp_path / "t.db"
    events = [e for i in range(8) for e in turn(f"q{i}", i * 10)]
    asyncio.run(store_at(db, domain).save(DialogueStateTracker.from_events(sender, events[:12])))
    loaded = asyncio.run(store_at(db, domain).retrieve(sender))
    rebuilt = DialogueStateTracker.from_events(sender, list(loaded.events) + events[12:])
    asyncio.run(store_at(db, domain).save(rebuilt))
    assert len(stored_rows(db, sender)) == len(events)


@pytest.mark.slow
def test_every_test_story_in_one_conversation_goes_as_with_the_whole_history(
    tmp_path, model_path, action_server_url
):
    """Forms, pauses of no kind, fallbacks and "did you mean" at every window position:
    each turn runs the same actions and leaves the same state as with Rasa's in-memory
    store (which keeps and reads the whole history)."""
    texts = story_texts()
    sender = f"bounded-{uuid.uuid4().hex}"
    whole = play(agent_with(model_path, action_server_url), sender, texts)  # in memory
    domain = Domain.load(str(DOMAIN_PATH))
    bounded_store = SmallWindow(domain, dialect="sqlite", db=str(tmp_path / "b.db"))
    bounded = play(agent_with(model_path, action_server_url, bounded_store), sender, texts)
    for number, (expected, got) in enumerate(zip(whole, bounded), start=1):
        assert got == expected, (number, texts[number - 1])
    loaded = asyncio.run(bounded_store.retrieve(sender))
    assert any(is_snapshot_event(e) for e in loaded.events)
    assert len(loaded.events) < len(asyncio.run(bounded_store.retrieve_full_tracker(sender)).events)
