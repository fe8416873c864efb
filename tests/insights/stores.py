"""Generated tracker stores for the insights' tests, and the checks they share (SQLite, PostgreSQL).

The generator is the benchmark's own (``scripts/benchmarks/generate_store.py``), so the
tests read the same kinds of conversations the scale figures were measured on.
"""

from __future__ import annotations

import importlib.util
import random
import threading
import time
from functools import lru_cache
from types import ModuleType
from typing import List, Tuple

import sqlalchemy as sa

from partnerdesk.core.insight_period import parse_period
from partnerdesk.core.insights import tally
from partnerdesk.core.outcomes import SessionFacts
from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.report.insights import insights
from partnerdesk.stores import insights_reads, insights_summary
from partnerdesk.stores.tracker_db import connect, events

GENERATOR = PROJECT_ROOT / "scripts" / "benchmarks" / "generate_store.py"
END = time.mktime((2026, 11, 30, 12, 0, 0, 0, 0, 0))
DAY = 86_400.0


@lru_cache(maxsize=1)
def generator() -> ModuleType:
    """The generator script as a module."""
    spec = importlib.util.spec_from_file_location("generate_store", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(count: int, seed: int = 3, days: int = 120) -> List[tuple]:
    """The rows of ``count`` generated conversations ending on :data:`END`."""
    return list(generator().conversations(count, END, days=days, seed=seed))


def append(url: str, new_rows: List[tuple]) -> None:
    """Append rows to the ``events`` table (as Rasa would, in order)."""
    engine = sa.create_engine(url, future=True)
    names = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
    with engine.begin() as connection:
        connection.execute(events.insert(), [dict(zip(names, row)) for row in new_rows])
    engine.dispose()


def key(facts: SessionFacts) -> Tuple[str, float]:
    return facts.sender_id, facts.started_at


def kept(engine, since: float = 0.0, until: float = 2e10) -> List[SessionFacts]:
    return sorted(insights_reads.read_facts(engine, since, until), key=key)


def counted(engine, since: float = 0.0, until: float = 2e10) -> List[SessionFacts]:
    return sorted(insights_reads.recount(engine, since, until), key=key)


def check_tallies(engine, since: float = 0.0, until: float = 2e10) -> None:
    """The summary's columns say what the recounted facts say."""
    kept_tallies = sorted(insights_reads.read_tallies(engine, since, until))
    assert kept_tallies == sorted(tally(f) for f in counted(engine, since, until))
    questions = sorted(insights_reads.read_unanswered(engine, since, until), key=repr)
    assert questions == sorted(
        (q for f in counted(engine, since, until) for q in f.unanswered), key=repr
    )


def check_summary_matches_recount(url: str) -> None:
    """Build, grow, prune and rebuild a store: the summary always equals a full recount."""
    generated = rows(400)
    half = len(generated) // 2
    generator().write_store(url, iter(generated[:half]))
    engine = connect(sa.engine.make_url(url))
    try:
        first = insights_summary.refresh(engine)
        assert first.rebuilt and first.conversations > 100
        assert kept(engine) == counted(engine)
        check_tallies(engine)
        # new events, some for senders already counted (their session goes on)
        append(url, generated[half:])
        grown = insights_summary.refresh(engine)
        assert not grown.rebuilt and 0 < grown.senders
        assert kept(engine) == counted(engine)
        for since, until in ((END - 30 * DAY, END + DAY), (END - 61 * DAY, END - 60.5 * DAY)):
            assert kept(engine, since, until) == counted(engine, since, until)
        # prune: whole conversations go; and one sender loses its last events
        senders = sorted({row[0] for row in generated})
        gone = random.Random(1).sample(senders, 25)
        with engine.begin() as connection:
            connection.execute(events.delete().where(events.c.sender_id.in_(gone)))
            last = connection.execute(
                sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == senders[0])
            ).scalar()
            connection.execute(events.delete().where(events.c.id == last))
        pruned = insights_summary.refresh(engine)
        assert pruned.senders >= 26 and not pruned.rebuilt
        assert not any(f.sender_id in gone for f in kept(engine))
        assert kept(engine) == counted(engine)
        check_tallies(engine, END - 30 * DAY, END + DAY)
        # the same numbers as a recount, through the whole insights answer
        period = parse_period("2026-08-01", "2026-12-01", _now(), _zone())
        assert insights(engine, period, 30, now=END) == insights(
            engine, period, 30, now=END, recount=True
        )
        # a new version of the definitions rebuilds from scratch, to the same facts
        before = kept(engine)
        with engine.begin() as connection:
            connection.execute(
                insights_summary.state_table.update()
                .where(insights_summary.state_table.c.name == "version")
                .values(value="0")
            )
        assert insights_summary.refresh(engine).rebuilt
        assert kept(engine) == before
    finally:
        engine.dispose()


def check_concurrent_refreshes(url: str) -> None:
    """Refreshes from several threads at once all finish, one after the other."""
    generator().write_store(url, iter(rows(150, seed=9)))
    engine = connect(sa.engine.make_url(url))
    results, errors = [], []

    def refresh() -> None:
        try:
            results.append(insights_summary.refresh(engine))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(results) == 4
    assert sum(r.rebuilt for r in results) == 1  # the others found it done
    assert kept(engine) == counted(engine)
    engine.dispose()


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Seoul")


def _now():
    from datetime import datetime, timezone

    return datetime.fromtimestamp(END, timezone.utc)
