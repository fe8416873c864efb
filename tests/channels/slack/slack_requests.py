"""What Slack sends to the bot: Events API payloads and button clicks, signed for real."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import random
import time
import uuid
from typing import Any, Dict, Optional
from urllib.parse import urlencode

import requests

from tests.channels.slack.fake_slack import BOT_USER_ID, Post

TEAM_ID = "TPARTNERS"
PARTNER = "UPARTNER01"
_ts_counter = itertools.count(random.randrange(100_000))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature: ``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def new_ts() -> str:
    """A message timestamp no other test uses."""
    return f"{int(time.time())}.{next(_ts_counter):06d}"


def new_channel(prefix: str = "D") -> str:
    """A channel id no other test uses (``D…`` direct message, ``C…`` channel)."""
    return prefix + uuid.uuid4().hex[:10].upper()


def message_event(
    text: str,
    channel: str,
    *,
    channel_type: str = "im",
    user: str = PARTNER,
    thread_ts: Optional[str] = None,
    **fields: Any,
) -> Dict[str, Any]:
    """A user's ``message`` event, as Slack sends it."""
    ts = new_ts()
    event = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "team": TEAM_ID,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return {**event, **fields}


def mention_event(text: str, channel: str, **fields: Any) -> Dict[str, Any]:
    """An ``app_mention`` event: the text starts with the bot's mention."""
    event = message_event(f"<@{BOT_USER_ID}> {text}", channel, **fields)
    del event["channel_type"]
    return {**event, "type": "app_mention"}


def envelope(event: Dict[str, Any], event_id: Optional[str] = None) -> Dict[str, Any]:
    """The ``event_callback`` body around one event."""
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "APARTNERDESK",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + uuid.uuid4().hex[:12].upper(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def button_click(post: Post, value: str, user: str = PARTNER) -> Dict[str, Any]:
    """The ``block_actions`` payload of a click on a button with ``value`` under ``post``."""
    button = {"type": "button", "value": value, "text": {"type": "plain_text", "text": value}}
    message = {
        "type": "message",
        "user": BOT_USER_ID,
        "ts": post.ts,
        "text": post.text,
        "blocks": post.blocks,
    }
    if post.thread_ts:
        message["thread_ts"] = post.thread_ts
    return {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": "APARTNERDESK",
        "team": {"id": TEAM_ID},
        "container": {
            "type": "message",
            "message_ts": post.ts,
            "channel_id": post.channel,
            "is_ephemeral": False,
            "thread_ts": post.thread_ts,
        },
        "trigger_id": uuid.uuid4().hex,
        "channel": {"id": post.channel},
        "message": message,
        "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [
            {**button, "action_id": "a1", "block_id": "b1", "action_ts": f"{time.time():.6f}"}
        ],
    }


def slash_command(text: str, channel_id: str, command: str = "/faq") -> bytes:
    """The form body Slack posts for ``/faq <text>`` typed in ``channel_id``."""
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "partners",
            "channel_id": channel_id,
            "channel_name": "support-agents",
            "user_id": "UAGENT01",
            "user_name": "agent",
            "command": command,
            "text": text,
            "api_app_id": "APARTNERDESK",
            "response_url": "https://hooks.slack.invalid/commands/1/2",
            "trigger_id": uuid.uuid4().hex,
        }
    ).encode()


class SlackSender:
    """Posts to the bot's Slack webhook as Slack would, signing with the app's secret."""

    def __init__(self, webhook_url: str, secret: str) -> None:
        self.webhook_url = webhook_url
        self.secret = secret

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        headers: Optional[Dict[str, str]] = None,
        timestamp: Optional[str] = None,
        secret: Optional[str] = None,
        signed: bool = True,
        url: Optional[str] = None,
    ) -> requests.Response:
        """POST ``body`` signed at ``timestamp`` (now) with ``secret`` (the app's)."""
        timestamp = timestamp or str(int(time.time()))
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp}
        if signed:
            sent["X-Slack-Signature"] = sign(secret or self.secret, timestamp, body)
        return requests.post(
            url or self.webhook_url, data=body, headers={**sent, **(headers or {})}, timeout=10
        )

    def event(self, body: Dict[str, Any], **options: Any) -> requests.Response:
        """Deliver an Events API body (``envelope(...)`` or ``url_verification``)."""
        return self.post(json.dumps(body).encode(), "application/json", **options)

    def click(self, payload: Dict[str, Any], **options: Any) -> requests.Response:
        """Deliver an interaction payload, form-encoded as ``payload=<json>``."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **options)
