"""Rasa's Slack channel, answering in threads, once per message.

Registered in ``credentials.yml`` by class path; the webhook stays
``/webhooks/slack/webhook`` (channel name ``slack``). What it adds to Rasa's
``SlackInput``:

- every request is checked against ``X-Slack-Signature`` (Rasa's check, which
  also rejects timestamps more than five minutes off) before anything else;
- it answers direct messages and @mentions, and every message in the channel
  ``SLACK_CHANNEL`` (a channel id) if set, always in a thread; each thread (per
  user) is one conversation;
- bot messages, edits and every other message subtype are ignored;
- a delivery is answered once: Slack's retries and the second event of a
  message (mention plus channel message) are dropped by
  :mod:`partnerdesk.channels.slack_events`;
- Slack gets its 200 at once; Rasa answers in a background task;
- an answer is one ``chat.postMessage`` (Rasa's splits text at blank lines),
  in Slack mrkdwn (links clickable), with buttons as Block Kit buttons and
  without ``as_user`` (new Slack apps reject it);
- ``SLACK_API_URL`` points the Web API client elsewhere (tests use a fake);
- without a token and signing secret it stays off (503) instead of stopping
  Rasa: ``credentials.yml`` quotes its ``${...}`` placeholders, so Rasa leaves
  them to this channel, and the server starts without Slack variables;
- ``/webhooks/slack/command`` is the reply assistant's slash command
  (:mod:`partnerdesk.channels.slack_command`), answered in the HTTP response.

Malformed but signed requests get a 4xx, never a 500.
"""

from __future__ import annotations

import json
import logging
import os
from functools import partial
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from partnerdesk.channels.slack_command import answer_command
from partnerdesk.channels.slack_events import (
    SeenDeliveries,
    StoreUnavailable,
    seen_deliveries_from_env,
)
from partnerdesk.channels.slack_text import from_slack_text, sections, to_mrkdwn
from partnerdesk.credentials import resolve_placeholder

logger = logging.getLogger(__name__)

SLACK_CHANNEL_ENV = "SLACK_CHANNEL"
SLACK_API_URL_ENV = "SLACK_API_URL"
DEFAULT_API_URL = "https://slack.com/api/"
OFF_MESSAGE = "Slack is off on this server: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET."
# Block Kit limits: button text, buttons per actions block.
MAX_BUTTON_TITLE_CHARS = 75
MAX_BUTTONS = 25
# An event is answered only with all of these as non-empty strings.
_EVENT_FIELDS = ("user", "channel", "ts", "text")


def _button(button: Dict[Text, Any]) -> Dict[Text, Any]:
    title = str(button["title"])
    if len(title) > MAX_BUTTON_TITLE_CHARS:
        title = title[: MAX_BUTTON_TITLE_CHARS - 1] + "…"
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": title},
        "value": button["payload"],
    }


class ThreadedSlackBot(SlackBot):
    """Rasa's ``SlackBot`` posting each answer as one message, in the thread."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text],
        thread_id: Optional[Text],
        proxy: Optional[Text],
        api_url: Text,
    ) -> None:
        """Like ``SlackBot``, with the Web API at ``api_url``."""
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        for legacy in ("as_user", "type"):  # Rasa adds them; chat.postMessage has no such fields
            kwargs.pop(legacy, None)
        await super()._post_message(channel, **kwargs)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """Post the whole text as one message."""
        await self._post_message(channel=self.slack_channel or recipient_id, text=to_mrkdwn(text))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Post the text with its buttons as Block Kit buttons, in one message."""
        blocks = sections(to_mrkdwn(text))
        if buttons:
            actions = [_button(button) for button in buttons[:MAX_BUTTONS]]
            blocks.append({"type": "actions", "elements": actions})
        await self._post_message(
            channel=self.slack_channel or recipient_id, text=to_mrkdwn(text), blocks=blocks
        )


def _json_object(raw: Any) -> Optional[Dict[Text, Any]]:
    """``raw`` parsed as a JSON object, or None."""
    try:
        value = json.loads(raw)
    except (TypeError, ValueError, RecursionError):  # RecursionError: deep nesting
        return None
    return value if isinstance(value, dict) else None


def _text_field(data: Dict[Text, Any], name: Text, key: Text) -> Optional[Text]:
    """``data[name][key]`` if it is a non-empty string."""
    inner = data.get(name)
    value = inner.get(key) if isinstance(inner, dict) else None
    return value if isinstance(value, str) and value else None


