"""Handoff records in the conversation store's database (SQLite or PostgreSQL).

Three tables next to Rasa's ``events``, on the tracker store's own engine:

- ``handoffs``: one row per handoff (:class:`partnerdesk.core.handoff.Handoff`);
- ``handoff_outbox``: messages for partners who could not be reached when they were
  sent (REST partners always; web-chat partners whose page was closed), handed over
  first in their next reply or when their page reconnects;
- ``handoff_presence``: when someone last had the Inbox open (one row per replica-free
  name, ``inbox``), which decides the "no agent online" message.

Every method is synchronous (SQLAlchemy Core); the Rasa server calls them in a worker
thread. Writes that race (two agents replying at once, two replies taking the outbox)
are decided by conditional ``UPDATE`` statements, so they are safe across replicas.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from partnerdesk.core.handoff import ACTIVE, OPEN_STATUSES, RESOLVED, WAITING, Handoff
from partnerdesk.handoff.tables import (
    INBOX,
    POSTING,
    POSTING_CLAIM_S,
    handoffs,
    metadata,
    outbox,
    presence,
)


@dataclass(frozen=True)
class Claim:
    """What became of an agent's attempt to reply: ``ok`` or why not (``conflict``)."""

    handoff: Optional[Handoff]
    ok: bool
    conflict: Optional[str] = None


@dataclass(frozen=True)
class QueuedMessage:
    """A message waiting for its partner."""

    id: int
    text: str
    agent: Optional[str]


def _record(row: Any) -> Handoff:
    return Handoff(
        id=row.id,
        conversation_id=row.conversation_id,
        channel=row.channel,
        language=row.language,
        status=row.status,
        reason=row.reason,
        created_at=row.created_at,
        agent=row.agent,
        first_reply_at=row.first_reply_at,
        resolved_at=row.resolved_at,
        slack_post=(
            {"channel": row.slack_channel, "ts": row.slack_ts}
            if row.slack_ts and row.slack_channel != POSTING
            else {}
        ),
    )


def _open_of(conversation_id: str) -> Any:
    """The conversation's waiting or active handoff, the newest first."""
    return (
        sa.select(handoffs)
        .where(handoffs.c.conversation_id == conversation_id)
        .where(handoffs.c.status.in_(OPEN_STATUSES))
        .order_by(handoffs.c.created_at.desc())
    )


def _unposted_or_stale_claim(now: float) -> Any:
    """Not posted for agents yet, or claimed by a replica that did not post in time."""
    return sa.or_(
        handoffs.c.slack_ts.is_(None),
        sa.and_(
            handoffs.c.slack_channel == POSTING,
            handoffs.c.slack_ts < f"{now - POSTING_CLAIM_S:015.3f}",
        ),
    )


def new_id() -> str:
    """A fresh handoff id (random, 32 hex digits)."""
    return uuid.uuid4().hex


