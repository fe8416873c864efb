"""``GET /webhooks/health/``: can this replica answer partners properly right now?

Rasa's ``GET /`` only says the process is up; it stays "up" while every turn
falls back to memory because the database is down. This channel checks the
pieces a turn needs and answers JSON for a human and for a load balancer::

    {"status": "ok" | "degraded",
     "model": {...}, "action_server": {...}, "tracker_store": {...}, "lock_store": {...}}

with HTTP 200 when every piece is ``ok`` and 503 otherwise. The action server's
``/health`` gets ``PARTNERDESK_HEALTH_TIMEOUT_S`` (default 1) to answer; stores
that know how to check themselves (:mod:`partnerdesk.stores.lock_store`,
:mod:`partnerdesk.stores.tracker_store`) are pinged through their ``health()``; Rasa's
own SQL and Redis stores are pinged directly; in-memory stores are always ok.
Turned on by listing ``partnerdesk.channels.health.HealthInput`` in
``credentials.yml`` (it has no settings).
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any, Awaitable, Callable, Dict, Optional
from urllib.parse import urlsplit

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from partnerdesk.channels.base import AppliesPatches
from partnerdesk.stores.tracker_db import unwrapped

TIMEOUT_ENV = "PARTNERDESK_HEALTH_TIMEOUT_S"
DEFAULT_TIMEOUT_S = 1.0
Report = Dict[str, Any]
PARTS = ("model", "action_server", "tracker_store", "lock_store")


def model_health(agent: Any) -> Report:
    """Whether a model is loaded, and which."""
    if agent is None or not agent.is_ready():
        return {"status": "degraded", "loaded": False}
    return {
        "status": "ok",
        "loaded": True,
        "id": agent.model_id,
        "name": agent.processor.model_filename,
    }


async def action_server_health(endpoint: Any) -> Report:
    """Ask the action server's ``/health``, with a short timeout."""
    if endpoint is None or not endpoint.url:
        return {"status": "degraded", "error": "no action endpoint configured"}
    url = urlsplit(endpoint.url)._replace(path="/health", query="", fragment="").geturl()
    timeout = aiohttp.ClientTimeout(total=float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_S))
    started = time.monotonic()
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url) as answer:
                ok = answer.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return {"status": "degraded", "url": url, "error": f"{type(error).__name__}: {error}"}
    report: Report = {"status": "ok" if ok else "degraded", "url": url}
    report["latency_ms"] = round((time.monotonic() - started) * 1000, 1)
    if not ok:
        report["error"] = f"HTTP {answer.status}"
    return report


def store_health(store: Any) -> Report:
    """Check a tracker or lock store (blocking: run it in a thread)."""
    store = unwrapped(store)
    kind = type(store).__name__
    if hasattr(store, "health"):
        return {**store.health(), "class": kind}
    try:
        if hasattr(store, "red"):  # Rasa's Redis lock and tracker stores
            store.red.ping()
            checked = "redis"
        elif hasattr(store, "engine"):  # Rasa's SQL tracker store
            import sqlalchemy as sa

            with store.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            checked = "sql"
        else:
            checked = "in-memory" if kind.startswith("InMemory") else "unchecked"
    except Exception as error:  # any driver's error means the store can't be used
        return {"status": "degraded", "type": kind, "error": f"{type(error).__name__}: {error}"}
    return {"status": "ok", "type": checked, "class": kind}


async def health_report(agent: Optional[Any]) -> Report:
    """The whole report; ``status`` is ``ok`` only when every part is."""
    if agent is None:
        starting = {"status": "degraded", "error": "the server is still starting"}
        parts: Report = {name: starting for name in PARTS}
    else:
        parts = {
            "model": model_health(agent),
            "action_server": await action_server_health(agent.action_endpoint),
            "tracker_store": await asyncio.to_thread(store_health, agent.tracker_store),
            "lock_store": await asyncio.to_thread(store_health, agent.lock_store),
        }
    ok = all(part["status"] == "ok" for part in parts.values())
    return {"status": "ok" if ok else "degraded", **parts}


class HealthInput(AppliesPatches, InputChannel):
    """Serves the health report at ``/webhooks/health/``."""

    @classmethod
    def name(cls) -> str:
        """The channel's URL prefix: ``/webhooks/health``."""
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The health route; this channel takes no messages."""
        health = Blueprint("partnerdesk_health", __name__)

        @health.route("/", methods=["GET"])
        async def report(request: Request) -> HTTPResponse:
            body = await health_report(getattr(request.app.ctx, "agent", None))
            return response.json(body, status=200 if body["status"] == "ok" else 503)

        return health