def _form(request: Request) -> Optional[Dict[Text, Text]]:
    """The form fields (first value of each), or None if the body is not UTF-8.

    Checked first because sanic logs a traceback when it cannot decode a form.
    """
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return {key: request.form.get(key) for key in request.form}


def _media_type(request: Request) -> Text:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def _error(message: Text, status: HTTPStatus) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def _bot_user_ids(body: Dict[Text, Any]) -> List[Text]:
    """The app's own user ids, whose mentions are removed from the text."""
    authorizations = body.get("authorizations")
    return [
        auth["user_id"]
        for auth in (authorizations if isinstance(authorizations, list) else [])
        if isinstance(auth, dict) and isinstance(auth.get("user_id"), str)
    ]


def _delivery_keys(body: Dict[Text, Any], event: Dict[Text, Any]) -> List[Text]:
    """Keys that every delivery of this message shares."""
    keys = [f"message:{event['channel']}:{event['ts']}"]
    if isinstance(body.get("event_id"), str):
        keys.append(f"event:{body['event_id']}")
    return keys


def _logged(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[None]]:
    """``on_new_message`` logging its failure (it runs as a background task)."""

    async def handle(message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("Slack: answering conversation %s failed.", message.sender_id)

    return handle


class PartnerSlackInput(SlackInput):
    """``SlackInput`` answering in threads, once per message, with checked requests."""

    @classmethod
    def name(cls) -> Text:
        """Keeps the webhook at ``/webhooks/slack/webhook``."""
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "PartnerSlackInput":
        """Token and signing secret from credentials; channel and API URL from the env."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        token = resolve_placeholder(credentials.get("slack_token"))
        secret = resolve_placeholder(credentials.get("slack_signing_secret"))
        return cls(
            slack_token=token,
            slack_signing_secret=secret,
            seen=seen_deliveries_from_env() if token and secret else None,
            slack_channel=os.environ.get(SLACK_CHANNEL_ENV) or None,
            proxy=credentials.get("proxy"),
            api_url=os.environ.get(SLACK_API_URL_ENV) or DEFAULT_API_URL,
        )

    def __init__(
        self,
        slack_token: Text,
        slack_signing_secret: Text,
        seen: Optional[SeenDeliveries],
        slack_channel: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_url: Text = DEFAULT_API_URL,
    ) -> None:
        """A channel answering in threads; off without token, secret or delivery store."""
        self.enabled = bool(slack_token and slack_signing_secret and seen)
        super().__init__(
            slack_token,
            slack_channel,
            proxy,
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            use_threads=True,
            slack_signing_secret=slack_signing_secret,
            conversation_granularity="thread",
        )
        self.api_url = api_url
        self.seen = seen

    def _validate_credentials(self) -> None:
        """Instead of refusing to start without a secret, stay off and say so."""
        if not self.enabled:
            logger.warning(OFF_MESSAGE)

    def _refusal(self, request: Request) -> Optional[HTTPResponse]:
        """Why the request is not processed (Slack off, or a bad signature), or None."""
        if not self.enabled:
            return _error(OFF_MESSAGE, HTTPStatus.SERVICE_UNAVAILABLE)
        if not self.is_request_from_slack_authentic(request):
            return _error(
                "The request is not signed with a valid X-Slack-Signature.",
                HTTPStatus.UNAUTHORIZED,
            )
        return None

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        """A ``ThreadedSlackBot`` posting to ``channel``, in ``thread_id``."""
        return ThreadedSlackBot(
            self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url
        )

    def _answers(self, event: Dict[Text, Any]) -> bool:
        """Whether ``event`` is a person's new message that PartnerDesk answers."""
        if event.get("type") not in ("message", "app_mention"):
            return False
        if any(key in event for key in ("subtype", "bot_id", "edited")):
            return False
        if not all(isinstance(event.get(key), str) and event[key] for key in _EVENT_FIELDS):
            return False
        if not isinstance(event.get("thread_ts") or "", str):
            return False
        return (
            event["type"] == "app_mention"
            or event.get("channel_type") == "im"
            or event["channel"] == self.slack_channel
        )

    @staticmethod
    def _get_interactive_response(action: Dict[Text, Any]) -> Optional[Text]:
        """Rasa's value of a clicked component, or None where Rasa's lookup would fail."""
        try:
            value = SlackInput._get_interactive_response(action)
        except (LookupError, AttributeError, TypeError):  # e.g. a select without options
            return None
        return value if isinstance(value, str) else None

    async def _claim(self, keys: Sequence[Text]) -> Optional[HTTPResponse]:
        """None if the delivery is new, else the answer for Slack."""
        try:
            if await self.seen.first_delivery(keys):
                return None
        except StoreUnavailable as error:
            logger.error("Slack: cannot tell whether %s was answered: %s", keys, error)
            return _error("Try again later.", HTTPStatus.SERVICE_UNAVAILABLE)
        logger.info("Slack: %s was delivered before; not answering again.", keys)
        return response.text("Already answered.", headers={"X-Slack-No-Retry": "1"})

    async def _on_event(
        self, request: Request, handle: Callable[[UserMessage], Awaitable[None]]
    ) -> HTTPResponse:
        """An Events API request: the URL check, or a message to answer."""
        body = _json_object(request.body)
        if body is None:
            return _error("The body must be a JSON object.", HTTPStatus.BAD_REQUEST)
        if body.get("type") == "url_verification":
            return response.json({"challenge": body.get("challenge")})
        event = body.get("event")
        if body.get("type") != "event_callback" or not isinstance(event, dict):
            return response.text("Not an event PartnerDesk answers.")
        if not self._answers(event):
            return response.text("Not a message PartnerDesk answers.")
        duplicate = await self._claim(_delivery_keys(body, event))
        if duplicate:
            return duplicate
        thread = event.get("thread_ts") or event["ts"]
        text = self._sanitize_user_message(event["text"], _bot_user_ids(body))
        return await self.process_message(
            request,
            handle,
            text=from_slack_text(text),
            sender_id=self._get_conversation_id(event["user"], event["channel"], thread),
            metadata={"out_channel": event["channel"], "thread_id": thread},
        )

    async def _on_interaction(
        self, request: Request, handle: Callable[[UserMessage], Awaitable[None]]
    ) -> HTTPResponse:
        """A click on one of PartnerDesk's buttons: its value is the user's message."""
        form = _form(request)
        payload = _json_object(form.get("payload")) if form is not None else None
        if payload is None:
            return _error("The form field payload must be a JSON object.", HTTPStatus.BAD_REQUEST)
        actions = payload.get("actions")
        action = actions[0] if isinstance(actions, list) and actions else None
        value = (
            self._get_interactive_response(action)
            if isinstance(action, dict) and self._is_interactive_message(payload)
            else None
        )
        user = _text_field(payload, "user", "id")
        channel = _text_field(payload, "channel", "id")
        thread = _text_field(payload, "message", "thread_ts") or _text_field(
            payload, "message", "ts"
        )
        if not (isinstance(value, str) and user and channel and thread):
            return response.text("Not an interaction PartnerDesk answers.")
        return await self.process_message(
            request,
            handle,
            text=value,
            sender_id=self._get_conversation_id(user, channel, thread),
            metadata={"out_channel": channel, "thread_id": thread},
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``/`` (health), ``/webhook`` (events, button clicks) and ``/command``, signed."""
        slack = Blueprint("slack_webhook", __name__)
        handle = _logged(on_new_message)

        @slack.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @slack.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            refusal = self._refusal(request)
            if refusal:
                return refusal
            media_type = _media_type(request)
            if media_type == "application/json":
                return await self._on_event(request, handle)
            if media_type == "application/x-www-form-urlencoded":
                return await self._on_interaction(request, handle)
            return _error(
                "Expected a JSON event or a form-encoded interaction.",
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            )

        @slack.route("/command", methods=["POST"])
        async def command(request: Request) -> HTTPResponse:
            refusal = self._refusal(request)
            if refusal:
                return refusal
            if _media_type(request) != "application/x-www-form-urlencoded":
                return _error(
                    "Expected a form-encoded slash command.", HTTPStatus.UNSUPPORTED_MEDIA_TYPE
                )
            form = _form(request)
            if form is None:
                return _error("The form body must be UTF-8.", HTTPStatus.BAD_REQUEST)
            answer = await answer_command(form, getattr(request.app.ctx, "agent", None))
            return response.json(answer, dumps=partial(json.dumps, ensure_ascii=False))

        return slack
