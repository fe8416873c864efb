"""Two Rasa replicas on PostgreSQL and Redis: one conversation from many clients,
the database and Redis going away, and the health endpoint.

The replicas are real ``rasa run`` processes sharing the session's action server,
PostgreSQL and Redis; requests alternate between them (round-robin without a
balancer). Trackers are read straight from PostgreSQL.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import psycopg2
import pytest
import requests

from tests.production.services import start_replicas, write_profile_endpoints

pytestmark = [pytest.mark.slow, pytest.mark.server]

LOCK_LIFETIME_S = 15  # TICKET_LOCK_LIFETIME of the replicas
CLIENTS, MESSAGES_SENT = 10, 50
FAQ_QUESTION = "does the action pack come with VS enterprise?"
MESSAGES = [
    FAQ_QUESTION,
    "액션팩에 비주얼 스튜디오 엔터프라이즈 포함돼요?",
    "hello there",
    "안녕하세요",
    "/faq/token_split",
]
TRACKER_ERROR = re.compile(r"^\S+ \S+ ERROR\s+\S*tracker", re.IGNORECASE)


@dataclass
class Turn:
    text: str
    status: Optional[int]  # None: no HTTP answer within the client's timeout
    answered: bool
    seconds: float


def url_of(replica) -> str:
    return replica.health_url.rstrip("/")


def say(base: str, sender: str, text: str, timeout: float = 60) -> requests.Response:
    return requests.post(
        f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
    )


def health(base: str) -> requests.Response:
    return requests.get(f"{base}/webhooks/health/", timeout=30)


def send_concurrently(
    urls: List[str], sender: str, timeout_s: float, deadline_s: float
) -> List[Turn]:
    """MESSAGES_SENT messages from CLIENTS threads, alternating between ``urls``.

    No new message starts after ``deadline_s``; each waits at most ``timeout_s``.
    """
    numbers, numbers_lock = itertools.count(), threading.Lock()
    stop_at = time.monotonic() + deadline_s

    def client() -> List[Turn]:
        turns = []
        for _ in range(MESSAGES_SENT // CLIENTS):
            if time.monotonic() > stop_at:
                break
            with numbers_lock:
                number = next(numbers)
            text, started = MESSAGES[number % len(MESSAGES)], time.monotonic()
            try:
                reply = say(urls[number % len(urls)], sender, text, timeout=timeout_s)
                status, answered = reply.status_code, reply.ok and bool(reply.json())
            except requests.RequestException:
                status, answered = None, False
            turns.append(Turn(text, status, answered, time.monotonic() - started))
        return turns

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = [pool.submit(client) for _ in range(CLIENTS)]
        return [turn for result in results for turn in result.result()]


def stored_events(postgres, db_login, sender: str) -> List[Dict[str, Any]]:
    """The conversation's events as stored in PostgreSQL, in order."""
    connection = psycopg2.connect(
        host="127.0.0.1",
        port=postgres.port,
        dbname=db_login.name,
        user=db_login.user,
        password=db_login.password,
        connect_timeout=5,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(data) for (data,) in cursor.fetchall()]
    finally:
        connection.close()


