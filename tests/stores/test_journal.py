"""The journal file: claimed by one process at a time, durable appends, orphans."""

from __future__ import annotations

import subprocess
import sys

from partnerdesk.stores.journal import Journal, orphans


def event(text: str) -> dict:
    return {"event": "user", "text": text, "timestamp": 1.0}


def test_entries_keep_their_order_and_the_base(tmp_path):
    journal = Journal.claim(tmp_path)
    journal.append("a", [event("one")], base=[event("before")])
    journal.append("b", [event("other")])
    journal.append("a", [event("two"), event("three")])
    assert journal.pending == 4
    assert journal.senders() == ["a", "b"]
    entries = journal.entries("a")
    assert entries.base == [event("before")]
    assert [e["text"] for e in entries.events] == ["one", "two", "three"]
    assert entries.event_seqs == sorted(entries.event_seqs) and entries.last_seq == 5
    journal.written("a", entries.last_seq)
    assert journal.pending == 1 and journal.senders() == ["b"] and not journal.has("a")


def test_numbers_are_never_reused_and_survive_a_reopen(tmp_path):
    journal = Journal.claim(tmp_path)
    journal.append("a", [event("one")])
    journal.written("a", journal.entries("a").last_seq)
    journal_id, path = journal.id, journal.path
    journal.close()
    again = Journal.claim(tmp_path)
    assert (again.path, again.id, again.pending) == (path, journal_id, 0)
    again.append("a", [event("two")])
    assert again.entries("a").event_seqs == [2]


def test_an_append_without_events_writes_nothing(tmp_path):
    journal = Journal.claim(tmp_path)
    journal.append("a", [], base=[event("before")])
    assert not journal.has("a") and journal.pending == 0


def test_a_held_journal_is_not_claimed_twice(tmp_path):
    first = Journal.claim(tmp_path)
    second = Journal.claim(tmp_path)
    assert first.path != second.path
    first.close()
    assert Journal.claim(tmp_path).path == first.path


def test_a_killed_process_leaves_its_journal_to_the_next(tmp_path):
    code = (
        "import os, sys, signal; from pathlib import Path\n"
        "from partnerdesk.stores.journal import Journal\n"
        "j = Journal.claim(Path(sys.argv[1]))\n"
        "j.append('a', [{'event': 'user', 'text': 'kept', 'timestamp': 1.0}])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code, str(tmp_path)], timeout=60)
    assert killed.returncode == -9
    own = Journal.claim(tmp_path / "own")
    (orphan,) = list(orphans(tmp_path, own))
    assert orphan.pending == 1 and orphan.entries("a").events[0]["text"] == "kept"
    assert list(orphans(tmp_path, own)) == []  # claimed: nobody else gets it
    orphan.written("a", 1)
    orphan.remove()
    assert list(tmp_path.glob("*.journal")) == []
