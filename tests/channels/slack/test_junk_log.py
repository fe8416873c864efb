"""Refused Slack requests are logged at most once per interval, with a count."""

from __future__ import annotations

import asyncio
import logging
import time

from partnerdesk.channels.slack.junk_log import JunkLog, refusal_reason

LOGGER = "partnerdesk.test.junk"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def warnings(caplog) -> list:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_a_flood_is_one_line_then_one_line_with_the_counts(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    clock = Clock()
    junk = JunkLog(logging.getLogger(LOGGER), interval_s=60, clock=clock)
    junk.note("wrong signature", "203.0.113.7")
    for number in range(10_000):
        clock.now += 0.001
        junk.note("timestamp more than 5 minutes off", f"198.51.100.{number % 3}")
    junk.note("wrong signature", "203.0.113.7")
    assert len(warnings(caplog)) == 1 and "(wrong signature)" in warnings(caplog)[0]
    clock.now += 60
    junk.note("no signature", "192.0.2.1")  # the next interval: the counts, then this one
    _first, counted, next_one = warnings(caplog)
    assert counted == (
        "Slack: refused 10001 more unsigned requests in 70 s from 4 addresses "
        "(timestamp more than 5 minutes off: 10000, wrong signature: 1)."
    )
    assert "(no signature)" in next_one


def test_the_counts_are_logged_when_the_interval_ends_without_new_junk(caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)

    async def flood() -> None:
        junk = JunkLog(logging.getLogger(LOGGER), interval_s=0.2)
        for _ in range(50):
            junk.note("malformed timestamp", "192.0.2.9")
        await asyncio.sleep(0.5)

    asyncio.run(flood())
    assert len(warnings(caplog)) == 2
    assert "refused 49 more unsigned requests" in warnings(caplog)[1]
    assert "malformed timestamp: 49" in warnings(caplog)[1]


def test_reasons_name_the_problem_not_the_values():
    now = time.time()
    signed = {"X-Slack-Signature": "v0=abc"}
    assert refusal_reason({}) == "no signature"
    assert refusal_reason({**signed, "X-Slack-Request-Timestamp": "soon"}) == (
        "malformed timestamp"
    )
    stale = {**signed, "X-Slack-Request-Timestamp": str(int(now) - 3600)}
    assert refusal_reason(stale, now) == "timestamp more than 5 minutes off"
    fresh = {**signed, "X-Slack-Request-Timestamp": str(int(now))}
    assert refusal_reason(fresh, now) == "wrong signature"
