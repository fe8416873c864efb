"""A Redis lock store that issues tickets atomically, safe across Rasa processes.

Rasa 3.6's ``RedisLockStore`` issues a ticket by reading the conversation's
lock, appending a ticket and writing it back (GET, change, SET). Two replicas
doing that at once overwrite each other's tickets: both then process a turn for
the same conversation at the same time, and one turn's events are lost although
its partner got HTTP 200. Orphaned tickets make later turns wait a whole lock
lifetime, polled once a second.

Here every change to a conversation's tickets is one Lua script, so Redis runs it
atomically. Per conversation there are three keys (one Redis Cluster hash slot):

- ``counter``: ``INCR`` gives the next ticket number;
- ``queue``: sorted set of live tickets scored by number (the lowest is served);
- ``expiry``: sorted set of the same tickets scored by when they expire, by
  Redis's own clock, so replicas' clocks never matter.

A waiting process polls every ``PARTNERDESK_LOCK_POLL_MS`` (default 20 ms) and
each poll renews its ticket; being served restarts the ticket's lifetime
(``TICKET_LOCK_LIFETIME``, Rasa's default 60 s). So a process that died holding
or waiting for a ticket blocks the conversation for at most one lock lifetime.
A waiter whose ticket vanished (Redis restarted) queues again instead of failing.
The keys expire on their own and are deleted when the last ticket is released.

If Redis cannot be reached, turns are still answered: the store logs one ERROR,
serialises turns within this process only (Rasa's in-memory lock store), reports
itself degraded in :meth:`health`, and logs a WARNING when Redis answers again.

Registered in ``endpoints.yml`` by class path; Rasa passes the section as
``endpoint_config``. Rasa expands ``${VAR}`` only in *unquoted* values::

    lock_store:
      type: partnerdesk.stores.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}        # not "${REDIS_HOST}": quoted, it stays literal
      port: ${REDIS_PORT}
      db: ${REDIS_DB}
      key_prefix: partnerdesk   # alphanumeric
      # password: ${REDIS_PASSWORD}, username, socket_timeout (s, default 2),
      # use_ssl, ssl_certfile, ssl_keyfile, ssl_ca_certs as for Rasa's store.
      # ``url`` may also be a full ``redis://`` URL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Dict, Optional, Text

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockStore,
)
from rasa.utils.endpoints import EndpointConfig

from partnerdesk.stores.lock_scripts import ISSUE, POLL, RELEASE, TICKETS

logger = logging.getLogger(__name__)

POLL_MS_ENV = "PARTNERDESK_LOCK_POLL_MS"
DEFAULT_POLL_MS = 20.0
DEFAULT_SOCKET_TIMEOUT_S = 2.0


def poll_interval_s() -> float:
    """Seconds between two polls of a waiting ticket."""
    return float(os.environ.get(POLL_MS_ENV) or DEFAULT_POLL_MS) / 1000


class AtomicRedisLockStore(LockStore):
    """Ticket locks in Redis, every ticket change one atomic Lua script."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        **settings: Any,
    ) -> None:
        """Connect to Redis (nothing is sent until the first turn).

        Args:
            endpoint_config: the ``lock_store`` section of ``endpoints.yml``
                (``url`` is the host or a ``redis://`` URL; other keys as in
                the module docstring).
            settings: the same keys given directly (``host`` instead of ``url``);
                they override the endpoint config.
        """
        if endpoint_config is not None:
            settings = {"host": endpoint_config.url, **endpoint_config.kwargs, **settings}
        self.red = _redis_client(settings)
        prefix = settings.get("key_prefix")
        self.key_prefix = DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        if isinstance(prefix, str) and prefix.isalnum():
            self.key_prefix = f"{prefix}:{DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX}"
        elif prefix:
            logger.warning(f"Ignoring the non-alphanumeric lock key prefix {prefix!r}.")
        self.poll_interval_s = poll_interval_s()
        self._issue = self.red.register_script(ISSUE)
        self._poll = self.red.register_script(POLL)
        self._release = self.red.register_script(RELEASE)
        self._tickets = self.red.register_script(TICKETS)
        self._fallback = InMemoryLockStore()
        self.redis_error: Optional[str] = None
        super().__init__()

    def _keys(self, conversation_id: Text) -> list:
        base = f"{self.key_prefix}{{{conversation_id}}}"
        return [f"{base}:queue", f"{base}:expiry", f"{base}:counter"]

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: Optional[float] = None,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock for the body of an ``async with``.

        Args:
            conversation_id: the conversation to lock.
            lock_lifetime: seconds after which a ticket that is not renewed (its
                holder died or hangs) stops blocking the conversation.
            wait_time_in_seconds: poll interval; the store's own when not given.
        """
        from redis.exceptions import RedisError

        poll_s = wait_time_in_seconds or self.poll_interval_s
        try:
            ticket: Optional[int] = await self._wait_for_turn(
                conversation_id, lock_lifetime, poll_s
            )
        except RedisError as error:
            self._note_redis_down(error)
            ticket = None
        if ticket is None:
            async with self._fallback.lock(conversation_id, lock_lifetime, poll_s) as local:
                yield local
            return
        try:
            served = Ticket(ticket, time.time() + lock_lifetime)
            yield TicketLock(conversation_id, deque([served]))
        finally:
            self._release_quietly(conversation_id, ticket)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Take the next ticket for the conversation (one atomic script)."""
        ticket = int(self._issue(keys=self._keys(conversation_id), args=[lock_lifetime]))
        self._note_redis_up()
        return ticket

    async def _wait_for_turn(
        self, conversation_id: Text, lock_lifetime: float, poll_s: float
    ) -> int:
        """Take a ticket and poll until it is served; return its number.

        A ticket that vanished while waiting (Redis restarted, or this process
        was blocked for longer than ``lock_lifetime``) is replaced by a new one
        at the end of the queue.
        """
        keys = self._keys(conversation_id)
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            while True:
                state = int(self._poll(keys=keys, args=[ticket, lock_lifetime]))
                if state == 1:
                    return ticket
                if state == -1:
                    logger.warning(f"Lock ticket {ticket} vanished; queueing again.")
                    ticket = self.issue_ticket(conversation_id, lock_lifetime)
                await asyncio.sleep(poll_s)
        except BaseException:  # cancelled or failed: never leave a ticket in the queue
            self._release_quietly(conversation_id, ticket)
            raise

    def _release_quietly(self, conversation_id: Text, ticket: int) -> None:
        from redis.exceptions import RedisError

        try:
            self.finish_serving(conversation_id, ticket)
        except RedisError as error:  # the ticket expires on its own
            self._note_redis_down(error)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove the ticket; the conversation's keys go with the last one."""
        self._release(keys=self._keys(conversation_id), args=[ticket_number])

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Same as :meth:`finish_serving` (deleting an empty lock is part of it)."""
        self.finish_serving(conversation_id, ticket_number)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """The conversation's live tickets, lowest (served) first; None if none."""
        flat = self._tickets(keys=self._keys(conversation_id))
        tickets = [
            Ticket(int(number), float(expires)) for number, expires in zip(flat[::2], flat[1::2])
        ]
        return TicketLock(conversation_id, deque(tickets)) if tickets else None

    def update_lock(self, conversation_id: Text) -> None:
        """Remove expired tickets."""
        self.get_lock(conversation_id)

    def is_someone_waiting(self, conversation_id: Text) -> bool:
        """Whether the conversation has a live ticket."""
        return self.get_lock(conversation_id) is not None

    def delete_lock(self, conversation_id: Text) -> None:
        """Delete all of the conversation's tickets."""
        self._log_deletion(conversation_id, bool(self.red.delete(*self._keys(conversation_id))))

    def health(self) -> Dict[str, Any]:
        """Ping Redis: ``{"status": "ok" | "degraded", "type": "redis", ...}``."""
        from redis.exceptions import RedisError

        try:
            self.red.ping()
        except RedisError as error:
            self._note_redis_down(error)
        else:
            self._note_redis_up()
        report: Dict[str, Any] = {"status": "degraded" if self.redis_error else "ok"}
        report["type"] = "redis"
        if self.redis_error:
            report["error"] = self.redis_error
            report["fallback"] = "in-process lock (turns are serialised per replica only)"
        return report

    def _note_redis_down(self, error: Exception) -> None:
        if self.redis_error is None:
            logger.error(
                f"Redis lock store unreachable ({error}); turns are locked within this "
                f"process only until it answers again."
            )
        self.redis_error = f"{type(error).__name__}: {error}"

    def _note_redis_up(self) -> None:
        if self.redis_error is not None:
            logger.warning("Redis lock store reachable again; conversations are locked in Redis.")
            self.redis_error = None


def _redis_client(settings: Dict[str, Any]) -> Any:
    """A Redis client from the lock store's settings (values may be strings)."""
    import redis

    host = str(settings.get("host") or "localhost")
    timeout = float(settings.get("socket_timeout") or DEFAULT_SOCKET_TIMEOUT_S)
    common = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    if "://" in host:
        return redis.StrictRedis.from_url(host, **common)
    return redis.StrictRedis(
        host=host,
        port=int(settings.get("port") or 6379),
        db=int(settings["db"]) if settings.get("db") is not None else 1,
        username=settings.get("username") or None,
        password=settings.get("password") or None,
        ssl=str(settings.get("use_ssl", False)).lower() == "true",
        ssl_certfile=settings.get("ssl_certfile"),
        ssl_keyfile=settings.get("ssl_keyfile"),
        ssl_ca_certs=settings.get("ssl_ca_certs"),
        **common,
    )