def summarize(turns: List[Turn], events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """What was sent and answered against what the tracker holds.

    A turn is interleaved when the next user message arrives before its
    ``action_listen``; unanswered when it has no bot message.
    """
    user_positions = [i for i, e in enumerate(events) if e["event"] == "user"]
    interleaved = unanswered = 0
    for start, end in zip(user_positions, [*user_positions[1:], len(events)]):
        segment = events[start + 1 : end]
        listens = [e for e in segment if e["event"] == "action" and e["name"] == "action_listen"]
        interleaved += not listens or segment[-1] is not listens[-1] or len(listens) > 1
        unanswered += not any(e["event"] == "bot" for e in segment)
    ok = [t for t in turns if t.status == 200]
    return {
        "sent": len(turns),
        "http_200": len(ok),
        "no_http_answer": sum(t.status is None for t in turns),
        "stored_user_messages": len(user_positions),
        "lost": len(ok) - len(user_positions),
        "interleaved": interleaved,
        "unanswered": unanswered,
        "slowest_s": round(max((t.seconds for t in turns), default=0), 2),
        "user_texts": sorted(events[i]["text"] for i in user_positions),
    }


def tracker_errors_since(log, offset: int) -> List[str]:
    """ERROR lines about the tracker store written to ``log`` after ``offset``."""
    with log.open("rb") as file:
        file.seek(offset)
        lines = file.read().decode(errors="replace").splitlines()
    return [line for line in lines if TRACKER_ERROR.search(line)]


@pytest.fixture(scope="module")
def profile_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("profile")


@pytest.fixture(scope="module")
def replicas(model_path, action_server_url, postgres, db_login, redis_server, profile_dir):
    """Two replicas with the production profile's stores (atomic lock store)."""
    endpoints = write_profile_endpoints(
        profile_dir / "endpoints-atomic.yml", action_server_url, postgres, db_login, redis_server
    )
    started = start_replicas(
        model_path,
        endpoints,
        profile_dir / "atomic",
        extra_env={"TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_S)},
    )
    yield started
    for replica in started:
        replica.stop()


def test_one_conversation_from_ten_clients_on_two_replicas(
    replicas, postgres, db_login, conversation_id
):
    turns = send_concurrently(
        [url_of(r) for r in replicas],
        conversation_id,
        timeout_s=2 * LOCK_LIFETIME_S,
        deadline_s=120,
    )
    summary = summarize(turns, stored_events(postgres, db_login, conversation_id))
    print(f"\natomic lock store: { {k: v for k, v in summary.items() if k != 'user_texts'} }")
    assert summary["sent"] == summary["http_200"] == MESSAGES_SENT
    assert all(turn.answered for turn in turns)
    assert summary["stored_user_messages"] == MESSAGES_SENT and summary["lost"] == 0
    assert summary["user_texts"] == sorted(turn.text for turn in turns)
    assert summary["interleaved"] == summary["unanswered"] == 0
    assert summary["slowest_s"] < LOCK_LIFETIME_S


def test_stock_redis_lock_store_under_the_same_load_for_the_record(
    model_path, action_server_url, postgres, db_login, redis_server, profile_dir, conversation_id
):
    """Rasa's own RedisLockStore with the same replicas and load: printed, not asserted."""
    endpoints = write_profile_endpoints(
        profile_dir / "endpoints-stock.yml",
        action_server_url,
        postgres,
        db_login,
        redis_server,
        lock_store="stock",
    )
    stock = start_replicas(
        model_path,
        endpoints,
        profile_dir / "stock",
        extra_env={"TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_S)},
    )
    try:
        turns = send_concurrently(
            [url_of(r) for r in stock],
            conversation_id,
            timeout_s=LOCK_LIFETIME_S + 5,
            deadline_s=40,
        )
    finally:
        for replica in stock:
            replica.stop()
    summary = summarize(turns, stored_events(postgres, db_login, conversation_id))
    print(f"\nstock RedisLockStore: { {k: v for k, v in summary.items() if k != 'user_texts'} }")


def test_health_reports_every_part_ok(replicas):
    for replica in replicas:
        answer = health(url_of(replica))
        report = answer.json()
        assert answer.status_code == 200 and report["status"] == "ok", report
        assert set(report) == {"status", "model", "action_server", "tracker_store", "lock_store"}
        assert report["model"]["loaded"] is True and report["model"]["id"]
        assert report["action_server"]["url"].endswith("/health")
        assert report["tracker_store"]["dialect"] == "postgresql"
        assert report["lock_store"]["type"] == "redis"
        assert all(part["status"] == "ok" for name, part in report.items() if name != "status")


def test_redis_down_turns_are_answered_and_health_says_so(replicas, redis_server, conversation_id):
    base = url_of(replicas[0])
    redis_server.stop()
    try:
        for _ in range(3):
            reply = say(base, conversation_id, FAQ_QUESTION)
            assert reply.status_code == 200 and "Source:" in reply.json()[0]["text"]
        answer = health(base)
        report = answer.json()
        assert answer.status_code == 503 and report["status"] == "degraded"
        assert report["lock_store"]["status"] == "degraded" and report["lock_store"]["error"]
        assert report["tracker_store"]["status"] == "ok"
    finally:
        redis_server.start()
    assert health(base).status_code == 200


def test_database_down_turns_are_answered_reported_once_and_all_stored(
    replicas, postgres, db_login, conversation_id
):
    base, log = url_of(replicas[0]), replicas[0].log
    for text in ("hello there", FAQ_QUESTION):
        assert say(base, conversation_id, text).status_code == 200
    offset = log.stat().st_size
    postgres.stop()
    try:
        for _ in range(5):
            reply = say(base, conversation_id, FAQ_QUESTION)
            assert reply.status_code == 200 and "Source:" in reply.json()[0]["text"]
        answer = health(base)
        report = answer.json()
        assert answer.status_code == 503 and report["status"] == "degraded"
        assert report["tracker_store"]["status"] == "degraded"
        assert report["tracker_store"]["mode"] == "journal"
        assert report["tracker_store"]["journal"]["pending_events"] > 0
        assert "OperationalError" in report["tracker_store"]["error"]
        assert report["lock_store"]["status"] == report["model"]["status"] == "ok"
        errors = tracker_errors_since(log, offset)
        assert len(errors) == 1 and "unreachable" in errors[0], errors
    finally:
        postgres.start()
    reply = say(base, conversation_id, "/faq/token_split")  # no restart of the replica
    assert reply.status_code == 200 and reply.json()
    deadline = time.monotonic() + 30
    while health(base).status_code != 200:  # the journal is written in the background
        assert time.monotonic() < deadline
        time.sleep(0.2)
    events = stored_events(postgres, db_login, conversation_id)
    stored = [e["text"] for e in events if e["event"] == "user"]
    assert stored == ["hello there"] + [FAQ_QUESTION] * 6 + ["/faq/token_split"]  # all kept
    assert sum(e["event"] == "session_started" for e in events) == 1  # same conversation
    assert len({(e["event"], e["timestamp"]) for e in events}) == len(events)  # no duplicate
    assert "answers again" in log.read_text(errors="replace")[offset:]


def test_after_a_database_restart_the_first_turn_keeps_its_context(
    replicas, postgres, db_login, conversation_id
):
    urls = [url_of(r) for r in replicas]
    for base in urls:  # each replica now holds pooled connections
        assert say(base, conversation_id, "hello there").status_code == 200
    offsets = [r.log.stat().st_size for r in replicas]
    postgres.stop()
    postgres.start()
    for base in urls:
        assert say(base, conversation_id, FAQ_QUESTION).status_code == 200
    events = stored_events(postgres, db_login, conversation_id)
    assert [e["text"] for e in events if e["event"] == "user"] == ["hello there"] * 2 + [
        FAQ_QUESTION
    ] * 2
    assert sum(e["event"] == "session_started" for e in events) == 1
    assert all(not tracker_errors_since(r.log, o) for r, o in zip(replicas, offsets))
