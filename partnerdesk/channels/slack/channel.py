"""The Slack input channel: partners' questions in threads, each answered once.

Registered in ``credentials.yml`` by class path; the routes stay under
``/webhooks/slack/`` (channel name ``slack``). Built on Rasa's public ``InputChannel``
and slack_sdk, not on Rasa's ``SlackInput``:

- every request is checked against ``X-Slack-Signature`` (timestamps more than five
  minutes off are refused) before anything else (:mod:`.requests`); refusals are
  logged at most once a minute, with counts (:mod:`.junk_log`);
- it answers direct messages and @mentions, and every message in the channel
  ``SLACK_CHANNEL`` (a channel id) if set, always in a thread, with the conversation
  ids Rasa's ``SlackInput`` gives them;
- bot messages, edits and every other message subtype are ignored;
- a delivery is answered once: Slack's retries and the second event of a message
  (mention plus channel message) are dropped by :mod:`partnerdesk.stores.slack_deliveries`;
- Slack gets its 200 at once; Rasa answers in a background task, as one
  ``chat.postMessage`` per answer (:mod:`.output`);
- a click on one of its buttons is the button's value said in the thread; a click on
  "Remind me" schedules a Slack reminder instead (:mod:`.reminders`);
- a direct message is one conversation across its messages and threads, answered in the
  thread of the partner's latest message; in a channel each thread is its own;
- ``SLACK_API_URL`` points the Web API client elsewhere (tests use a fake);
- without a token and signing secret it stays off (503) instead of stopping Rasa:
  ``credentials.yml`` quotes its ``${...}`` placeholders, so Rasa leaves them to this
  channel, and the server starts without Slack variables;
- ``/webhooks/slack/command`` is the reply assistant's slash command (:mod:`.command`),
  answered in the HTTP response;
- with ``SLACK_AGENT_CHANNEL`` set, handoffs to a person are posted there and agents
  answer from there (:mod:`.agents`); messages and clicks in that channel go to the
  handoff code, never into a partner's conversation.

Malformed but signed requests get a 4xx or are ignored with a 200, never a 500.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from functools import partial
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Coroutine, Dict, Optional, Sequence, Set, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.signature import SignatureVerifier

from partnerdesk import rasa_patches
from partnerdesk.channels.base import AppliesPatches
from partnerdesk.channels.handoff_turns import handoff_turns
from partnerdesk.channels.http import error_response
from partnerdesk.channels.slack.agents import (
    AGENT_CHANNEL_ENV,
    SlackAgents,
    agent_event_keys,
    checked_agent_channel,
    connect_handoffs,
)
from partnerdesk.channels.slack.command import answer_command
from partnerdesk.channels.slack.http_parts import Handler, form_fields, logged, media_type
from partnerdesk.channels.slack.junk_log import JunkLog, refusal_reason
from partnerdesk.channels.slack.output import DEFAULT_API_URL, SlackThreadOutput
from partnerdesk.channels.slack.reminders import is_reminder_click, remind
from partnerdesk.channels.slack.requests import (
    RETRY_NUMBER_HEADER,
    RETRY_REASON_HEADER,
    IncomingMessage,
    event_callback,
    is_ignored_retry,
    is_signed_by_slack,
    json_object,
    message_from_event,
    message_from_interaction,
    text_field,
)
from partnerdesk.core.placeholders import resolve_placeholder
from partnerdesk.stores.slack_deliveries import (
    SeenDeliveries,
    StoreUnavailable,
    seen_deliveries_from_env,
)

logger = logging.getLogger(__name__)

SLACK_CHANNEL_ENV = "SLACK_CHANNEL"
SLACK_API_URL_ENV = "SLACK_API_URL"
OFF_MESSAGE = "Slack is off on this server: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET."
FORM = "application/x-www-form-urlencoded"


class PartnerSlackInput(AppliesPatches, InputChannel):
    """Slack's Events API, button clicks and the slash command, with checked requests."""

    @classmethod
    def name(cls) -> Text:
        """``slack``: the routes are ``/webhooks/slack/webhook`` and ``…/command``."""
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "PartnerSlackInput":
        """Token and signing secret from credentials; channel and API URL from the env.

        Replaces :meth:`AppliesPatches.from_credentials` (whose ``InputChannel`` build
        takes no settings), so it applies the Rasa server's patches itself, as that does.
        """
        rasa_patches.apply(rasa_patches.RASA_SERVER)
        if not credentials:
            cls.raise_missing_credentials_exception()
        settings: Dict[Text, Any] = credentials or {}
        token = resolve_placeholder(settings.get("slack_token"))
        secret = resolve_placeholder(settings.get("slack_signing_secret"))
        return cls(
            slack_token=token,
            slack_signing_secret=secret,
            seen=seen_deliveries_from_env() if token and secret else None,
            slack_channel=os.environ.get(SLACK_CHANNEL_ENV) or None,
            proxy=settings.get("proxy"),
            api_url=os.environ.get(SLACK_API_URL_ENV) or DEFAULT_API_URL,
            agent_channel=os.environ.get(AGENT_CHANNEL_ENV) or None,
        )

    def __init__(
        self,
        slack_token: Text,
        slack_signing_secret: Text,
        seen: Optional[SeenDeliveries],
        slack_channel: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_url: Text = DEFAULT_API_URL,
        agent_channel: Optional[Text] = None,
    ) -> None:
        """A channel answering in threads; off without token, secret or delivery store.

        Args:
            slack_token: The bot token (``xoxb-…``); empty turns the channel off.
            slack_signing_secret: The app's signing secret; empty turns the channel off.
            seen: The store of answered deliveries; None turns the channel off.
            slack_channel: The channel id where every message is answered.
            proxy: An HTTP proxy for the Web API, if any.
            api_url: The Slack Web API's base URL.
            agent_channel: The agents' channel id for handoffs (must not be
                ``slack_channel``).
        """
        self.slack_token = slack_token
        self.slack_signing_secret = slack_signing_secret
        self.seen = seen
        self.slack_channel = slack_channel
        self.proxy = proxy
        self.api_url = api_url
        self.enabled = bool(slack_token and (slack_signing_secret or "").strip() and seen)
        self.verifier = SignatureVerifier(slack_signing_secret) if self.enabled else None
        self.answering: Set[asyncio.Task[None]] = set()  # kept until done, or asyncio may drop them
        self.junk = JunkLog(logger)
        if not self.enabled:
            logger.warning(OFF_MESSAGE)
        self.agent_channel = checked_agent_channel(agent_channel, slack_channel, self.enabled)
        self.agents: Optional[SlackAgents] = None

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        """Posts to ``channel`` (else ``SLACK_CHANNEL``), in the thread ``thread_id``."""
        return SlackThreadOutput(
            self.slack_token, channel or self.slack_channel, thread_id, self.api_url, self.proxy
        )

    def _refusal(self, request: Request) -> Optional[HTTPResponse]:
        """Why the request is not processed (Slack off, or a bad signature), or None."""
        if not self.enabled or self.verifier is None:
            return error_response(HTTPStatus.SERVICE_UNAVAILABLE, OFF_MESSAGE)
        if not is_signed_by_slack(self.verifier, request.body, request.headers):
            self.junk.note(refusal_reason(request.headers), request.ip)
            return error_response(
                HTTPStatus.UNAUTHORIZED, "The request is not signed with a valid X-Slack-Signature."
            )
        return None

    async def _claim(self, keys: Sequence[Text]) -> Optional[HTTPResponse]:
        """None if the delivery is new, else the answer for Slack."""
        if self.seen is None:
            return error_response(HTTPStatus.SERVICE_UNAVAILABLE, OFF_MESSAGE)
        try:
            if await self.seen.first_delivery(keys):
                return None
        except StoreUnavailable as error:
            logger.error("Slack: cannot tell whether %s was answered: %s", keys, error)
            return error_response(HTTPStatus.SERVICE_UNAVAILABLE, "Try again later.")
        logger.info("Slack: %s was delivered before; not answering again.", keys)
        return response.text("Already answered.", headers={"X-Slack-No-Retry": "1"})

    def _answer(self, request: Request, message: IncomingMessage, handle: Handler) -> HTTPResponse:
        """Answer ``message`` in a background task; Slack's 200 now."""
        if is_ignored_retry(request.headers):
            logger.warning(
                "Slack: retry #%.10s of a delivery (%.40s) gets no answer.",
                request.headers.get(RETRY_NUMBER_HEADER),
                request.headers.get(RETRY_REASON_HEADER),
            )
            return response.text("", status=HTTPStatus.CREATED, headers={"X-Slack-No-Retry": "1"})
        user_message = UserMessage(
            message.text,
            self.get_output_channel(message.channel, message.thread),
            message.conversation_id,
            input_channel=self.name(),
            metadata={"out_channel": message.channel, "thread_id": message.thread},
        )
        self._in_background(handle(user_message))
        return response.text("")

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` after the response, keeping the task until it is done."""
        task: asyncio.Task[None] = asyncio.create_task(work)
        self.answering.add(task)  # asyncio may otherwise drop the task
        task.add_done_callback(self.answering.discard)

    async def _on_event(self, request: Request, handle: Handler) -> HTTPResponse:
        """An Events API request: the URL check, or a message to answer."""
        body = json_object(request.body)
        if body is None:
            return error_response(HTTPStatus.BAD_REQUEST, "The body must be a JSON object.")
        if body.get("type") == "url_verification":
            return response.json({"challenge": body.get("challenge")})
        event = event_callback(body)
        if event is None:
            return response.text("Not an event PartnerDesk answers.")
        if self.agents is not None and self.agents.is_agents_channel(event.get("channel")):
            keys = agent_event_keys(body, event)
            duplicate = await self._claim(keys) if keys else None
            if keys and not duplicate:
                self._in_background(self.agents.on_message(event))
            return duplicate or response.text("Agents' channel.")
        message = message_from_event(body, self.slack_channel)
        if message is None:
            return response.text("Not a message PartnerDesk answers.")
        duplicate = await self._claim(message.delivery_keys)
        return duplicate or self._answer(request, message, handle)

    def _on_interaction(self, request: Request, handle: Handler) -> HTTPResponse:
        """A click on one of PartnerDesk's buttons: its value is the user's message."""
        form = form_fields(request)
        payload = json_object(form.get("payload")) if form is not None else None
        if payload is None:
            return error_response(
                HTTPStatus.BAD_REQUEST, "The form field payload must be a JSON object."
            )
        if self.agents and self.agents.is_agents_channel(text_field(payload, "channel", "id")):
            self._in_background(self.agents.on_click(payload))
            return response.text("")
        message = message_from_interaction(payload)
        if message is None:
            return response.text("Not an interaction PartnerDesk answers.")
        if is_reminder_click(message.text):
            return self._remind(request, message)
        return self._answer(request, message, handle)

    def _remind(self, request: Request, message: IncomingMessage) -> HTTPResponse:
        """Schedule a "Remind me" click's reminder in a background task; Slack's 200 now."""
        output = self.get_output_channel(message.channel, message.thread)
        agent = getattr(request.app.ctx, "agent", None)
        self._in_background(remind(message.text, output, message.channel, agent))
        return response.text("")

    async def _on_command(self, request: Request) -> HTTPResponse:
        """The ``/faq`` slash command, answered in the response."""
        if media_type(request) != FORM:
            return error_response(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Expected a form-encoded slash command."
            )
        form = form_fields(request)
        if form is None:
            return error_response(HTTPStatus.BAD_REQUEST, "The form body must be UTF-8.")
        answer = await answer_command(form, getattr(request.app.ctx, "agent", None))
        return response.json(answer, dumps=partial(json.dumps, ensure_ascii=False))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``/`` (health), ``/webhook`` (events, button clicks) and ``/command``, signed."""
        slack = Blueprint("slack_webhook", __name__)
        handle = logged(handoff_turns(on_new_message))
        if self.enabled:
            self.agents = connect_handoffs(self, self.agent_channel)

        @slack.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @slack.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            refusal = self._refusal(request)
            if refusal:
                return refusal
            kind = media_type(request)
            if kind == "application/json":
                return await self._on_event(request, handle)
            if kind == FORM:
                return self._on_interaction(request, handle)
            return error_response(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "Expected a JSON event or a form-encoded interaction.",
            )

        @slack.route("/command", methods=["POST"])
        async def command(request: Request) -> HTTPResponse:
            return self._refusal(request) or await self._on_command(request)

        return slack
