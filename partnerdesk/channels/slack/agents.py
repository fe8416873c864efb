"""Slack for support agents: handoffs in ``SLACK_AGENT_CHANNEL``, answered from there.

With ``SLACK_AGENT_CHANNEL`` set (a channel id, not ``SLACK_CHANNEL``):

- each new handoff, from web chat, REST or Slack alike, is posted there
  (:mod:`.agent_posts`): transcript, language, rule facts, the top drafts with
  "Send draft N" buttons, and Resolve;
- an agent's message in that post's thread goes to the partner as that agent's reply
  (their Slack name is the name the partner sees); later partner messages, replies sent
  from the Inbox and the resolve are posted in the same thread;
- clicks and messages in the agents' channel are handled here, never as a partner's
  conversation (the channel checks this before anything else).

Slack partners get agent replies in their own thread, posted under the agent's name
(``chat:write.customize``). Requests are signed and de-duplicated by the Slack channel.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, Mapping, Optional

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from partnerdesk.channels.slack.agent_posts import (
    RESOLVE,
    SEND_DRAFT,
    handoff_blocks,
    parse_button_value,
    summary,
)
from partnerdesk.channels.slack.requests import component_value, delivery_keys, text_field
from partnerdesk.channels.slack.text import escape, from_slack_text, to_mrkdwn
from partnerdesk.core.handoff import AGENT_KEY, Handoff
from partnerdesk.handoff import service
from partnerdesk.handoff.conversation import latest_user_metadata
from partnerdesk.handoff.runtime import HandoffRuntime, current

logger = logging.getLogger(__name__)

AGENT_CHANNEL_ENV = "SLACK_AGENT_CHANNEL"
AGENT_ICON = ":bust_in_silhouette:"
# Slack's errors that mean "this message did not go out".
_SLACK_FAILURES = (SlackApiError, OSError)


class SlackAgents:
    """The agents' channel: posts for agents, and what agents do there."""

    def __init__(self, client: AsyncWebClient, channel: str, runtime: HandoffRuntime) -> None:
        """Post in ``channel`` with ``client``; act on ``runtime``'s handoffs."""
        self.client = client
        self.channel = channel
        self.runtime = runtime
        self.names: Dict[str, str] = {}

    def is_agents_channel(self, channel: Optional[str]) -> bool:
        """Whether ``channel`` is the agents' channel."""
        return bool(channel) and channel == self.channel

    async def _post(self, **fields: Any) -> Optional[Dict[str, Any]]:
        try:
            answer = await self.client.chat_postMessage(channel=self.channel, **fields)
        except _SLACK_FAILURES as error:
            logger.error("Slack agents' channel: post failed: %s", error)
            return None
        return answer.data if isinstance(answer.data, dict) else None

    async def _note(self, record: Handoff, text: str) -> None:
        if record.slack_post:
            await self._post(thread_ts=record.slack_post["ts"], text=text)

    # --- telling agents ------------------------------------------------------------

    async def started(self, record: Handoff, view: Dict[str, Any]) -> Optional[Dict[str, str]]:
        """Post the new handoff; where it went (``channel``, ``ts``)."""
        posted = await self._post(text=summary(view), blocks=handoff_blocks(view))
        if not posted or not posted.get("ts"):
            return None
        return {"channel": str(posted.get("channel") or self.channel), "ts": str(posted["ts"])}

    async def partner_said(self, record: Handoff, text: str) -> None:
        """The partner wrote again: into the thread."""
        await self._note(record, f"*Partner:* {escape(text)}")

    async def agent_replied(self, record: Handoff, agent: str, text: str) -> None:
        """An agent answered from the Inbox (or with a button): into the thread."""
        await self._note(record, f"*{escape(agent)}* → partner: {escape(text)}")

    async def resolved(self, record: Handoff) -> None:
        """The handoff is resolved: say so in the thread."""
        await self._note(record, "Resolved: PartnerDesk answers this partner again.")

    # --- what agents do here ---------------------------------------------------------

    async def agent_name(self, user: str) -> str:
        """The Slack user's display name (``users:read``), or their user id."""
        if user not in self.names:
            try:
                answer = await self.client.users_info(user=user)
                profile = (answer.get("user") or {}).get("profile") or {}
                name = profile.get("display_name") or profile.get("real_name")
                name = name or (answer.get("user") or {}).get("real_name")
            except _SLACK_FAILURES as error:
                logger.warning("Slack: no name for %s (%s).", user, error)
                return user
            self.names[user] = str(name or user)[:100]
        return self.names[user]

    async def _record(self, handoff_id: str) -> Optional[Handoff]:
        assert self.runtime.store is not None
        return await self.runtime.db(self.runtime.store.get, handoff_id)

    async def _send(self, record: Handoff, text: str, user: str, notify: bool) -> None:
        """Reply to the partner as this agent; a note in the thread when it did not go."""
        name = await self.agent_name(user)
        try:
            delivered = await service.reply(self.runtime, record.id, text, name, notify=notify)
        except service.Conflict as conflict:
            await self._note(record, f"Not sent: {escape(str(conflict))}")
            return
        if not delivered:
            await self._note(record, "Stored: the partner gets it when they are back.")

    async def on_message(self, event: Mapping[str, Any]) -> None:
        """A person's message in a handoff post's thread: their reply to the partner."""
        thread, ts = event.get("thread_ts"), event.get("ts")
        text, user = event.get("text"), event.get("user")
        if any(key in event for key in ("subtype", "bot_id", "edited")):
            return
        if not (isinstance(thread, str) and thread != ts and isinstance(user, str)):
            return
        if not isinstance(text, str) or not text.strip():
            return
        assert self.runtime.store is not None
        record = await self.runtime.db(self.runtime.store.by_slack_post, self.channel, thread)
        if record is not None:
            await self._send(record, from_slack_text(text), user, notify=False)

    async def on_click(self, payload: Mapping[str, Any]) -> None:
        """A click on "Send draft N" or Resolve under a handoff's post."""
        actions = payload.get("actions")
        action = actions[0] if isinstance(actions, list) and actions else None
        value = component_value(action) if isinstance(action, dict) else None
        parsed = parse_button_value(value) if value else None
        user = text_field(payload, "user", "id")
        if parsed is None or user is None:
            return
        kind, handoff_id, faq_id = parsed
        record = await self._record(handoff_id)
        if record is None:
            return
        if kind == RESOLVE:
            try:
                await service.resolve(self.runtime, record.id)
            except service.Conflict as conflict:
                await self._note(record, escape(str(conflict)))
            return
        if kind == SEND_DRAFT and faq_id:
            text = service.draft_reply(self.runtime, faq_id, record.language)
            if text:
                await self._send(record, text, user, notify=True)


