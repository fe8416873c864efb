"""The insights' summary on PostgreSQL: the same checks as on SQLite (tests/insights/stores.py).

PostgreSQL differs where it matters here: the JSON fields are taken out with ``jsonb``, a
row whose JSON does not parse is read again in Python, ids may commit out of order (the
refresh also re-reads the senders of the last minutes) and one refresh runs at a time
through an advisory lock.
"""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from partnerdesk.stores import insights_reads, insights_summary
from partnerdesk.stores.tracker_db import connect, events
from tests.insights import stores

pytestmark = [pytest.mark.slow]


@pytest.fixture
def pg_url(postgres) -> str:
    """A new, empty database of this test alone."""
    name = f"insights_{uuid.uuid4().hex[:12]}"
    postgres.create_database(name, name, "insights-test-only")
    return postgres.url(db=name, user=name, password="insights-test-only")


def test_the_summary_matches_a_full_recount_as_the_store_grows_and_is_pruned(pg_url):
    stores.check_summary_matches_recount(pg_url)


def test_concurrent_refreshes_build_once(pg_url):
    stores.check_concurrent_refreshes(pg_url)


def test_broken_event_json_is_read_in_python(pg_url):
    stores.generator().write_store(pg_url, iter(stores.rows(20)))
    engine = connect(sa.engine.make_url(pg_url))
    with engine.begin() as connection:
        first_user = connection.execute(
            sa.select(events.c.id, events.c.sender_id).where(events.c.type_name == "user").limit(1)
        ).first()
        connection.execute(
            events.update().where(events.c.id == first_user.id).values(data="{not json")
        )
    insights_summary.refresh(engine)
    assert any(f.sender_id == first_user.sender_id for f in stores.kept(engine))
    assert stores.kept(engine) == stores.counted(engine)
    engine.dispose()


def test_a_late_commit_below_the_watermark_is_still_counted(pg_url):
    """An event whose id is below the last counted one, stored just before a refresh."""
    generated = stores.rows(60, seed=11)
    stores.generator().write_store(pg_url, iter(generated))
    engine = connect(sa.engine.make_url(pg_url))
    insights_summary.refresh(engine)
    sender = generated[0][0]
    with engine.begin() as connection:  # as if its transaction had held an early id
        low = connection.execute(sa.select(sa.func.min(events.c.id))).scalar() - 1
        at = float(insights_reads.summary_state(engine)["refreshed_at"]) - 1
        data = {"event": "user", "timestamp": at, "text": "a late question", "parse_data": {}}
        connection.execute(
            events.insert().values(
                id=low, sender_id=sender, type_name="user", timestamp=at, data=json.dumps(data)
            )
        )
    insights_summary.refresh(engine)
    assert any(f.first_question is None and f.sender_id == sender for f in stores.kept(engine))
    assert stores.kept(engine) == stores.counted(engine)
    engine.dispose()
