"""AtomicRedisLockStore against a real redis-server."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import time

import pytest
import redis
import yaml
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import read_endpoint_config

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.stores.lock_store import AtomicRedisLockStore

pytestmark = pytest.mark.slow


def make_store(server, **settings) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host="127.0.0.1", port=server.port, db=0, **settings)


def keys_of(server, conversation_id):
    return redis.StrictRedis(port=server.port, db=0).keys(f"*{conversation_id}*")


async def test_concurrent_tasks_get_unique_tickets_served_in_order(redis_server, conversation_id):
    stores = [make_store(redis_server) for _ in range(3)]  # three clients, like three replicas
    served, inside, overlaps = [], 0, 0

    async def turn(store):
        nonlocal inside, overlaps
        async with store.lock(conversation_id) as lock:
            inside += 1
            overlaps += inside > 1
            served.append(lock.now_serving)
            await asyncio.sleep(0.001)
            inside -= 1

    await asyncio.wait_for(asyncio.gather(*(turn(stores[i % 3]) for i in range(60))), 30)
    assert overlaps == 0
    assert served == sorted(set(served)) and len(served) == 60
    assert keys_of(redis_server, conversation_id) == []  # the last release cleaned up


def run_workers(server, conversation_id, store, timeout_s, processes=2):
    """Run the lock workers; kill those still running after ``timeout_s``."""
    command = [
        sys.executable,
        "-m",
        "tests.production.lock_worker",
        "--port",
        str(server.port),
        "--conversation",
        conversation_id,
        "--store",
        store,
    ]
    started = time.monotonic()
    workers = [
        subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    errors = stalled = 0
    for worker in workers:
        try:
            output, _ = worker.communicate(timeout=max(1.0, started + timeout_s - time.monotonic()))
            errors += json.loads(output)["lock_errors"]
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate(timeout=10)
            stalled += 1
    red = redis.StrictRedis(port=server.port, db=0, decode_responses=True)
    return {
        "counted": int(red.get(f"{conversation_id}:counter") or 0),
        "overlaps": int(red.get(f"{conversation_id}:overlaps") or 0),
        "served": [int(t) for t in red.lrange(f"{conversation_id}:served", 0, -1)],
        "lock_errors": errors,
        "stalled_processes": stalled,
        "seconds": round(time.monotonic() - started, 1),
    }


def test_two_processes_never_hold_the_lock_together(redis_server, conversation_id):
    result = run_workers(redis_server, conversation_id, "atomic", timeout_s=60)
    turns = 2 * 10 * 5  # processes x tasks x turns
    assert result["lock_errors"] == result["stalled_processes"] == 0
    assert result["overlaps"] == 0
    assert result["counted"] == turns  # no lost read-modify-write
    assert result["served"] == sorted(set(result["served"])) and len(result["served"]) == turns


def test_stock_redis_lock_store_across_processes_for_the_record(redis_server, conversation_id):
    """Not an assertion on Rasa's store: prints what it loses under the same load."""
    result = run_workers(redis_server, conversation_id, "stock", timeout_s=10)
    duplicates = len(result["served"]) - len(set(result["served"]))
    print(
        f"\nstock RedisLockStore, 2 processes x 10 tasks x 5 turns: "
        f"{len(result['served'])} of 100 turns done, "
        f"{len(result['served']) - result['counted']} read-modify-writes lost, "
        f"{result['overlaps']} overlapping holders, {duplicates} tickets served twice, "
        f"{result['lock_errors']} LockErrors, {result['stalled_processes']} of 2 processes "
        f"still waiting when stopped after {result['seconds']} s"
    )


