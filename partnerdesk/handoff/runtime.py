"""The handoff machinery of one Rasa server process, set up when the server starts.

Channels register how they reach their partners (:class:`Deliverer`) and the Slack
channel registers the agents' channel (:class:`AgentNotifier`); the agent API starts the
runtime once the model and the stores are loaded (:meth:`HandoffRuntime.start`). From
then on the Rasa server does the handoff work the action server cannot:

- before ``action_handoff`` it sets the ``agents_online`` slot, which picks the honest
  variant of the first message (nobody had the Inbox open in the last five minutes and
  no Slack agents' channel is set);
- after it, it writes the handoff record (the pause's time is its ``created_at``) and
  posts it to the agents' Slack channel in the background;
- when a paused conversation's partner speaks, it relays the message to that post.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, Coroutine, Dict, List, Optional, Protocol, Set

import sqlalchemy as sa
from rasa.shared.core.events import ConversationPaused, SlotSet

from partnerdesk.core.handoff import (
    AGENT_ONLINE_WINDOW_S,
    WAITING,
    Handoff,
    language_or_default,
    reason_or_default,
)
from partnerdesk.dialogue import action_hooks
from partnerdesk.handoff.presence import LocalPresence, presence_from_env
from partnerdesk.handoff.store import HandoffStore, new_id
from partnerdesk.stores.tracker_db import unwrapped

logger = logging.getLogger(__name__)

HANDOFF_ACTION = "action_handoff"
ONLINE_SLOT = "agents_online"
REASON_SLOT = "handoff_reason"
ONLINE_CACHE_S = 5.0
SEEN_WRITE_EVERY_S = 30.0
RETRY_S = 5.0


class Deliverer(Protocol):
    """Sends a message to a partner on one channel; True when it reached them now."""

    async def deliver(self, record: Handoff, tracker: Any, message: Dict[str, Any]) -> bool:
        """Send ``message`` (``text``, optional ``metadata``/buttons) to the partner."""


class AgentNotifier(Protocol):
    """Keeps agents outside the Inbox (the Slack agents' channel) up to date."""

    async def started(self, record: Handoff, view: Dict[str, Any]) -> Optional[Dict[str, str]]:
        """Post a new handoff; return where (``channel``, ``ts``), or None."""

    async def partner_said(self, record: Handoff, text: str) -> None:
        """Relay a partner's message during the handoff."""

    async def agent_replied(self, record: Handoff, agent: str, text: str) -> None:
        """Show an agent's reply sent from elsewhere (the Inbox)."""

    async def resolved(self, record: Handoff) -> None:
        """Say the handoff is resolved."""


def engine_of(tracker_store: Any) -> sa.engine.Engine:
    """The tracker store's SQL engine; an in-memory SQLite one for a store without SQL."""
    engine = getattr(unwrapped(tracker_store), "engine", None)
    if isinstance(engine, sa.engine.Engine):
        return engine
    logger.warning("Conversations are kept in memory: so are handoffs (lost at restart).")
    return sa.create_engine(
        "sqlite://", poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False}
    )


