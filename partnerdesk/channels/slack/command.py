"""The reply assistant as a Slack slash command: ``/faq <partner's message>``.

Slack posts the command form-encoded to ``/webhooks/slack/command``, signed like the
events (the Slack channel checks the signature). The answer is the HTTP response itself,
``response_type: ephemeral`` so only the agent sees it: the rule result when the message
carries the date a rule needs, then the top drafts with confidence, title and cited
section, in the partner's language and, when that is not English, in English too. The
drafts come from :func:`partnerdesk.assist.suggest.suggest` with the server's loaded
model, in a few tens of milliseconds, well within Slack's 3 s. Nothing is stored.

The text here is for support agents, in English, like the ``partnerdesk suggest`` CLI.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from pydantic import ValidationError

from partnerdesk.assist.models import SuggestRequest, SuggestResponse, validation_message
from partnerdesk.assist.suggest import AssistRequestError, AssistUnavailable, suggest
from partnerdesk.channels.slack.text import MAX_SECTION_CHARS, escape, sections

TOP_DRAFTS = 3
QUOTED_CHARS = 300
USAGE = (
    "Paste a partner's message after the command, in English or Korean, and get the best "
    "draft replies, ranked, ready to copy. Only you see them. For example:\n"
    "`{command} When can we renew our Action Pack?`\n`{command} 액션팩 언제 갱신해요?`"
)
LOW_CONFIDENCE_NOTE = (
    ":warning: No draft clears the answer threshold: these are low-confidence guesses. "
    "Check before sending, or answer by hand."
)


def ephemeral(text: str, blocks: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """A slash-command answer only the agent who typed the command sees."""
    message: Dict[str, Any] = {"response_type": "ephemeral", "text": text}
    if blocks:
        message["blocks"] = blocks
    return message


async def answer_command(form: Mapping[str, str], agent: Any) -> Dict[str, Any]:
    """The ephemeral answer to one slash command (``form`` is Slack's form fields)."""
    command = form.get("command") or "/faq"
    text = (form.get("text") or "").strip()
    if not text:
        return ephemeral(USAGE.format(command=escape(command)))
    try:
        request = SuggestRequest(text=text, top=TOP_DRAFTS)
    except ValidationError as error:
        return ephemeral(f"No drafts: {escape(validation_message(error))}.")
    if agent is None:
        return ephemeral("No drafts: the model is not loaded yet; try again shortly.")
    try:
        drafts = await suggest(agent, request)
    except (AssistRequestError, AssistUnavailable) as error:
        return ephemeral(f"No drafts: {escape(str(error))}")
    return ephemeral(f"Drafts for: {escape(_shorten(text))}", draft_blocks(text, drafts))


def draft_blocks(text: str, drafts: SuggestResponse) -> List[Dict[str, Any]]:
    """Block Kit blocks showing the rule result and the ranked drafts."""
    header = f"*Drafts for:* {escape(_shorten(text))}  ·  partner's language: `{drafts.language}`"
    blocks = sections(header)
    if drafts.fallback:
        blocks += sections(LOW_CONFIDENCE_NOTE)
    rule = drafts.rule_result
    if rule:
        blocks += sections(f"*Rule {rule.rule} → {rule.status}* (FAQ `{rule.faq_id}`)")
        blocks += sections(_code(rule.explanation))
    for rank, draft in enumerate(drafts.suggestions, 1):
        flag = "  ·  _low confidence_" if draft.low_confidence else ""
        url, section = draft.citation.url, escape(draft.citation.section)
        blocks.append({"type": "divider"})
        blocks += sections(
            f"*{rank}. {escape(draft.title)}*  ·  {draft.confidence:.0%}{flag}  ·  "
            f"`{draft.faq_id}`\n<{url}|{section}>"
        )
        blocks += sections(_code(draft.reply))
        if drafts.language != "en":
            blocks += sections("*English*\n" + _code(draft.reply_en))
    return blocks


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTED_CHARS else flat[: QUOTED_CHARS - 1] + "…"


def _code(text: str) -> str:
    """``text`` as a code block (easy to copy), within one section's limit."""
    room = MAX_SECTION_CHARS - len("*English*\n``````")
    body = escape(text)
    return "```" + (body if len(body) <= room else body[: room - 1] + "…") + "```"
