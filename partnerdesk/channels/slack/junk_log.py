"""Refused Slack requests, logged at most once per interval with a count.

Anyone can send requests to ``/webhooks/slack/``; unsigned ones (stale or malformed
timestamps, wrong signatures, no signature at all) are refused with a 401. One WARNING
line per refusal would let whoever sends junk fill the logs, and none at all would hide a
wrong ``SLACK_SIGNING_SECRET`` or a skewed clock. So the first refusal of an interval
(``PARTNERDESK_JUNK_LOG_INTERVAL_S``, default 60 s) is logged at once with its reason;
the others of that interval are counted, by reason, and logged as one line with the counts
when the interval ends (a timer on the event loop), or with the next refusal after it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import Counter
from typing import Callable, Mapping, Optional, Set

from partnerdesk.channels.slack.requests import SIGNATURE_HEADER, TIMESTAMP_HEADER

INTERVAL_ENV = "PARTNERDESK_JUNK_LOG_INTERVAL_S"
DEFAULT_INTERVAL_S = 60.0
MAX_AGE_S = 300  # what slack_sdk's verifier accepts


def refusal_reason(headers: Mapping[str, str], now: Optional[float] = None) -> str:
    """Why a request's signature was refused, in a few words (never the header values)."""
    timestamp, signature = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
    if not signature or not timestamp:
        return "no signature"
    try:
        sent = int(timestamp)
    except ValueError:
        return "malformed timestamp"
    if abs((time.time() if now is None else now) - sent) > MAX_AGE_S:
        return "timestamp more than 5 minutes off"
    return "wrong signature"


class JunkLog:
    """Counts refusals and logs them at most once per interval."""

    def __init__(
        self,
        logger: logging.Logger,
        interval_s: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Log to ``logger`` at most once per ``interval_s`` (default: the environment's)."""
        self.logger = logger
        self.interval_s = (
            float(os.environ.get(INTERVAL_ENV) or DEFAULT_INTERVAL_S)
            if interval_s is None
            else interval_s
        )
        self.clock = clock
        self.window_start: Optional[float] = None
        self.counts: Counter = Counter()
        self.addresses: Set[str] = set()
        self._timer: Optional[asyncio.TimerHandle] = None

    def note(self, reason: str, address: str = "") -> None:
        """One more refused request, for ``reason``, from ``address``."""
        now = self.clock()
        if self.window_start is not None and now - self.window_start >= self.interval_s:
            self.flush()
        if self.window_start is None:
            self.window_start = now
            self.logger.warning(
                f"Slack: refused an unsigned request ({reason}). Further refusals are "
                f"counted and logged at most every {self.interval_s:g} s."
            )
            return
        self.counts[reason] += 1
        self.addresses.add(address)
        self._schedule_flush(now)

    def flush(self) -> None:
        """Log what was counted since the interval began, and start a new interval."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.counts:
            total = sum(self.counts.values())
            reasons = ", ".join(f"{reason}: {n}" for reason, n in self.counts.most_common())
            span = self.clock() - (self.window_start or self.clock())
            self.logger.warning(
                f"Slack: refused {total} more unsigned request{'s' if total != 1 else ''} "
                f"in {span:.0f} s from {len(self.addresses)} "
                f"address{'es' if len(self.addresses) != 1 else ''} ({reasons})."
            )
        self.window_start = None
        self.counts.clear()
        self.addresses.clear()

    def _schedule_flush(self, now: float) -> None:
        if self._timer is not None or self.window_start is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop: the next refusal after the interval logs the count
        delay = max(0.0, self.window_start + self.interval_s - now)
        self._timer = loop.call_later(delay, self.flush)
