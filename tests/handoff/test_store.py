"""The handoff tables on SQLite: one open handoff per conversation, races decided once."""

import threading
import time

import pytest
import sqlalchemy as sa

from partnerdesk.core.handoff import Handoff
from partnerdesk.handoff.store import POSTING_CLAIM_S, HandoffStore, new_id


@pytest.fixture
def store(tmp_path) -> HandoffStore:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'h.db'}", connect_args={"timeout": 10})
    created = HandoffStore(engine)
    created.create_tables()
    created.create_tables()  # idempotent
    return created


def handoff(conversation: str = "c1", at: float = 100.0) -> Handoff:
    return Handoff(new_id(), conversation, "rest", "en", "waiting", "asked", at)


def test_a_conversation_has_one_open_handoff(store):
    first = store.create(handoff())
    assert store.create(handoff()).id == first.id
    assert store.open_for("c1").id == first.id
    store.resolve(first.id)
    assert store.open_for("c1") is None
    assert store.create(handoff()).id != first.id


def test_listing_is_oldest_first_by_status(store):
    late, early = store.create(handoff("c2", 200.0)), store.create(handoff("c3", 50.0))
    assert [h.id for h in store.listed(("waiting",))] == [early.id, late.id]
    store.resolve(early.id)
    assert [h.id for h in store.listed(("resolved",))] == [early.id]


def test_the_first_agent_owns_it_and_resolved_takes_nothing(store):
    record = store.create(handoff())
    assert store.claim("f" * 32, "Mina").handoff is None
    mine = store.claim(record.id, "Mina", now=150.0)
    assert mine.ok and mine.handoff.status == "active" and mine.handoff.first_reply_at == 150.0
    assert store.claim(record.id, "Mina").ok
    theirs = store.claim(record.id, "Joon")
    assert not theirs.ok and "Mina" in theirs.conflict
    assert store.resolve(record.id).ok
    again = store.resolve(record.id)
    assert not again.ok and "already resolved" in again.conflict
    assert "resolved" in store.claim(record.id, "Mina").conflict


def test_two_agents_at_once_one_wins(store):
    record = store.create(handoff())
    results = []
    gate = threading.Barrier(8)

    def claim(name):
        gate.wait()
        results.append((name, store.claim(record.id, name).ok))

    threads = [threading.Thread(target=claim, args=(f"agent{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [name for name, ok in results if ok]
    assert len(winners) == 1 and store.get(record.id).agent == winners[0]


def test_queued_messages_are_handed_out_once_in_order(store):
    record = store.create(handoff())
    for text in ("one", "two", "three"):
        store.queue(record, text, "Mina")
    taken = []
    gate = threading.Barrier(4)

    def take():
        gate.wait()
        taken.extend(store.take_queued("c1"))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.text for m in taken) == ["one", "three", "two"]
    assert store.take_queued("c1") == []


def test_one_replica_posts_a_handoff_and_a_stale_claim_is_taken_again(store):
    record = store.create(handoff())
    assert store.unposted() and store.claim_posting(record, now=1000.0)
    assert not store.claim_posting(record, now=1001.0)
    assert store.unposted(now=1001.0) == []
    assert [h.id for h in store.unposted(now=1000.0 + POSTING_CLAIM_S + 1)] == [record.id]
    assert store.claim_posting(record, now=1000.0 + POSTING_CLAIM_S + 1)
    posted = store.set_slack_post(record, {"channel": "CAG", "ts": "1.2"})
    assert store.by_slack_post("CAG", "1.2").id == posted.id
    assert store.get(record.id).slack_post == {"channel": "CAG", "ts": "1.2"}
    assert not store.claim_posting(record, now=10**10)


def test_agents_online_is_the_last_time_someone_had_the_inbox_open(store):
    assert store.agent_last_seen() is None
    store.agent_seen(now=10.0)
    store.agent_seen(now=20.0)
    assert store.agent_last_seen() == 20.0
    assert time.time() > 20.0


async def test_the_newest_event_id_changes_with_every_stored_event_and_only_then(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from partnerdesk.handoff.service import newest_event_ids

    trackers = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    for sender in ("a", "b"):
        await trackers.save(DialogueStateTracker.from_events(sender, [UserUttered("hi")]))
    first = newest_event_ids(trackers.engine, ["a", "b", "nobody"])
    assert set(first) == {"a", "b"}
    assert newest_event_ids(trackers.engine, ["a", "b"]) == first  # nothing new, same ids
    tracker = await trackers.retrieve("a")
    tracker.update(UserUttered("still there?"))
    await trackers.save(tracker)
    again = newest_event_ids(trackers.engine, ["a", "b"])
    assert again["a"] > first["a"] and again["b"] == first["b"]
    # Conversations kept elsewhere (no events table here): nothing known, nothing cached.
    assert newest_event_ids(sa.create_engine("sqlite://"), ["a"]) == {}
