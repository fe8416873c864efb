"""What Slack sends the bot, read and checked: signatures, Events API bodies, button clicks.

No web framework here: functions take the body, headers and parsed JSON as plain values,
so they can be tested without a server. Every function accepts JSON of any shape and
answers "not for us" (``None``, ``False``) instead of raising.

Two formats must stay exactly as Rasa's ``SlackInput`` made them, because stored
conversations and partners' messages depend on them: the conversation id of
``conversation_granularity="thread"`` (:func:`conversation_id`) in channels and the
removal of the bot's mentions (:func:`clean_user_text`). A direct message is one
conversation across its top-level messages and threads: ``user_channel``, Rasa's
``conversation_granularity="channel"`` id (:func:`direct_conversation_id`).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from slack_sdk.signature import SignatureVerifier

from partnerdesk.channels.slack.text import from_slack_text

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Slack-Signature"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
RETRY_NUMBER_HEADER = "X-Slack-Retry-Num"
RETRY_REASON_HEADER = "X-Slack-Retry-Reason"
# Retries for these reasons are acknowledged without an answer (as Rasa's SlackInput does).
IGNORED_RETRY_REASONS = ("http_timeout",)
# An event is answered only with all of these as non-empty strings.
REQUIRED_EVENT_FIELDS = ("user", "channel", "ts", "text")
# Where the value of each clickable component is, as Rasa's SlackInput reads it.
COMPONENT_VALUE_PATHS: Dict[str, Tuple[Union[str, int], ...]] = {
    "button": ("value",),
    "select": ("selected_options", 0, "value"),
    "static_select": ("selected_option", "value"),
    "external_select": ("selected_option", "value"),
    "conversations_select": ("selected_conversation",),
    "users_select": ("selected_user",),
    "channels_select": ("selected_channel",),
    "overflow": ("selected_option", "value"),
    "datepicker": ("selected_date",),
}
# Slack's labelled links, ``<https://x|label>``, as Rasa's SlackInput matches them.
_LABELLED_LINK = re.compile(r"(\<(?:mailto|https?):\/\/.*?\|.*?\>)")


@dataclass(frozen=True)
class IncomingMessage:
    """A person's message or button click that PartnerDesk answers.

    Attributes:
        text: What the person said, as the assistant should read it.
        user: The Slack user id of the person.
        channel: The Slack channel id to answer in.
        thread: The ``ts`` of the thread to answer in (the message's own, if new).
        delivery_keys: Keys every delivery of this message shares (empty for clicks).
        direct: Whether it came in a direct message with the bot.
    """

    text: str
    user: str
    channel: str
    thread: str
    delivery_keys: Tuple[str, ...] = ()
    direct: bool = False

    @property
    def conversation_id(self) -> str:
        """The conversation: the DM as a whole, else one per user and thread."""
        if self.direct:
            return direct_conversation_id(self.user, self.channel)
        return conversation_id(self.user, self.channel, self.thread)


def is_signed_by_slack(
    verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]
) -> bool:
    """Whether ``body`` carries Slack's valid signature, made within five minutes of now.

    Slack signs UTF-8 bodies only: any other body, and any malformed header, is unsigned.

    Args:
        verifier: The signing secret's verifier.
        body: The raw request body.
        headers: The request headers (``get`` must ignore case, as sanic's do).

    Returns:
        True only for a request Slack signed.
    """
    try:
        return verifier.is_valid(
            body=body.decode("utf-8"),
            timestamp=headers.get(TIMESTAMP_HEADER),
            signature=headers.get(SIGNATURE_HEADER),
        )
    # ValueError: not UTF-8 or not a number; OverflowError: a number too large to compare;
    # TypeError: a signature with non-ASCII characters (hmac.compare_digest).
    except (ValueError, OverflowError, TypeError):
        return False


def is_ignored_retry(headers: Mapping[str, str]) -> bool:
    """Whether this delivery is a retry that gets no answer (Slack timed out on us)."""
    return bool(headers.get(RETRY_NUMBER_HEADER)) and (
        headers.get(RETRY_REASON_HEADER) in IGNORED_RETRY_REASONS
    )


def json_object(raw: Any) -> Optional[Dict[str, Any]]:
    """``raw`` (UTF-8 bytes or text) parsed as a JSON object, or None."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text)
    except (TypeError, ValueError, RecursionError):  # RecursionError: deep nesting
        return None
    return value if isinstance(value, dict) else None


def text_field(data: Mapping[str, Any], name: str, key: str) -> Optional[str]:
    """``data[name][key]`` if it is a non-empty string, else None."""
    inner = data.get(name)
    value = inner.get(key) if isinstance(inner, dict) else None
    return value if isinstance(value, str) and value else None


def conversation_id(user: str, channel: str, thread: str) -> str:
    """The conversation id Rasa's ``SlackInput`` gives a thread: ``user_channel_thread``.

    Rasa's format with ``conversation_granularity="thread"``; stored conversations are
    keyed by it. Without a channel or thread, Rasa falls back to the user id alone.
    """
    if user and channel and thread:
        return f"{user}_{channel}_{thread}"
    return user


def direct_conversation_id(user: str, channel: str) -> str:
    """A direct message's one conversation, across its messages and threads: ``user_channel``.

    Rasa's ``SlackInput`` format with ``conversation_granularity="channel"``. Replies go
    in the thread of the partner's latest message. (DM conversations stored before this
    was kept per thread start anew; see README, "Slack".)
    """
    return f"{user}_{channel}" if user and channel else user


def is_direct_channel(channel: str) -> bool:
    """Whether a channel id is a direct message's (Slack gives those ids starting ``D``)."""
    return channel.startswith("D")


def clean_user_text(text: str, bot_user_ids: Sequence[str]) -> str:
    """A message's text without the bot's mentions, with labelled links as their labels.

    The same text as Rasa's ``SlackInput`` gives the assistant: a mention followed or
    preceded by a space is removed with the space, one elsewhere becomes a space, and
    ``<https://x|label>`` becomes ``label``.

    Args:
        text: The message as Slack sent it (still escaped).
        bot_user_ids: The app's own user ids (:func:`bot_user_ids`).

    Returns:
        The cleaned text, without surrounding whitespace.
    """
    for user_id in bot_user_ids:
        mention = re.escape(str(user_id))
        for pattern, replacement in (
            (rf"<@{mention}>\s", ""),
            (rf"\s<@{mention}>", ""),
            (rf"<@{mention}>", " "),
        ):
            text = re.sub(pattern, replacement, text)
    for link in _LABELLED_LINK.findall(text):
        text = text.replace(link, link.split("|")[1].replace(">", ""))
    return text.strip()


def bot_user_ids(body: Mapping[str, Any]) -> List[str]:
    """The app's own user ids in an Events API body, whose mentions are removed."""
    authorizations = body.get("authorizations")
    return [
        auth["user_id"]
        for auth in (authorizations if isinstance(authorizations, list) else [])
        if isinstance(auth, dict) and isinstance(auth.get("user_id"), str)
    ]


def delivery_keys(body: Mapping[str, Any], event: Mapping[str, Any]) -> Tuple[str, ...]:
    """Keys every delivery of the event's message shares: its channel and ts, its event id."""
    keys = [f"message:{event['channel']}:{event['ts']}"]
    if isinstance(body.get("event_id"), str):
        keys.append(f"event:{body['event_id']}")
    return tuple(keys)


def event_callback(body: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The event an ``event_callback`` body carries, or None for any other body."""
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    return event


def is_answered(event: Mapping[str, Any], answered_channel: Optional[str]) -> bool:
    """Whether ``event`` is a person's new message that PartnerDesk answers.

    Answered: direct messages, @mentions, and every message in ``answered_channel``.
    Not answered: bot messages, edits, any message subtype, and events missing a field.
    """
    if event.get("type") not in ("message", "app_mention"):
        return False
    if any(key in event for key in ("subtype", "bot_id", "edited")):
        return False
    if not all(isinstance(event.get(key), str) and event[key] for key in REQUIRED_EVENT_FIELDS):
        return False
    if not isinstance(event.get("thread_ts") or "", str):
        return False
    return (
        event["type"] == "app_mention"
        or event.get("channel_type") == "im"
        or event["channel"] == answered_channel
    )


def message_from_event(
    body: Mapping[str, Any], answered_channel: Optional[str]
) -> Optional[IncomingMessage]:
    """The message to answer in an Events API body, or None if there is none.

    Args:
        body: The parsed ``event_callback`` body.
        answered_channel: The channel id where every message is answered (``SLACK_CHANNEL``).

    Returns:
        The message, answered in its thread (or a new one under it), or None.
    """
    event = event_callback(body)
    if event is None or not is_answered(event, answered_channel):
        return None
    text = clean_user_text(event["text"], bot_user_ids(body))
    return IncomingMessage(
        text=from_slack_text(text),
        user=event["user"],
        channel=event["channel"],
        thread=event.get("thread_ts") or event["ts"],
        delivery_keys=delivery_keys(body, event),
        direct=event.get("channel_type") == "im",
    )


def component_value(action: Mapping[str, Any]) -> Optional[str]:
    """The value of a clicked or chosen component, or None if it has no text value.

    Supports the components Rasa's ``SlackInput`` does (:data:`COMPONENT_VALUE_PATHS`);
    others are logged and get None.
    """
    kind = action.get("type")
    path = COMPONENT_VALUE_PATHS.get(kind) if isinstance(kind, str) else None
    if path is None:
        if kind:
            logger.warning("Slack: clicks on %.40r components are not answered.", kind)
        return None
    value: Any = action
    for step in path:
        if isinstance(step, int) and isinstance(value, list) and len(value) > step:
            value = value[step]
        elif isinstance(step, str) and isinstance(value, dict):
            value = value.get(step)
        else:
            return None
    return value if isinstance(value, str) else None


def message_from_interaction(payload: Mapping[str, Any]) -> Optional[IncomingMessage]:
    """The message a click on one of PartnerDesk's buttons stands for, or None.

    The component's value is the person's message, answered in the clicked message's
    thread.
    """
    actions = payload.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    value = component_value(action) if isinstance(action, dict) else None
    user = text_field(payload, "user", "id")
    channel = text_field(payload, "channel", "id")
    thread = text_field(payload, "message", "thread_ts") or text_field(payload, "message", "ts")
    if value is None or not (user and channel and thread):
        return None
    return IncomingMessage(
        text=value, user=user, channel=channel, thread=thread, direct=is_direct_channel(channel)
    )
