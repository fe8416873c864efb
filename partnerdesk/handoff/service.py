"""What agents do with a handoff: read it with drafts, reply, resolve; and who hears of it.

Used by the agent API (``/webhooks/agent/handoffs``) and the Slack agents' channel, so
both work alike. Replies and resolves write the conversation under the sender's lock
(:mod:`.conversation`); the first agent to reply owns the handoff, and another agent's
reply, or any write to a resolved handoff, is refused with :class:`Conflict`.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa
from pydantic import ValidationError

from partnerdesk.assist.models import MAX_TEXT_CHARS, SuggestRequest
from partnerdesk.assist.suggest import AssistRequestError, AssistUnavailable, suggest
from partnerdesk.core.handoff import Handoff, last_partner_message
from partnerdesk.handoff.conversation import (
    agent_message,
    agent_utterance,
    bot_message,
    resume_events,
    transcript_of,
    write,
)
from partnerdesk.handoff.delivery import queue
from partnerdesk.handoff.runtime import HandoffRuntime

logger = logging.getLogger(__name__)

DRAFTS = 3
DRAFTS_CACHE_SIZE = 256
TRANSCRIPTS_CACHE_SIZE = 1024
TRANSCRIPT_QUERY_CHUNK = 500
DATE_SLOTS = ("purchase_date", "anniversary_date", "activation_date")


class UnknownHandoff(LookupError):
    """No handoff has this id."""


class Conflict(RuntimeError):
    """The handoff cannot take this now (another agent owns it, or it is resolved)."""


async def drafts(runtime: HandoffRuntime, text: str, slots: Dict[str, Any]) -> Optional[Any]:
    """The reply assistant's answer for the partner's last message (cached), or None.

    The partner's dates from the conversation's slots go with it, so the rule result
    is the one PartnerDesk worked out in the chat.
    """
    dates = {name: slots.get(name) for name in DATE_SLOTS if isinstance(slots.get(name), str)}
    key = (text, tuple(sorted(dates.items())))
    if key in runtime.drafts_cache:
        return runtime.drafts_cache[key]
    try:
        request = SuggestRequest(text=text[:MAX_TEXT_CHARS], top=DRAFTS, **dates)
    except ValidationError:
        request = SuggestRequest(text=text[:MAX_TEXT_CHARS], top=DRAFTS)
    try:
        try:
            answer = await suggest(runtime.agent, request)
        except AssistRequestError:  # e.g. a stored date the rule refuses: drafts without it
            answer = await suggest(runtime.agent, SuggestRequest(text=request.text, top=DRAFTS))
    except (AssistUnavailable, AssistRequestError, ValidationError) as error:
        logger.warning("No drafts for a handoff: %s", error)
        return None
    cache: Any = runtime.drafts_cache
    if not isinstance(cache, OrderedDict):
        cache = runtime.drafts_cache = OrderedDict(cache)
    cache[key] = answer
    while len(cache) > DRAFTS_CACHE_SIZE:
        cache.popitem(last=False)
    return answer


def newest_event_ids(engine: sa.engine.Engine, conversation_ids: Sequence[str]) -> Dict[str, int]:
    """The id of each conversation's newest stored event, in one query per 500 conversations.

    Event ids only grow, so an unchanged id means an unchanged conversation. Empty when
    the conversations are not in this database (a tracker store without SQL).
    """
    from rasa.core.tracker_store import SQLTrackerStore

    table = SQLTrackerStore.SQLEvent.__tablename__
    query = sa.text(
        f"SELECT sender_id, MAX(id) FROM {table} WHERE sender_id IN :ids GROUP BY sender_id"
    ).bindparams(sa.bindparam("ids", expanding=True))
    newest: Dict[str, int] = {}
    unique = sorted(set(conversation_ids))
    try:
        with engine.connect() as connection:
            for start in range(0, len(unique), TRANSCRIPT_QUERY_CHUNK):
                chunk = unique[start : start + TRANSCRIPT_QUERY_CHUNK]
                for sender, latest in connection.execute(query, {"ids": chunk}):
                    newest[sender] = int(latest)
    except sa.exc.SQLAlchemyError:
        return {}
    return newest


async def conversation_of(
    runtime: HandoffRuntime, conversation_id: str, newest: Optional[int] = None
) -> Dict[str, Any]:
    """The transcript and slots; read again only when ``newest`` (event id) changed.

    An Inbox polls every few seconds: without this every poll would read and replay every
    open conversation from the tracker store on Rasa's event loop.
    """
    cached = runtime.transcripts.get(conversation_id)
    if newest is not None and cached is not None and cached[0] == newest:
        return dict(cached[1])
    conversation = await transcript_of(runtime.agent, conversation_id)
    if newest is not None:
        runtime.transcripts.pop(conversation_id, None)
        runtime.transcripts[conversation_id] = (newest, conversation)
        while len(runtime.transcripts) > TRANSCRIPTS_CACHE_SIZE:
            runtime.transcripts.pop(next(iter(runtime.transcripts)))
    return conversation


async def view(
    runtime: HandoffRuntime, record: Handoff, newest: Optional[int] = None
) -> Dict[str, Any]:
    """The record with its transcript, and (open handoffs only) drafts and rule result.

    ``newest``: the conversation's newest event id, when known (see :func:`listing`).
    """
    conversation = await conversation_of(runtime, record.conversation_id, newest)
    lines = conversation["lines"]
    item = record.as_api()
    item["transcript"] = [line.as_api() for line in lines]
    item["suggestions"], item["rule_result"] = [], None
    last = last_partner_message(lines) if record.is_open else None
    answer = await drafts(runtime, last, conversation["slots"]) if last else None
    if answer is not None:
        item["suggestions"] = [suggestion.dict() for suggestion in answer.suggestions]
        item["rule_result"] = answer.rule_result.dict() if answer.rule_result else None
    return item


async def listing(runtime: HandoffRuntime, statuses: Sequence[str]) -> List[Dict[str, Any]]:
    """Every handoff in ``statuses``, oldest first, each as :func:`view` shows it."""
    assert runtime.store is not None
    records = await runtime.db(runtime.store.listed, statuses)
    ids = [record.conversation_id for record in records]
    newest = await runtime.db(newest_event_ids, runtime.store.engine, ids) if ids else {}
    return [await view(runtime, record, newest.get(record.conversation_id)) for record in records]


async def _record(runtime: HandoffRuntime, handoff_id: str) -> Handoff:
    assert runtime.store is not None
    record = await runtime.db(runtime.store.get, handoff_id)
    if record is None:
        raise UnknownHandoff(handoff_id)
    return record


async def deliver(
    runtime: HandoffRuntime, record: Handoff, tracker: Any, message: Dict[str, Any]
) -> bool:
    """Send ``message`` to the partner on their channel; False if it waits for them.

    A partner who cannot be reached now (REST, a closed web-chat page) gets it later:
    it is queued and handed over first in their next reply or when the page reconnects.
    """
    deliverer = runtime.deliverers.get(record.channel)
    if deliverer is not None:
        try:
            return await deliverer.deliver(record, tracker, message)
        except Exception:
            logger.exception("Handoff %s: delivery on %s failed.", record.id, record.channel)
            return False
    return await queue(runtime, record, message)


async def reply(
    runtime: HandoffRuntime, handoff_id: str, text: str, name: str, notify: bool = True
) -> bool:
    """Send an agent's reply to the partner and store it; whether it was delivered now.

    Raises:
        UnknownHandoff: No handoff has this id.
        Conflict: Another agent owns the handoff, or it is resolved.
    """
    record = await _record(runtime, handoff_id)
    store = runtime.store
    assert store is not None

    async def claim_then_reply(tracker: Any) -> List[Any]:
        claim = await runtime.db(store.claim, handoff_id, name)
        if not claim.ok:
            raise Conflict(claim.conflict or "This handoff takes no reply now.")
        return [agent_utterance(text, name)]

    written = await write(runtime.agent, record.conversation_id, claim_then_reply)
    delivered = await deliver(runtime, record, written["tracker"], agent_message(text, name))
    if notify:
        for notifier in runtime.notifiers:
            runtime.spawn(notifier.agent_replied(record, name, text))
    return delivered


async def resolve(runtime: HandoffRuntime, handoff_id: str) -> bool:
    """Resolve it: the bot resumes and tells the partner it is back; whether delivered.

    Raises:
        UnknownHandoff: No handoff has this id.
        Conflict: It is already resolved.
    """
    record = await _record(runtime, handoff_id)
    store = runtime.store
    assert store is not None

    async def close_then_resume(tracker: Any) -> List[Any]:
        closed = await runtime.db(store.resolve, handoff_id)
        if not closed.ok:
            raise Conflict(closed.conflict or "This handoff is already resolved.")
        return await resume_events(runtime.agent, tracker)

    written = await write(runtime.agent, record.conversation_id, close_then_resume)
    said = [event for event in written["events"] if getattr(event, "type_name", "") == "bot"]
    delivered = True
    for event in said:
        delivered &= await deliver(runtime, record, written["tracker"], bot_message(event))
    for notifier in runtime.notifiers:
        runtime.spawn(notifier.resolved(record))
    logger.info("Handoff %s resolved.", record.id)
    return delivered


async def announce(runtime: HandoffRuntime, record: Handoff) -> None:
    """Post a new handoff for agents outside the Inbox (one replica does it).

    The handoff is created inside the partner's turn: waiting for the conversation's lock
    lets that turn be stored first, so the post has its transcript.
    """
    assert runtime.store is not None
    if not await runtime.db(runtime.store.claim_posting, record):
        return
    async with runtime.agent.lock_store.lock(record.conversation_id):
        pass
    item = await view(runtime, record)
    for notifier in runtime.notifiers:
        post = await notifier.started(record, item)
        if post:
            await runtime.db(runtime.store.set_slack_post, record, post)


async def announce_unposted(runtime: HandoffRuntime) -> None:
    """At start: post the open handoffs a replica stopped before posting."""
    assert runtime.store is not None
    try:
        pending = await runtime.db(runtime.store.unposted)
    except sa.exc.SQLAlchemyError as error:
        logger.error("Unposted handoffs not read: %s", error)
        return
    for record in pending:
        await announce(runtime, record)


def draft_reply(runtime: HandoffRuntime, faq_id: str, language: str) -> Optional[str]:
    """The draft of one FAQ answer in ``language``, word for word as the chat says it."""
    from partnerdesk.assist.responses import render
    from partnerdesk.core.knowledge import load_knowledge
    from partnerdesk.core.ranking import answer_key

    try:
        entry = load_knowledge().by_id(faq_id)
    except KeyError:
        return None
    responses = runtime.agent.domain.responses
    return render(responses, f"utter_{answer_key(faq_id)}", language) or entry.answer.get(language)