HOLD_AND_DIE = """
import asyncio, os, signal
from partnerdesk.stores.lock_store import AtomicRedisLockStore

async def main():
    store = AtomicRedisLockStore(host="127.0.0.1", port={port}, db=0)
    async with store.lock("{conversation_id}", lock_lifetime={lifetime}):
        print("held", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


async def test_dead_holder_blocks_no_longer_than_the_lock_lifetime(redis_server, conversation_id):
    lifetime = 2.0
    code = HOLD_AND_DIE.format(
        port=redis_server.port, conversation_id=conversation_id, lifetime=lifetime
    )
    holder = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    died = time.monotonic()
    assert holder.stdout == "held\n" and holder.returncode == -9, holder.stderr
    store = make_store(redis_server)
    assert len(store.get_lock(conversation_id).tickets) == 1  # the dead holder's ticket
    async with store.lock(conversation_id, lock_lifetime=lifetime):
        waited = time.monotonic() - died
    assert 0.5 < waited <= lifetime + 0.3
    assert keys_of(redis_server, conversation_id) == []


async def test_abandoned_ticket_expires_after_its_lifetime(redis_server, conversation_id):
    store = make_store(redis_server)
    store.issue_ticket(conversation_id, lock_lifetime=1)  # a process that died right after
    started = time.monotonic()
    async with store.lock(conversation_id):
        waited = time.monotonic() - started
    assert 0.5 < waited <= 1.3


async def test_cancelled_waiter_leaves_no_ticket(redis_server, conversation_id):
    store = make_store(redis_server)
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder():
        async with store.lock(conversation_id) as lock:
            holding.set()
            await release.wait()
            return lock.now_serving

    holder_task = asyncio.create_task(holder())
    await asyncio.wait_for(holding.wait(), 5)
    waiter = asyncio.create_task(store.lock(conversation_id).__aenter__())
    await asyncio.sleep(0.1)
    assert len(store.get_lock(conversation_id).tickets) == 2
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert [t.number for t in store.get_lock(conversation_id).tickets] == [1]
    release.set()
    assert await asyncio.wait_for(holder_task, 5) == 1
    assert keys_of(redis_server, conversation_id) == []


async def test_redis_down_turns_go_on_locally_with_one_error(own_redis, conversation_id, caplog):
    store = make_store(own_redis, socket_timeout=0.5)
    assert store.health() == {"status": "ok", "type": "redis"}
    own_redis.stop()
    caplog.set_level(logging.INFO, logger="partnerdesk.stores.lock_store")
    for _ in range(5):
        async with store.lock(conversation_id):
            pass
    health = store.health()
    assert health["status"] == "degraded" and "ConnectionError" in health["error"]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "unreachable" in errors[0].getMessage()

    own_redis.start()
    async with store.lock(conversation_id):
        assert len(store.get_lock(conversation_id).tickets) == 1  # in Redis again
    assert store.health() == {"status": "ok", "type": "redis"}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "reachable again" in warnings[0].getMessage()


async def test_built_from_endpoints_yml_with_unquoted_env_vars(
    redis_server, conversation_id, tmp_path, monkeypatch
):
    monkeypatch.setenv("PD_TEST_REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("PD_TEST_REDIS_PORT", str(redis_server.port))
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "lock_store:\n"
        "  type: partnerdesk.stores.lock_store.AtomicRedisLockStore\n"
        "  url: ${PD_TEST_REDIS_HOST}\n"
        "  port: ${PD_TEST_REDIS_PORT}\n"
        "  db: 0\n"
        "  key_prefix: partnerdesk\n"
        "quoted:\n"
        '  url: "${PD_TEST_REDIS_HOST}"\n'
    )
    assert read_endpoint_config(str(endpoints), "quoted").url == "${PD_TEST_REDIS_HOST}"
    store = LockStore.create(read_endpoint_config(str(endpoints), "lock_store"))
    assert isinstance(store, AtomicRedisLockStore)
    async with store.lock(conversation_id):
        keys = [k.decode() for k in keys_of(redis_server, conversation_id)]
        assert keys and all(k.startswith("partnerdesk:lock:") for k in keys)
    assert yaml.safe_load(endpoints.read_text())  # the file stays plain YAML


async def test_waiter_whose_ticket_vanished_queues_again(redis_server, conversation_id):
    store = make_store(redis_server)
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder():
        async with store.lock(conversation_id):
            holding.set()
            await release.wait()

    async def waiter():
        async with store.lock(conversation_id) as lock:
            return lock.now_serving

    holder_task = asyncio.create_task(holder())
    await asyncio.wait_for(holding.wait(), 5)
    waiter_task = asyncio.create_task(waiter())
    await asyncio.sleep(0.1)
    store.delete_lock(conversation_id)  # what a Redis restart does to every ticket
    assert await asyncio.wait_for(waiter_task, 5) == 1  # a new first ticket, no LockError
    release.set()
    await asyncio.wait_for(holder_task, 5)
    assert keys_of(redis_server, conversation_id) == []
