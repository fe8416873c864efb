"""Handoffs to a person, without Rasa: the record, its transcript and what agents may send.

A handoff starts when a partner asks for a person (or takes the "Talk to a person" button)
and lasts until an agent resolves it: ``waiting`` until the first agent reply, ``active``
after it, then ``resolved``. The record is what the agent API shows; the conversation
itself stays in the tracker store, so the transcript is read from its events.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from partnerdesk.core.ranking import intent_name

WAITING, ACTIVE, RESOLVED = "waiting", "active", "resolved"
STATUSES = (WAITING, ACTIVE, RESOLVED)
OPEN_STATUSES = (WAITING, ACTIVE)
REASONS = ("asked", "thumbs_down", "fallbacks")
DEFAULT_REASON = "asked"
LANGUAGES = ("en", "ko")
MAX_REPLY_CHARS = 5000
MAX_AGENT_CHARS = 100
# The transcript an agent gets: the latest lines of the conversation, oldest first.
MAX_TRANSCRIPT_LINES = 200
# Metadata key of a bot message an agent wrote: {"agent": <name>}.
AGENT_KEY = "agent"
# "Someone has the Inbox open": an authenticated handoffs request this recently (s).
AGENT_ONLINE_WINDOW_S = 300
# Messages that ask nothing an agent could draft a reply to (the request for a person
# itself, thanks, a complaint about the last answer): drafts are for the partner's last
# message that is not one of these.
NOT_QUESTIONS = frozenset(
    {
        "human_handoff",
        "not_helpful",
        "greet",
        "goodbye",
        "thank",
        "bot_challenge",
        "affirm",
        "deny",
        "stop",
        "feedback",
    }
)


def iso_utc(timestamp: float) -> str:
    """A Unix time as ISO 8601 in UTC, to the second: ``2021-08-20T03:04:05Z``."""
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Handoff:
    """One handoff of one conversation (the sender id) to a person.

    Attributes:
        id: Its id in the API (random hex).
        conversation_id: The partner's conversation (Rasa's sender id).
        channel: ``socketio``, ``slack`` or ``rest``.
        language: The partner's language when it started (``en``/``ko``).
        status: ``waiting``, ``active`` or ``resolved``.
        reason: ``asked``, ``thumbs_down`` or ``fallbacks``.
        created_at: Unix time of the pause that started it.
        agent: The agent who replied first (owns it), or None.
        first_reply_at: Unix time of the first agent reply, or None.
        resolved_at: Unix time it was resolved, or None.
        slack_post: Where it was posted for agents in Slack (``channel``, ``ts``), if it was.
    """

    id: str
    conversation_id: str
    channel: str
    language: str
    status: str
    reason: str
    created_at: float
    agent: Optional[str] = None
    first_reply_at: Optional[float] = None
    resolved_at: Optional[float] = None
    slack_post: Dict[str, str] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        """Whether it is waiting or active."""
        return self.status in OPEN_STATUSES

    def as_api(self) -> Dict[str, Any]:
        """The record as the agent API shows it (times in ISO 8601, UTC)."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "language": self.language,
            "status": self.status,
            "reason": self.reason,
            "created_at": iso_utc(self.created_at),
            "agent": self.agent,
            "first_reply_at": iso_utc(self.first_reply_at) if self.first_reply_at else None,
            "resolved_at": iso_utc(self.resolved_at) if self.resolved_at else None,
        }


def reason_or_default(value: Any) -> str:
    """A known reason, or ``asked`` for anything else (a typed request has none)."""
    return value if isinstance(value, str) and value in REASONS else DEFAULT_REASON


def language_or_default(value: Any) -> str:
    """``en`` or ``ko``; anything else is English."""
    return value if isinstance(value, str) and value in LANGUAGES else "en"


@dataclass(frozen=True)
class TranscriptLine:
    """One message of the conversation as an agent reads it."""

    sender: str  # "partner", "bot" or "agent"
    text: str
    at: float
    agent: Optional[str] = None
    intent: Optional[str] = None  # a partner line's intent, as the bot understood it

    def as_api(self) -> Dict[str, Any]:
        """``{"from", "text", "at"}`` (plus ``"agent"`` on an agent's line)."""
        line: Dict[str, Any] = {"from": self.sender, "text": self.text, "at": iso_utc(self.at)}
        if self.agent:
            line["agent"] = self.agent
        return line


def _is_payload(text: str) -> bool:
    """Button payloads and the widget's opening ``/greet``: not something a person typed."""
    return text.lstrip().startswith("/")


def transcript(
    events: Iterable[Mapping[str, Any]], limit: int = MAX_TRANSCRIPT_LINES
) -> List[TranscriptLine]:
    """The conversation's messages from Rasa's event dicts (``as_dict()``), oldest first.

    Partner lines are what they typed (button payloads are left out: the record's reason
    says why the handoff started); bot lines are PartnerDesk's; a bot message whose
    metadata names an agent is that agent's. Only the last ``limit`` lines are kept.
    """
    lines: List[TranscriptLine] = []
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        at = float(event.get("timestamp") or 0.0)
        if kind == "user" and not _is_payload(text):
            intent = intent_name(event.get("parse_data") or {})
            lines.append(TranscriptLine("partner", text, at, intent=intent))
        elif kind == "bot":
            agent = (event.get("metadata") or {}).get(AGENT_KEY)
            if isinstance(agent, str) and agent:
                lines.append(TranscriptLine("agent", text, at, agent))
            else:
                lines.append(TranscriptLine("bot", text, at))
    return lines[-limit:]


def last_partner_message(lines: Iterable[TranscriptLine]) -> Optional[str]:
    """The partner's last question: what drafts are for.

    Their last message that asks something (not the request for a person, thanks or a
    complaint, :data:`NOT_QUESTIONS`); their last message at all if none does.
    """
    said = [line for line in lines if line.sender == "partner"]
    questions = [line for line in said if line.intent not in NOT_QUESTIONS]
    chosen = questions or said
    return chosen[-1].text if chosen else None


def reply_problems(body: Mapping[str, Any]) -> Tuple[Optional[str], Optional[str], List[str]]:
    """The text and agent name of a reply body, or what is wrong with it.

    A reply is ``{"text": 1–5000 characters, "agent": 1–100 characters}``; blank text or
    a blank name counts as empty, and no other field is accepted.
    """
    problems: List[str] = []
    text, agent = body.get("text"), body.get("agent")
    unknown = sorted(str(key) for key in body if key not in ("text", "agent"))
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}: send only text and agent")
    if not isinstance(text, str) or not text.strip():
        problems.append('"text" must be a non-empty string')
    elif len(text) > MAX_REPLY_CHARS:
        problems.append(f'"text" must be at most {MAX_REPLY_CHARS} characters')
    if not isinstance(agent, str) or not agent.strip():
        problems.append('"agent" must be a non-empty string (the name the partner sees)')
    elif len(agent) > MAX_AGENT_CHARS:
        problems.append(f'"agent" must be at most {MAX_AGENT_CHARS} characters')
    if problems:
        return None, None, problems
    assert isinstance(text, str) and isinstance(agent, str)
    return text, agent.strip(), []


def statuses_from_query(value: Optional[str]) -> Optional[Tuple[str, ...]]:
    """The statuses ``?status=`` asks for (default: waiting and active); None if unknown."""
    if value is None or value == "":
        return OPEN_STATUSES
    if value == "all":
        return STATUSES
    return (value,) if value in STATUSES else None
