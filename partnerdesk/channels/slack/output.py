"""Posting PartnerDesk's answers to Slack: one ``chat.postMessage`` per answer, in the thread.

An answer's text is one message in Slack mrkdwn (links clickable), not split at blank
lines; its buttons are Block Kit buttons in the same message. Nothing is sent with
``as_user``, which new Slack apps reject. The Web API is reached with slack_sdk's public
client, at ``SLACK_API_URL`` when set (tests use a loopback fake).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel
from slack_sdk.web.async_client import AsyncWebClient

from partnerdesk.channels.slack.text import sections, to_mrkdwn

DEFAULT_API_URL = "https://slack.com/api/"
# Block Kit limits: button text, buttons per actions block.
MAX_BUTTON_TITLE_CHARS = 75
MAX_BUTTONS = 25
# Fields of a custom message that are not chat.postMessage arguments here.
_NOT_POSTED = ("channel", "to_channel", "as_user", "thread_ts")


def _button(button: Dict[Text, Any]) -> Dict[Text, Any]:
    """A Rasa button as a Block Kit button, its title cut to Slack's limit."""
    title = str(button["title"])
    if len(title) > MAX_BUTTON_TITLE_CHARS:
        title = title[: MAX_BUTTON_TITLE_CHARS - 1] + "…"
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": title},
        "value": button["payload"],
    }


class SlackThreadOutput(OutputChannel):
    """Posts each answer as one Slack message, in the thread of the question."""

    @classmethod
    def name(cls) -> Text:
        """``slack``: the channel name responses and trackers know answers by."""
        return "slack"

    def __init__(
        self,
        token: Text,
        channel: Optional[Text],
        thread_ts: Optional[Text],
        api_url: Text = DEFAULT_API_URL,
        proxy: Optional[Text] = None,
    ) -> None:
        """An output channel for one conversation's answers.

        Args:
            token: The bot token (``xoxb-…``).
            channel: The channel id to post in; None posts to the recipient id.
            thread_ts: The ``ts`` of the thread to post in; None posts at the top.
            api_url: The Slack Web API's base URL.
            proxy: An HTTP proxy for the Web API, if any.
        """
        super().__init__()
        self.channel = channel
        self.thread_ts = thread_ts
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def post(
        self, recipient_id: Text, /, *, to_channel: Optional[Text] = None, **fields: Any
    ) -> None:
        """One ``chat.postMessage`` with ``fields``, in this thread.

        Args:
            recipient_id: Where to post when neither ``to_channel`` nor the output
                channel's own channel is set.
            to_channel: A channel id that overrides the output channel's own.
            **fields: The message's ``chat.postMessage`` arguments.

        Raises:
            slack_sdk.errors.SlackApiError: Slack refused the message.
        """
        if self.thread_ts:
            fields["thread_ts"] = self.thread_ts
        channel = to_channel or self.channel or recipient_id
        await self.client.chat_postMessage(channel=channel, **fields)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """Post the whole text as one message."""
        await self.post(recipient_id, text=to_mrkdwn(text))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Post the text with its buttons as Block Kit buttons, in one message."""
        blocks = sections(to_mrkdwn(text))
        if buttons:
            elements = [_button(button) for button in buttons[:MAX_BUTTONS]]
            blocks.append({"type": "actions", "elements": elements})
        await self.post(recipient_id, text=to_mrkdwn(text), blocks=blocks)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        """Post the image as an image block."""
        block = {"type": "image", "image_url": image, "alt_text": image}
        await self.post(recipient_id, text=image, blocks=[block])

    async def send_attachment(
        self, recipient_id: Text, attachment: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """Post a legacy Slack attachment."""
        await self.post(recipient_id, attachments=[attachment])

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """Post a response's ``custom`` fields as the message's own (Block Kit and so on)."""
        fields = {key: value for key, value in json_message.items() if key not in _NOT_POSTED}
        channel = json_message.get("channel")
        await self.post(
            recipient_id, to_channel=channel if isinstance(channel, str) else None, **fields
        )