class HandoffRuntime:
    """Handoff state of this process: store, presence, channels and background work."""

    def __init__(self) -> None:
        """Not started; channels may register already."""
        self.app: Any = None
        self.store: Optional[HandoffStore] = None
        self._presence: Optional[LocalPresence] = None
        self.deliverers: Dict[str, Deliverer] = {}
        self.notifiers: List[AgentNotifier] = []
        self.tasks: Set[asyncio.Task[Any]] = set()
        self.drafts_cache: Dict[Any, Any] = {}
        self.transcripts: Dict[str, Any] = {}  # conversation id -> (newest event id, view)
        self._online: Optional[tuple] = None
        self._seen_written = 0.0
        self._tables_ready = False

    @property
    def started(self) -> bool:
        """Whether :meth:`start` ran (the agent API is on and the model is loaded)."""
        return self.store is not None

    @property
    def presence(self) -> LocalPresence:
        """Which web-chat partners have their page open (Redis when replicas share it)."""
        if self._presence is None:
            self._presence = presence_from_env()
        return self._presence

    @property
    def agent(self) -> Any:
        """Rasa's current agent (a model reload replaces it)."""
        return self.app.ctx.agent

    def register_deliverer(self, channel: str, deliverer: Deliverer) -> None:
        """Reach partners of ``channel`` (``socketio``, ``slack``, ``rest``) with it."""
        self.deliverers[channel] = deliverer

    def register_notifier(self, notifier: AgentNotifier) -> None:
        """Tell agents outside the Inbox about handoffs (the Slack agents' channel)."""
        self.notifiers.append(notifier)

    async def start(self, app: Any) -> None:
        """Use the loaded agent's tracker store, create the tables, hook ``action_handoff``."""
        if self.started:
            return
        self.app = app
        self.store = HandoffStore(engine_of(self.agent.tracker_store))
        await self.ready()
        action_hooks.register(HANDOFF_ACTION, before=self.before_handoff, after=self.after_handoff)
        if self.notifiers:
            from partnerdesk.handoff.service import announce_unposted

            self.spawn(announce_unposted(self))

    async def ready(self) -> bool:
        """Create the tables once the database answers; False while it does not."""
        if self._tables_ready:
            return True
        assert self.store is not None
        try:
            await asyncio.to_thread(self.store.create_tables)
        except sa.exc.SQLAlchemyError as error:
            logger.error("Handoff tables cannot be created yet: %s", error)
            return False
        self._tables_ready = True
        return True

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` in the background, logging its failure, kept until it is done."""

        async def logged() -> None:
            try:
                await work
            except Exception:
                logger.exception("Handoff background work failed.")

        task = asyncio.create_task(logged())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def db(self, function: Any, *args: Any) -> Any:
        """Run a store method in a worker thread (never on Rasa's event loop)."""
        await self.ready()
        return await asyncio.to_thread(function, *args)

    # --- agents online -------------------------------------------------------------

    async def agents_online(self) -> bool:
        """An agent can see a new handoff soon: Slack agents' channel, or the Inbox open.

        "The Inbox open" is an authenticated handoffs request in the last five minutes,
        recorded in the database (so every replica knows). Cached for a few seconds.
        """
        if self.notifiers:
            return True
        now = time.monotonic()
        if self._online and now - self._online[0] < ONLINE_CACHE_S:
            return bool(self._online[1])
        assert self.store is not None
        try:
            seen = await self.db(self.store.agent_last_seen)
        except sa.exc.SQLAlchemyError as error:
            logger.error("Cannot tell whether an agent is online: %s", error)
            seen = None
        online = seen is not None and time.time() - seen < AGENT_ONLINE_WINDOW_S
        self._online = (now, online)
        return online

    async def agent_seen(self) -> None:
        """Someone has the Inbox open: record it (at most every 30 s per process)."""
        if time.monotonic() - self._seen_written < SEEN_WRITE_EVERY_S:
            return
        assert self.store is not None
        await self.db(self.store.agent_seen)
        self._seen_written = time.monotonic()
        self._online = None

    # --- around action_handoff -----------------------------------------------------

    async def before_handoff(self, tracker: Any) -> List[Any]:
        """The ``agents_online`` slot, read by ``utter_handoff_started``'s variants."""
        return [SlotSet(ONLINE_SLOT, await self.agents_online())]

    async def after_handoff(self, tracker: Any, events: List[Any]) -> None:
        """Write the handoff record of a conversation the action paused."""
        pause = next((e for e in events if isinstance(e, ConversationPaused)), None)
        if pause is None:
            return
        reason = next(
            (e.value for e in events if isinstance(e, SlotSet) and e.key == REASON_SLOT),
            tracker.get_slot(REASON_SLOT),
        )
        record = Handoff(
            id=new_id(),
            conversation_id=tracker.sender_id,
            channel=tracker.get_latest_input_channel() or "rest",
            language=language_or_default(tracker.get_slot("language")),
            status=WAITING,
            reason=reason_or_default(reason),
            created_at=pause.timestamp,
        )
        await self.create(record)

    async def create(self, record: Handoff) -> None:
        """Store the record (retrying in the background while the database is down)."""
        assert self.store is not None
        try:
            stored = await self.db(self.store.create, record)
        except sa.exc.SQLAlchemyError as error:
            logger.error(
                "Handoff of %s not stored yet (%s); retrying every %s s.",
                record.conversation_id,
                error,
                RETRY_S,
            )
            self.spawn(self._retry_create(record))
            return
        logger.info("Handoff %s: %s asked for a person.", stored.id, stored.conversation_id)
        if self.notifiers and stored.id == record.id:
            from partnerdesk.handoff.service import announce

            self.spawn(announce(self, stored))

    async def _retry_create(self, record: Handoff) -> None:
        while True:
            await asyncio.sleep(RETRY_S)
            try:
                assert self.store is not None
                await self.db(self.store.create, record)
            except sa.exc.SQLAlchemyError:
                continue
            logger.warning("Handoff of %s stored after the outage.", record.conversation_id)
            return

    # --- the partner's side ----------------------------------------------------------

    async def partner_spoke(self, conversation_id: str, text: str) -> None:
        """A message of a conversation the bot did not answer: relay it if handed over."""
        if not self.started or not self.notifiers or not text or text.lstrip().startswith("/"):
            return
        assert self.store is not None
        record = await self.db(self.store.open_for, conversation_id)
        if record is not None and record.slack_post:
            for notifier in self.notifiers:
                await notifier.partner_said(record, text)

    async def take_queued(self, conversation_id: str) -> List[Dict[str, Any]]:
        """Messages waiting for this partner, as output channels send them; each once."""
        if not self.started:
            return []
        assert self.store is not None
        try:
            queued = await self.db(self.store.take_queued, conversation_id)
        except sa.exc.SQLAlchemyError as error:
            logger.error("Queued agent messages for %s not read: %s", conversation_id, error)
            return []
        return [
            {"text": m.text, **({"metadata": {"agent": m.agent}} if m.agent else {})}
            for m in queued
        ]


RUNTIME = HandoffRuntime()
"""This process's runtime (one Rasa server per process)."""


def current() -> HandoffRuntime:
    """This process's handoff runtime."""
    return RUNTIME


def slack_agent_channel(env: Optional[Dict[str, str]] = None) -> Optional[str]:
    """``SLACK_AGENT_CHANNEL``, if set."""
    return (os.environ if env is None else env).get("SLACK_AGENT_CHANNEL") or None
