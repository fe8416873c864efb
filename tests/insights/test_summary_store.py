"""The kept summary against a full recount, on SQLite stores of generated conversations."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from partnerdesk.stores import insights_summary
from partnerdesk.stores.tracker_db import connect, events
from tests.insights import stores


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def test_the_summary_matches_a_full_recount_as_the_store_grows_and_is_pruned(sqlite_url):
    stores.check_summary_matches_recount(sqlite_url)


def test_concurrent_refreshes_build_once(sqlite_url):
    stores.check_concurrent_refreshes(sqlite_url)


def test_an_empty_store_has_no_conversations(sqlite_url):
    stores.generator().write_store(sqlite_url, iter([]))
    engine = connect(sa.engine.make_url(sqlite_url))
    stats = insights_summary.refresh(engine)
    assert (stats.senders, stats.conversations) == (0, 0)
    assert stores.kept(engine) == stores.counted(engine) == []


def test_broken_event_json_is_read_without_its_fields(sqlite_url):
    rows = stores.rows(20)
    stores.generator().write_store(sqlite_url, iter(rows))
    engine = connect(sa.engine.make_url(sqlite_url))
    with engine.begin() as connection:
        first_user = connection.execute(
            sa.select(events.c.id, events.c.sender_id).where(events.c.type_name == "user").limit(1)
        ).first()
        connection.execute(
            events.update().where(events.c.id == first_user.id).values(data="{not json")
        )
    insights_summary.refresh(engine)
    facts = [f for f in stores.kept(engine) if f.sender_id == first_user.sender_id]
    assert facts and facts[0].partner_messages >= 1
    assert stores.kept(engine) == stores.counted(engine)


def test_the_summary_keeps_masked_texts_only(sqlite_url):
    rows = stores.rows(30)
    sender, _, start, *_ = rows[0]
    secret = "mail kim.lee@contoso.com key ABCDE-12345-FGHIJ-67890-KLMNO please"
    data = {
        "event": "user",
        "timestamp": start + 5,
        "text": secret,
        "input_channel": "rest",
        "parse_data": {"intent": {"name": "out_of_scope"}, "entities": []},
    }
    bot = {
        "event": "bot",
        "timestamp": start + 6,
        "metadata": {"utter_action": "utter_out_of_scope"},
    }
    extra = [
        (sender, "user", start + 5, "out_of_scope", None, json.dumps(data)),
        (sender, "bot", start + 6, None, None, json.dumps(bot)),
    ]
    stores.generator().write_store(sqlite_url, iter(rows[:5] + extra + rows[5:]))
    engine = connect(sa.engine.make_url(sqlite_url))
    insights_summary.refresh(engine)
    with engine.connect() as connection:
        stored = " ".join(
            row[0] for row in connection.execute(sa.select(insights_summary.details_table.c.facts))
        )
    assert "kim.lee" not in stored and "ABCDE-12345" not in stored
    assert "mail [email] key [product-key] please" in stored