class HandoffStore:
    """The handoff tables on one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        """Use ``engine`` (the tracker store's); call :meth:`create_tables` once."""
        self.engine = engine

    def create_tables(self) -> None:
        """Create the tables if missing (replicas doing it at once is fine)."""
        try:
            metadata.create_all(self.engine)
        except (sa.exc.ProgrammingError, sa.exc.IntegrityError, sa.exc.OperationalError):
            metadata.create_all(self.engine)  # another replica won the race; now they exist

    # --- handoffs ---------------------------------------------------------------

    def create(self, record: Handoff) -> Handoff:
        """Store a new handoff, unless the conversation has an open one (returned instead)."""
        with self.engine.begin() as connection:
            existing = connection.execute(_open_of(record.conversation_id)).first()
            if existing is not None:
                return _record(existing)
            connection.execute(
                handoffs.insert().values(
                    id=record.id,
                    conversation_id=record.conversation_id,
                    channel=record.channel,
                    language=record.language,
                    status=record.status,
                    reason=record.reason,
                    created_at=record.created_at,
                )
            )
        return record

    def get(self, handoff_id: str) -> Optional[Handoff]:
        """The handoff with this id, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
        return _record(row) if row is not None else None

    def open_for(self, conversation_id: str) -> Optional[Handoff]:
        """The conversation's waiting or active handoff, if it has one."""
        with self.engine.connect() as connection:
            row = connection.execute(_open_of(conversation_id)).first()
        return _record(row) if row is not None else None

    def listed(self, statuses: Sequence[str], limit: int = 500) -> List[Handoff]:
        """Handoffs in these statuses, oldest first (at most ``limit``)."""
        query = (
            sa.select(handoffs)
            .where(handoffs.c.status.in_(list(statuses)))
            .order_by(handoffs.c.created_at, handoffs.c.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [_record(row) for row in connection.execute(query)]

    def claim(self, handoff_id: str, agent: str, now: Optional[float] = None) -> Claim:
        """Let ``agent`` reply: the first agent to reply owns the handoff.

        Returns a :class:`Claim` that is ``ok`` for the owner (and for the first reply,
        which makes the handoff ``active``); otherwise ``conflict`` says why: another
        agent owns it, or it is resolved. ``handoff`` is None for an unknown id.
        """
        now = time.time() if now is None else now
        with self.engine.begin() as connection:
            connection.execute(
                handoffs.update()
                .where(handoffs.c.id == handoff_id)
                .where(handoffs.c.status == WAITING)
                .values(status=ACTIVE, agent=agent, first_reply_at=now)
            )
            row = connection.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
        if row is None:
            return Claim(None, False)
        record = _record(row)
        if record.status == RESOLVED:
            return Claim(record, False, "This handoff is resolved; it takes no more replies.")
        if record.agent != agent:
            return Claim(record, False, f"{record.agent} is already answering this partner.")
        return Claim(record, True)

    def resolve(self, handoff_id: str, now: Optional[float] = None) -> Claim:
        """Mark it resolved; ``conflict`` if it already was, ``handoff`` None if unknown."""
        now = time.time() if now is None else now
        with self.engine.begin() as connection:
            changed = connection.execute(
                handoffs.update()
                .where(handoffs.c.id == handoff_id)
                .where(handoffs.c.status.in_(OPEN_STATUSES))
                .values(status=RESOLVED, resolved_at=now)
            ).rowcount
            row = connection.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
        if row is None:
            return Claim(None, False)
        if not changed:
            return Claim(_record(row), False, "This handoff is already resolved.")
        return Claim(_record(row), True)

    def set_slack_post(self, record: Handoff, post: Dict[str, str]) -> Handoff:
        """Remember where the handoff was posted for agents in Slack."""
        with self.engine.begin() as connection:
            connection.execute(
                handoffs.update()
                .where(handoffs.c.id == record.id)
                .values(slack_channel=post["channel"], slack_ts=post["ts"])
            )
        return replace(record, slack_post=post)

    def by_slack_post(self, channel: str, ts: str) -> Optional[Handoff]:
        """The handoff posted for agents at ``channel``/``ts`` (a thread's parent)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(handoffs)
                .where(handoffs.c.slack_ts == ts)
                .where(handoffs.c.slack_channel == channel)
            ).first()
        return _record(row) if row is not None else None

    def claim_posting(self, record: Handoff, now: Optional[float] = None) -> bool:
        """Whether this process may post the handoff for agents (one replica does).

        A claim that was not followed by a post within :data:`POSTING_CLAIM_S` (the
        replica died) can be taken again.
        """
        now = time.time() if now is None else now
        with self.engine.begin() as connection:
            return bool(
                connection.execute(
                    handoffs.update()
                    .where(handoffs.c.id == record.id)
                    .where(_unposted_or_stale_claim(now))
                    .values(slack_channel=POSTING, slack_ts=f"{now:015.3f}")
                ).rowcount
            )

    def unposted(self, now: Optional[float] = None) -> List[Handoff]:
        """Open handoffs not posted for agents in Slack (nor being posted), oldest first."""
        now = time.time() if now is None else now
        query = (
            sa.select(handoffs)
            .where(handoffs.c.status.in_(OPEN_STATUSES))
            .where(_unposted_or_stale_claim(now))
            .order_by(handoffs.c.created_at)
        )
        with self.engine.connect() as connection:
            return [_record(row) for row in connection.execute(query)]

    # --- messages waiting for their partner --------------------------------------

    def queue(self, record: Handoff, text: str, agent: Optional[str]) -> None:
        """Keep a message for the partner until they can be reached."""
        with self.engine.begin() as connection:
            connection.execute(
                outbox.insert().values(
                    conversation_id=record.conversation_id,
                    handoff_id=record.id,
                    text=text,
                    agent=agent,
                    created_at=time.time(),
                )
            )

    def take_queued(self, conversation_id: str) -> List[QueuedMessage]:
        """The partner's waiting messages, oldest first, each handed out only once."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(outbox.c.id, outbox.c.text, outbox.c.agent)
                .where(outbox.c.conversation_id == conversation_id)
                .where(outbox.c.delivered_at.is_(None))
                .order_by(outbox.c.id)
            ).all()
        taken = []
        for row in rows:
            with self.engine.begin() as connection:
                won = connection.execute(
                    outbox.update()
                    .where(outbox.c.id == row.id)
                    .where(outbox.c.delivered_at.is_(None))
                    .values(delivered_at=time.time())
                ).rowcount
            if won:
                taken.append(QueuedMessage(row.id, row.text, row.agent))
        return taken

    # --- agents online -----------------------------------------------------------

    def agent_seen(self, now: Optional[float] = None) -> None:
        """Record that someone has the Inbox open now."""
        now = time.time() if now is None else now
        with self.engine.begin() as connection:
            changed = connection.execute(
                presence.update().where(presence.c.name == INBOX).values(seen_at=now)
            ).rowcount
            if not changed:
                try:
                    with connection.begin_nested():
                        connection.execute(presence.insert().values(name=INBOX, seen_at=now))
                except sa.exc.IntegrityError:
                    pass  # another replica inserted it a moment ago; its time will do

    def agent_last_seen(self) -> Optional[float]:
        """When someone last had the Inbox open, or None if never."""
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(presence.c.seen_at).where(presence.c.name == INBOX)
            ).scalar()
