"""Small pieces of the Slack channel's HTTP handling.

JSON errors, the media type, the form body, and the background handler that logs its
failure.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Coroutine, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from sanic.request import Request

logger = logging.getLogger("partnerdesk.channels.slack.channel")

Handler = Callable[[UserMessage], Coroutine[Any, Any, None]]


def media_type(request: Request) -> Text:
    """The request's media type, lower case, without parameters."""
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def form_fields(request: Request) -> Optional[Dict[Text, Text]]:
    """The form fields (first value of each), or None if the body is not UTF-8.

    Checked first because sanic logs a traceback when it cannot decode a form.
    """
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return {key: request.form.get(key) for key in request.form}


def logged(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Handler:
    """``on_new_message`` logging its failure (it runs as a background task)."""

    async def handle(message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("Slack: answering conversation %s failed.", message.sender_id)

    return handle