class SlackPartnerDelivery:
    """Slack partners: messages from the agents' side in the partner's own thread."""

    def __init__(self, client: AsyncWebClient, output_for: Callable[..., Any]) -> None:
        """Post with ``client``; ``output_for(channel, thread)`` for PartnerDesk's messages."""
        self.client = client
        self.output_for = output_for

    async def deliver(self, record: Handoff, tracker: Any, message: Dict[str, Any]) -> bool:
        """Post in the thread of the partner's latest message; True when Slack took it."""
        metadata = latest_user_metadata(tracker)
        channel, thread = metadata.get("out_channel"), metadata.get("thread_id")
        if not isinstance(channel, str) or not channel:
            logger.error("Handoff %s: no Slack thread to answer in.", record.id)
            return False
        agent = (message.get("metadata") or {}).get(AGENT_KEY)
        try:
            if agent:  # the agent's own words, under their name
                await self.client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread,
                    text=to_mrkdwn(message["text"]),
                    username=agent,
                    icon_emoji=AGENT_ICON,
                )
            else:
                output = self.output_for(channel, thread)
                await output.send_response(record.conversation_id, dict(message))
        except _SLACK_FAILURES as error:
            logger.error("Handoff %s: Slack refused the message: %s", record.id, error)
            return False
        return True


def connect_handoffs(channel: Any, agent_channel: Optional[str]) -> Optional[SlackAgents]:
    """Register Slack partners' delivery and, with an agents' channel, the agents.

    Args:
        channel: The Slack input channel (its token, API URL, proxy and output channels).
        agent_channel: ``SLACK_AGENT_CHANNEL``, if set.

    Returns:
        The agents' channel handler, or None without one.
    """
    runtime = current()
    client = AsyncWebClient(channel.slack_token, base_url=channel.api_url, proxy=channel.proxy)
    runtime.register_deliverer(
        channel.name(), SlackPartnerDelivery(client, channel.get_output_channel)
    )
    if not agent_channel:
        return None
    agents = SlackAgents(client, agent_channel, runtime)
    runtime.register_notifier(agents)
    return agents


def checked_agent_channel(
    agent_channel: Optional[str], partner_channel: Optional[str], enabled: bool
) -> Optional[str]:
    """``SLACK_AGENT_CHANNEL`` if Slack is on and it is not ``SLACK_CHANNEL``, else None."""
    if agent_channel and agent_channel == partner_channel:
        logger.error(
            "%s must differ from SLACK_CHANNEL, where partners are answered: handoffs are "
            "not posted to Slack.",
            AGENT_CHANNEL_ENV,
        )
        return None
    return agent_channel if enabled else None


def agent_event_keys(body: Mapping[str, Any], event: Mapping[str, Any]) -> tuple:
    """Delivery keys of a message event in the agents' channel; empty for other events."""
    if event.get("type") != "message" or not isinstance(event.get("ts"), str):
        return ()
    if not isinstance(event.get("channel"), str):
        return ()
    return delivery_keys(body, event)
