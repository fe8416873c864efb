"""The production profile, brought up once by ``scripts/production up`` on free ports.

Two Rasa replicas on PostgreSQL and Redis behind nginx: crashes of either replica
(alone and under load), the embedded SQLite default crashing, what the balancer
refuses (Rasa's HTTP API, big bodies, bursts), socket.io stickiness, and ``down``.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional

import pytest
import requests

from tests.conftest import TEST_TODAY
from tests.production.profile import REPLICAS, Profile, _alive, say, user_texts
from tests.production.services import RedisServer
from tests.servers import rasa_server, write_endpoints

pytestmark = pytest.mark.slow

COVID_QUESTION = "does the covid extension apply to our competency?"
COVID_DATE = "15 October 2020"
COVID_ANSWER = "October 15, 2021"  # only with the question's context (today 2021-08-20)
LOAD_QUESTIONS = (
    "hi",
    "what exactly is the learning action pack",
    "MAP renewal date",
    "thanks",
    "competency renewal process in PC",
)
LOAD_CLIENTS, LOAD_MESSAGES = 10, 20
RATE_LIMIT, RATE_BURST = 200, 400  # scripts/production's defaults, which the tests keep


@pytest.fixture(scope="module")
def profile() -> Iterator[Profile]:
    """The profile, up for the whole module; down and deleted afterwards."""
    running = Profile.create(
        PARTNERDESK_TODAY=TEST_TODAY,
        TICKET_LOCK_LIFETIME="15",
        PARTNERDESK_JOURNAL_RETRY_S="0.5",
    )
    try:
        running.run("up")
        yield running
    finally:
        running.remove()


@pytest.fixture(scope="module")
def database(profile):
    """An SQLAlchemy engine on the profile's PostgreSQL, read straight by the tests."""
    import sqlalchemy as sa

    engine = sa.create_engine(profile.database_url(), pool_pre_ping=True)
    yield engine
    engine.dispose()


def new_sender(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:12]}"


def joined(texts: List[str]) -> str:
    return " ".join(texts)


