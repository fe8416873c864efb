"""The store of handled Slack deliveries: SQLite and a real Redis server, across processes."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterator, List

import pytest
import redis

from partnerdesk.stores.slack_deliveries import (
    RedisSeenDeliveries,
    SqliteSeenDeliveries,
    StoreUnavailable,
    seen_deliveries_from_env,
)
from tests.servers import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A throw-away redis-server on a free loopback port."""
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is not installed (scripts/setup --test installs it)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(workdir),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.slow)])
def make_store(request, tmp_path):
    """Builds stores of one kind that share their claims (one file, one Redis database)."""
    if request.param == "sqlite":
        return lambda keep_s=3600: SqliteSeenDeliveries(tmp_path / "seen.db", keep_s)
    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).flushdb()
    return lambda keep_s=3600: RedisSeenDeliveries(url, keep_s)


async def claim(store, *keys: str) -> bool:
    return await store.first_delivery(keys)


async def test_a_delivery_is_new_once(make_store):
    store = make_store()
    assert await claim(store, "message:D1:1.1", "event:Ev1")
    assert not await claim(store, "message:D1:1.1", "event:Ev1")
    assert await claim(store, "message:D1:1.2", "event:Ev2")


async def test_a_delivery_sharing_any_key_is_a_duplicate(make_store):
    store = make_store()
    assert await claim(store, "message:C1:1.1", "event:EvMention")
    assert not await claim(store, "message:C1:1.1", "event:EvMessage")  # same message, other event
    assert not await claim(store, "message:C1:9.9", "event:EvMention")  # same event id


async def test_claims_are_shared_by_stores_on_the_same_backend(make_store):
    assert await claim(make_store(), "event:Ev1")
    assert not await claim(make_store(), "event:Ev1")


async def test_concurrent_deliveries_of_one_message_are_new_exactly_once(make_store):
    stores = [make_store() for _ in range(4)]

    claimed = await asyncio.gather(
        *(
            store.first_delivery([f"event:Ev{n}", "message:D1:1.1"])
            for n, store in enumerate(stores * 5)
        )
    )
    assert sorted(claimed) == [False] * 19 + [True]


async def test_claims_expire(make_store):
    store = make_store(keep_s=1)
    assert await claim(store, "event:Ev1")
    await asyncio.sleep(1.2)
    assert await claim(store, "event:Ev1")


def _claim_in_process(path: str, keys: List[str]) -> int:
    store = SqliteSeenDeliveries(Path(path))
    return sum(asyncio.run(store.first_delivery([key])) for key in keys)


def test_processes_sharing_the_sqlite_file_claim_each_key_once(tmp_path):
    keys = [f"event:Ev{n}" for n in range(40)]
    with ProcessPoolExecutor(max_workers=3) as pool:
        claimed = list(
            pool.map(_claim_in_process, [str(tmp_path / "seen.db")] * 3, [keys] * 3, timeout=60)
        )
    assert sum(claimed) == len(keys)


async def test_an_unreachable_redis_is_reported_not_guessed():
    store = RedisSeenDeliveries(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StoreUnavailable):
        await claim(store, "event:Ev1")


def test_the_store_comes_from_the_environment(tmp_path):
    sqlite = seen_deliveries_from_env(
        {"PARTNERDESK_SLACK_EVENTS_DB": str(tmp_path / "e.db"), "PARTNERDESK_REDIS_URL": ""}
    )
    assert isinstance(sqlite, SqliteSeenDeliveries) and sqlite.path == tmp_path / "e.db"
    remote = seen_deliveries_from_env({"PARTNERDESK_REDIS_URL": "redis://127.0.0.1:6399/0"})
    assert isinstance(remote, RedisSeenDeliveries)
