"""Slack retries across the production profile's two replicas: one answer per message.

The profile (``scripts/production up``) runs with Slack on, its Web API pointed at
a loopback fake. A signed event is delivered to one replica and Slack's retry of it
(same ``event_id``, ``X-Slack-Retry-Num: 1``) to the other; the claim that stops the
second answer must live in the profile's Redis, not in one process's memory nor in
a file of one machine.
"""

from __future__ import annotations

import re
import time
from typing import Iterator, List, Tuple

import pytest
import redis
import requests

from partnerdesk.stores.slack_deliveries import KEEP_S, REDIS_PREFIX
from tests.channels.slack.fake_slack import FakeSlack, Post
from tests.channels.slack.slack_requests import (
    SlackSender,
    envelope,
    mention_event,
    message_event,
    new_channel,
)
from tests.production.profile import REPLICAS, Profile

pytestmark = pytest.mark.slow

BOT_TOKEN = "xoxb-test-partnerdesk-production"
SIGNING_SECRET = "test-signing-secret-production-0123456789"
RETRY_HEADERS = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
FIRST_POST_TIMEOUT_S = 30  # a replica's first turn also warms up its model
GRACE_S = 3  # how long a second, wrong answer gets to show up
WEBHOOK = "/webhooks/slack/webhook"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def slack_api() -> Iterator[FakeSlack]:
    """The fake Slack Web API the replicas post their answers to."""
    fake = FakeSlack(BOT_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def profile(slack_api: FakeSlack) -> Iterator[Profile]:
    """The profile with Slack on, up for the module; down and deleted afterwards.

    ``PARTNERDESK_REDIS_URL`` is emptied so that ``scripts/production`` derives it,
    and the SQLite store the replicas would otherwise use is pointed into the
    state folder, where the tests check that it never appears.
    """
    running = Profile.create(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_api.api_url,
        PARTNERDESK_REDIS_URL="",
    )
    running.env["PARTNERDESK_SLACK_EVENTS_DB"] = str(running.state_dir / "slack_events.db")
    try:
        running.run("up")
        yield running
    finally:
        running.remove()


def deliver_twice(
    body: dict, first: str, retry: str
) -> Tuple[requests.Response, requests.Response]:
    """Deliver ``body`` to ``first``, then Slack's retry of it to ``retry`` (base URLs)."""
    sender = SlackSender(f"{first}{WEBHOOK}", SIGNING_SECRET)
    delivered = sender.event(body)
    retried = sender.event(body, headers=RETRY_HEADERS, url=f"{retry}{WEBHOOK}")
    return delivered, retried


def answered_once(slack_api: FakeSlack, channel: str, thread_ts: str) -> Post:
    """The one post in ``channel``, in the thread; fails on none or more than one."""
    slack_api.wait_for_posts_in(channel, thread_ts, timeout_s=FIRST_POST_TIMEOUT_S)
    time.sleep(GRACE_S)
    posts: List[Post] = slack_api.posts_in(channel)
    assert len(posts) == 1, posts
    assert posts[0].thread_ts == thread_ts
    return posts[0]


def assert_retry_dropped(delivered: requests.Response, retried: requests.Response) -> None:
    """The delivery was taken; its retry was recognised and told not to come again."""
    assert delivered.status_code == 200, delivered.text
    assert "Already answered" not in delivered.text
    assert retried.status_code == 200, retried.text
    assert retried.text == "Already answered."
    assert retried.headers.get("X-Slack-No-Retry") == "1"


def test_slack_is_on_on_both_replicas(profile):
    for name in REPLICAS:
        health = requests.get(f"{profile.replica_url(name)}/webhooks/slack/", timeout=10)
        assert health.json() == {"status": "ok"}, (name, health.text)


def test_a_retry_on_the_other_replica_is_not_answered_again(profile, slack_api):
    channel = new_channel("C")
    event = mention_event("does the action pack come with VS enterprise?", channel)
    body = envelope(event)
    replica_1, replica_2 = (profile.replica_url(name) for name in REPLICAS)

    assert_retry_dropped(*deliver_twice(body, replica_1, replica_2))

    post = answered_once(slack_api, channel, event["ts"])
    assert "Visual Studio Professional" in post.text
    assert "Source: Partner Center docs, MPN benefits FAQ (10 Dec 2020)" in post.text
    assert not HANGUL.search(post.text)
    assert not (profile.state_dir / "slack_events.db").exists()
    client = redis.Redis(
        host="127.0.0.1",
        port=int(profile.env["PARTNERDESK_REDIS_PORT"]),
        password=profile.secrets()["PARTNERDESK_REDIS_PASSWORD"],
        socket_timeout=5,
    )
    try:
        for key in (f"event:{body['event_id']}", f"message:{channel}:{event['ts']}"):
            assert 0 < client.ttl(REDIS_PREFIX + key) <= KEEP_S, key
    finally:
        client.close()


def test_a_retry_through_the_balancer_is_not_answered_again(profile, slack_api):
    channel = new_channel("D")
    event = message_event("액션팩에 비주얼 스튜디오 엔터프라이즈 포함돼요?", channel)
    body = envelope(event)
    logged_before = len(profile.access_log().splitlines())

    assert_retry_dropped(*deliver_twice(body, profile.balancer, profile.balancer))

    post = answered_once(slack_api, channel, event["ts"])
    assert "Visual Studio Professional" in post.text
    assert "출처: 파트너 센터 문서, MPN 혜택 FAQ (2020년 12월 10일)" in post.text

    def posts(log: str) -> List[str]:
        return [line for line in log.splitlines()[logged_before:] if f"POST {WEBHOOK}" in line]

    lines = posts(profile.access_log(until=lambda log: len(posts(log)) >= 2))
    upstreams = [re.search(r"upstream=(\S+)", line).group(1) for line in lines]
    assert len(upstreams) == 2 and len(set(upstreams)) == 2, lines  # round-robin: both replicas
