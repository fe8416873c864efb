"""Text for and from Slack: mrkdwn escaping, links, and sections within Block Kit's limit."""

from __future__ import annotations

import re
from typing import Any, Dict, List

MAX_SECTION_CHARS = 3000
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_SLACK_ESCAPES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}


def escape(text: str) -> str:
    """Escape ``& < >``, the characters Slack's mrkdwn reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Escape ``text`` for Slack and turn its Markdown links into Slack links."""
    return _MARKDOWN_LINK.sub(r"<\2|\1>", escape(text))


def from_slack_text(text: str) -> str:
    """Undo Slack's escaping of ``& < >`` in a user's message."""
    return re.sub("&(?:lt|gt|amp);", lambda match: _SLACK_ESCAPES[match.group()], text)


def sections(mrkdwn: str) -> List[Dict[str, Any]]:
    """Section blocks holding ``mrkdwn``, split at lines to fit Slack's limit."""
    chunks = [""]
    for line in mrkdwn.splitlines():
        while len(line) > MAX_SECTION_CHARS:
            chunks.append(line[:MAX_SECTION_CHARS])
            line = line[MAX_SECTION_CHARS:]
        if len(chunks[-1]) + len(line) + 1 > MAX_SECTION_CHARS:
            chunks.append("")
        chunks[-1] = f"{chunks[-1]}\n{line}" if chunks[-1] else line
    return [{"type": "section", "text": {"type": "mrkdwn", "text": c}} for c in chunks if c]