def test_support_page_and_its_same_origin_config(profile):
    page = requests.get(f"{profile.balancer}/", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    config = requests.get(f"{profile.balancer}/config.js", timeout=10)
    assert config.status_code == 200
    assert '"socketUrl": ""' in config.text and '"assistUrl": ""' in config.text


def test_health_through_the_balancer_and_on_each_replica(profile):
    urls = [
        f"{profile.balancer}/health",
        *(f"{profile.replica_url(name)}/webhooks/health/" for name in REPLICAS),
    ]
    for url in urls:
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, (url, response.text[:500])
        report = response.json()
        assert report["status"] == "ok"
        assert {
            part: report[part]["status"]
            for part in ("model", "action_server", "tracker_store", "lock_store")
        } == dict.fromkeys(("model", "action_server", "tracker_store", "lock_store"), "ok")


def test_reply_assistant_through_the_balancer_with_the_generated_token(profile):
    url = f"{profile.balancer}/webhooks/assist/suggest"
    question = {"text": "when can we renew our action pack?", "top": 1}
    token = profile.secrets()["PARTNERDESK_ASSIST_TOKEN"]
    answer = requests.post(
        url, json=question, timeout=30, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    assert answer.json()["suggestions"][0]["faq_id"] == "renew_action_pack"
    assert requests.post(url, json=question, timeout=30).status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/api-probe/tracker"),
        ("POST", "/conversations/api-probe/messages"),
        ("POST", "/conversations/api-probe/trigger_intent"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
        ("GET", "/status"),
        ("GET", "/webhooks/../conversations/api-probe/tracker"),
        ("GET", "/webhooks/%2e%2e/conversations/api-probe/tracker"),
        ("GET", "//conversations/api-probe/tracker"),
    ],
)
def test_rasa_http_api_is_never_proxied(profile, database, method, path):
    connection = http.client.HTTPConnection(
        "127.0.0.1", int(profile.balancer.rsplit(":", 1)[1]), timeout=10
    )
    body = '{"text": "hello", "sender": "user", "name": "greet"}'
    connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status in (403, 404), (response.status, response.read()[:200])
    assert user_texts(database, "api-probe") == []


def test_body_size_limit(profile):
    big = '{"sender": "big-body", "message": "' + "a" * (2 * 1024 * 1024) + '"}'
    response = requests.post(
        f"{profile.balancer}/webhooks/rest/webhook",
        data=big,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert say(profile.balancer, new_sender("after-big"), "hi")


def test_socketio_through_the_balancer_sticks_to_one_replica(profile):
    import socketio

    client = socketio.Client(reconnection=False)
    replies: "queue.Queue[dict]" = queue.Queue()
    client.on("bot_uttered", replies.put)
    client.connect(
        profile.balancer, transports=["polling"], socketio_path="socket.io", wait_timeout=15
    )
    engine_sid = client.eio.sid
    try:
        session = uuid.uuid4().hex
        client.emit("session_request", {"session_id": session})
        for text in ("hi", "what exactly is the learning action pack"):
            client.emit("user_uttered", {"message": text, "session_id": session})
            assert replies.get(timeout=60).get("text")
    finally:
        client.disconnect()

    def requests_of(log: str) -> List[str]:
        return [line for line in log.splitlines() if f"sid={engine_sid}" in line]

    requests_of_session = requests_of(
        profile.access_log(until=lambda log: len(requests_of(log)) >= 3)
    )
    replicas = {re.search(r"upstream=(\S+)", line).group(1) for line in requests_of_session}
    assert len(requests_of_session) >= 3 and len(replicas) == 1, requests_of_session


def test_conversation_goes_on_across_a_replica_crash_and_its_restart(profile, database):
    others = {name: profile.pid(name) for name in ("postgres", "redis", "actions", "rasa-2", "web")}
    sender = new_sender("crash")
    assert "anniversary date?" in joined(say(profile.balancer, sender, COVID_QUESTION))
    profile.kill_replica("rasa-1")
    assert COVID_ANSWER in joined(say(profile.balancer, sender, COVID_DATE))

    profile.run("up")  # starts what is not running: rasa-1 alone
    assert requests.get(profile.replica_url("rasa-1"), timeout=10).ok
    assert {name: profile.pid(name) for name in others} == others
    for text in ("hi", "thanks"):  # round-robin: on both replicas
        assert say(profile.balancer, sender, text)
    assert user_texts(database, sender) == [COVID_QUESTION, COVID_DATE, "hi", "thanks"]


@dataclass
class Exchange:
    """One REST request of the load test."""

    sender: str
    text: str
    started: float
    ended: float
    status: Optional[int]


def _client(base: str, sender: str, log: List[Exchange]) -> None:
    with requests.Session() as session:
        for number in range(LOAD_MESSAGES):
            text = f"{LOAD_QUESTIONS[number % len(LOAD_QUESTIONS)]} ({number})"
            started = time.monotonic()
            try:
                status: Optional[int] = session.post(
                    f"{base}/webhooks/rest/webhook",
                    json={"sender": sender, "message": text},
                    timeout=90,
                ).status_code
            except requests.RequestException:
                status = None
            log.append(Exchange(sender, text, started, time.monotonic(), status))


def test_a_replica_dies_under_load(profile, database):
    waiting = new_sender("waiting")  # a conversation in the middle of a question
    assert "anniversary date?" in joined(say(profile.balancer, waiting, COVID_QUESTION))
    senders = [new_sender(f"load{i}") for i in range(LOAD_CLIENTS)]
    log: List[Exchange] = []
    clients = [
        threading.Thread(target=_client, args=(profile.balancer, sender, log), daemon=True)
        for sender in senders
    ]
    for client in clients:
        client.start()
    deadline = time.monotonic() + 30
    while len(log) < 3 * LOAD_CLIENTS and time.monotonic() < deadline:
        time.sleep(0.05)
    kill_sent = time.monotonic()
    profile.kill_replica("rasa-2")
    crashed = time.monotonic()  # its port is closed: nothing new can reach it
    for client in clients:
        client.join(timeout=180)
    assert not any(client.is_alive() for client in clients), "load clients did not finish"

    failed = [exchange for exchange in log if exchange.status != 200]
    assert all(e.started <= crashed and e.ended >= kill_sent for e in failed), failed  # in flight
    assert len(failed) <= LOAD_CLIENTS
    assert len(log) == LOAD_CLIENTS * LOAD_MESSAGES
    for sender in senders:
        answered = [e.text for e in log if e.sender == sender and e.status == 200]
        stored = user_texts(database, sender)
        assert [text for text in stored if text in answered] == answered, sender

    profile.run("up")  # rasa-2 comes back
    assert requests.get(profile.replica_url("rasa-2"), timeout=10).ok
    assert COVID_ANSWER in joined(say(profile.balancer, waiting, COVID_DATE))
    for sender in senders:
        history = user_texts(database, sender)
        assert say(profile.balancer, sender, "thanks")
        assert user_texts(database, sender) == [*history, "thanks"]


def test_the_embedded_default_survives_a_crash(profile, model_path, tmp_path):
    endpoints = write_endpoints(
        tmp_path / "endpoints.yml", profile.actions_url, tmp_path / "conversations.db"
    )
    server = rasa_server(model_path, endpoints, tmp_path).start()
    base = server.health_url.rstrip("/")
    sender = new_sender("sqlite")
    first = say(base, sender, COVID_QUESTION)
    server.stop(signal.SIGKILL)  # right after the turn

    restarted = rasa_server(model_path, endpoints, tmp_path).start()
    try:
        base = restarted.health_url.rstrip("/")
        tracker = requests.get(f"{base}/conversations/{sender}/tracker", timeout=10).json()
        events = tracker["events"]
        assert [e["text"] for e in events if e["event"] == "user"] == [COVID_QUESTION]
        assert [e["text"] for e in events if e["event"] == "bot"] == first
        assert COVID_ANSWER in joined(say(base, sender, COVID_DATE))
    finally:
        restarted.stop()


def test_rate_limit_per_client_address(profile):
    statuses: List[int] = []
    refusals: List[dict] = []
    began = time.monotonic()

    def hammer() -> None:
        with requests.Session() as session:
            while (
                time.monotonic() - began < 20 and len(statuses) < 2000 and statuses.count(429) < 20
            ):
                response = session.get(f"{profile.balancer}/webhooks/rest/", timeout=10)
                statuses.append(response.status_code)
                if response.status_code == 429:
                    refusals.append(response.json())

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    elapsed = time.monotonic() - began
    assert 429 in statuses
    assert set(statuses) <= {200, 429}
    assert statuses.count(200) <= RATE_BURST + RATE_LIMIT * elapsed + len(threads)
    assert "too many requests" in refusals[0]["error"]
    time.sleep(RATE_BURST / RATE_LIMIT + 1)  # the bucket empties
    assert say(profile.balancer, new_sender("after-burst"), "hi")


def stop_postgres(profile) -> None:
    """Stop the profile's PostgreSQL as an outage would (``up`` starts it again)."""
    data = profile.state_dir / "postgres" / "data"
    pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    command = [str(pg_ctl), "-D", str(data), "-m", "fast", "-w", "stop"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def stored_events(database, sender: str) -> List[dict]:
    import sqlalchemy as sa

    with database.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"),
            {"sender": sender},
        )
        return [json.loads(row.data) for row in rows]


def test_postgres_outage_twenty_turns_and_a_kill_9_lose_nothing(profile, database):
    sender, replica = new_sender("outage"), profile.replica_url("rasa-2")
    before = ["hi", COVID_QUESTION]
    for text in before:
        say(replica, sender, text)
    stop_postgres(profile)
    during = [COVID_DATE] + [LOAD_QUESTIONS[n % len(LOAD_QUESTIONS)] for n in range(19)]
    try:
        # The context from before the outage is there during it.
        assert COVID_ANSWER in joined(say(replica, sender, during[0]))
        for text in during[1:10]:
            assert say(profile.balancer, sender, text)
        report = requests.get(f"{profile.balancer}/health", timeout=30).json()
        assert report["status"] == "degraded", report
        assert report["tracker_store"]["mode"] == "journal"
        profile.kill_replica("rasa-1")  # with what it journaled
        for text in during[10:]:
            assert say(profile.balancer, sender, text)
    finally:
        profile.run("up")  # PostgreSQL back, rasa-1 restarted: it takes its journal over
    expected = before + during
    deadline = time.monotonic() + 120
    while [e["text"] for e in stored_events(database, sender) if e["event"] == "user"] != (
        expected
    ):
        assert time.monotonic() < deadline, stored_events(database, sender)
        time.sleep(0.5)
    events = stored_events(database, sender)
    assert len({(e["event"], e["timestamp"], e.get("text")) for e in events}) == len(events)
    assert sum(e["event"] == "session_started" for e in events) == 1  # one conversation
    for name in REPLICAS:
        health = requests.get(f"{profile.replica_url(name)}/webhooks/health/", timeout=30)
        assert health.json()["tracker_store"]["status"] == "ok", health.text


def test_down_stops_what_up_started_and_nothing_else(profile, tmp_path):
    names = ("postgres", "redis", "actions", *REPLICAS, "web", "nginx")
    pids = {name: profile.pid(name) for name in names}
    assert all(pids.values()), pids
    bystanders = [subprocess.Popen(["sleep", "300"])]
    redis_bystander = RedisServer.create(tmp_path / "redis").start()  # the profile's program too
    try:
        profile.run("down")
        assert {name: pid for name, pid in pids.items() if _alive(pid)} == {}
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", int(profile.balancer.rsplit(":", 1)[1])), 2)
        assert all(process.poll() is None for process in bystanders)
        assert redis_bystander.process.poll() is None
        status = profile.run("status")
        assert status.returncode == 3 and " running" not in status.stdout
    finally:
        redis_bystander.stop()
        for process in bystanders:
            process.kill()
            process.wait()
