"""Which web-chat partners have their page open: socket.io sessions per conversation.

An agent's reply is ``delivered`` to a web-chat partner when a socket.io session of that
conversation is open somewhere. One Rasa server keeps that in memory; replicas share it
in Redis (``PARTNERDESK_REDIS_URL``): a hash per conversation, session id → expiry time,
which each replica refreshes for its own sessions, so the sessions of a replica that was
killed expire within :data:`SESSION_TTL_S` instead of staying "present" for ever.
If Redis cannot be reached the replica answers from what it holds itself.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, Dict, Optional, Set

logger = logging.getLogger(__name__)

REDIS_URL_ENV = "PARTNERDESK_REDIS_URL"
KEY_PREFIX = "partnerdesk:presence:"
SESSION_TTL_S = 60.0
REFRESH_S = SESSION_TTL_S / 3


class LocalPresence:
    """The socket.io sessions this process holds, by conversation."""

    def __init__(self) -> None:
        """Nobody is present yet."""
        self.sessions: Dict[str, Set[str]] = {}  # conversation id -> socket.io sids
        self.conversation_of: Dict[str, str] = {}  # sid -> conversation id

    async def arrive(self, conversation_id: str, sid: str) -> None:
        """A session of ``conversation_id`` is open (``session_request``)."""
        previous = self.conversation_of.get(sid)
        if previous and previous != conversation_id:
            await self.leave(sid)
        self.sessions.setdefault(conversation_id, set()).add(sid)
        self.conversation_of[sid] = conversation_id

    async def leave(self, sid: str) -> None:
        """The session closed (``disconnect``)."""
        conversation_id = self.conversation_of.pop(sid, None)
        if conversation_id is None:
            return
        held = self.sessions.get(conversation_id, set())
        held.discard(sid)
        if not held:
            self.sessions.pop(conversation_id, None)

    async def is_present(self, conversation_id: str) -> bool:
        """Whether a session of the conversation is open."""
        return bool(self.sessions.get(conversation_id))

    async def close(self) -> None:
        """Nothing to release."""


class RedisPresence(LocalPresence):
    """Sessions of every replica, in Redis, with this replica's own kept fresh."""

    def __init__(self, url: str) -> None:
        """Connect lazily to Redis at ``url``."""
        super().__init__()
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.refresher: Optional[asyncio.Task[None]] = None
        self.failing = False

    def _key(self, conversation_id: str) -> str:
        return f"{KEY_PREFIX}{conversation_id}"

    async def _call(self, action: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            result = await action
        except (RedisError, OSError) as error:
            if not self.failing:
                logger.error("Presence: Redis unreachable (%s); using this replica's own.", error)
            self.failing = True
            return None
        if self.failing:
            logger.warning("Presence: Redis answers again.")
            self.failing = False
        return result

    async def arrive(self, conversation_id: str, sid: str) -> None:
        """Record the session here and in Redis; start refreshing this replica's sessions."""
        await super().arrive(conversation_id, sid)
        await self._publish(conversation_id, {sid})
        if self.refresher is None or self.refresher.done():
            self.refresher = asyncio.create_task(self._refresh_forever())

    async def leave(self, sid: str) -> None:
        """Forget the session here and in Redis."""
        conversation_id = self.conversation_of.get(sid)
        await super().leave(sid)
        if conversation_id:
            await self._call(self.redis.hdel(self._key(conversation_id), sid))

    async def is_present(self, conversation_id: str) -> bool:
        """Whether a live session of the conversation is held by any replica."""
        if await super().is_present(conversation_id):
            return True
        entries = await self._call(self.redis.hgetall(self._key(conversation_id)))
        now = time.time()
        return any(float(expiry) > now for expiry in (entries or {}).values())

    async def _publish(self, conversation_id: str, sids: Set[str]) -> None:
        expiry = time.time() + SESSION_TTL_S
        key = self._key(conversation_id)
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(key, mapping={sid: f"{expiry:.3f}" for sid in sids})
        pipe.expire(key, int(SESSION_TTL_S) + 5)
        await self._call(pipe.execute())

    async def _refresh_forever(self) -> None:
        while self.sessions:
            await asyncio.sleep(REFRESH_S)
            for conversation_id, sids in list(self.sessions.items()):
                await self._publish(conversation_id, set(sids))

    async def close(self) -> None:
        """Stop refreshing and close the connection."""
        if self.refresher is not None:
            self.refresher.cancel()
        await self.redis.close()


def presence_from_env(env: Optional[Dict[str, str]] = None) -> LocalPresence:
    """Redis presence when ``PARTNERDESK_REDIS_URL`` is set, else in this process."""
    url = (os.environ if env is None else env).get(REDIS_URL_ENV)
    return RedisPresence(url) if url else LocalPresence()
