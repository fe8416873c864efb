"""What PartnerDesk posts in the agents' Slack channel (``SLACK_AGENT_CHANNEL``).

One post per handoff: who and why, the transcript, the rule facts, the top drafts
(each with a "Send draft N" button) and a Resolve button; the thread under it carries
the partner's later messages and the agents' replies. Agent-facing text, in English;
everything the partner or the assistant wrote is escaped for Slack's mrkdwn.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from partnerdesk.channels.slack.text import MAX_SECTION_CHARS, escape, sections

LANGUAGES = {"en": "English", "ko": "Korean"}
CHANNELS = {"socketio": "web chat", "slack": "Slack", "rest": "REST"}
REASONS = {
    "asked": "asked for a person",
    "thumbs_down": "after a 👎 on an answer",
    "fallbacks": "after two questions PartnerDesk could not answer",
}
WHO = {"partner": "Partner", "bot": "PartnerDesk"}
TRANSCRIPT_LINES = 12
LINE_CHARS = 400
DRAFT_CHARS = 1200
# Button values: "<action>:<handoff id>[:<faq id>]".
SEND_DRAFT, RESOLVE = "send_draft", "resolve"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def button_value(action: str, handoff_id: str, faq_id: Optional[str] = None) -> str:
    """A button's value: what to do, with which handoff (and which draft)."""
    return ":".join(part for part in (action, handoff_id, faq_id) if part)


def parse_button_value(value: str) -> Optional[Tuple[str, str, Optional[str]]]:
    """``(action, handoff id, faq id or None)`` of a button value, or None if not ours."""
    parts = value.split(":")
    if len(parts) == 2 and parts[0] == RESOLVE:
        return RESOLVE, parts[1], None
    if len(parts) == 3 and parts[0] == SEND_DRAFT and parts[2]:
        return SEND_DRAFT, parts[1], parts[2]
    return None


def _quote(text: str, limit: int) -> str:
    return "\n".join(f"> {line}" for line in escape(_cut(text, limit)).splitlines() or [""])


def summary(view: Dict[str, Any]) -> str:
    """One line: a new handoff, its language, channel and reason (the post's text)."""
    return (
        f"New handoff: {LANGUAGES.get(view['language'], view['language'])} partner on "
        f"{CHANNELS.get(view['channel'], view['channel'])}, "
        f"{REASONS.get(view['reason'], view['reason'])}."
    )


def handoff_blocks(view: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The Block Kit blocks of a new handoff's post (``view``: the agent API's item)."""
    blocks: List[Dict[str, Any]] = sections(
        f"*{escape(summary(view))}*\nConversation `{escape(view['conversation_id'])}` · "
        f"since {view['created_at']}"
    )
    lines = view["transcript"][-TRANSCRIPT_LINES:]
    if lines:
        said = "\n".join(
            f"*{escape(line.get('agent') or WHO.get(line['from'], line['from']))}:* "
            f"{escape(_cut(line['text'], LINE_CHARS))}"
            for line in lines
        )
        blocks += sections(f"*Transcript* (latest {len(lines)})\n{said}")
    rule = view.get("rule_result")
    if rule and rule.get("explanation"):
        dates = ", ".join(f"{name} {day}" for name, day in sorted(rule["dates"].items()))
        blocks += sections(
            f"*Rule facts:* {escape(rule['rule'])} → {escape(rule['status'])} ({escape(dates)})\n"
            f"{_quote(rule['explanation'], DRAFT_CHARS)}"
        )
    buttons = []
    for rank, draft in enumerate(view.get("suggestions", []), start=1):
        confidence = round(draft["confidence"] * 100)
        text = f"*Draft {rank}* ({confidence}%) {escape(draft['title'])}\n"
        text += _quote(draft["reply"], DRAFT_CHARS)
        if view["language"] != "en":
            text += f"\n_English:_\n{_quote(draft['reply_en'], DRAFT_CHARS)}"
        blocks += sections(_cut(text, MAX_SECTION_CHARS))
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": f"Send draft {rank}"},
                "value": button_value(SEND_DRAFT, view["id"], draft["faq_id"]),
                "action_id": f"send_draft_{rank}",
            }
        )
    buttons.append(
        {
            "type": "button",
            "text": {"type": "plain_text", "text": "Resolve"},
            "style": "danger",
            "value": button_value(RESOLVE, view["id"]),
            "action_id": "resolve",
        }
    )
    blocks.append({"type": "actions", "elements": buttons})
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Reply in this thread to answer the partner; they see your name.",
                }
            ],
        }
    )
    return blocks
