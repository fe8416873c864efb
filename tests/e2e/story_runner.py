"""Run Rasa test stories against a loaded agent, turn by turn.

``rasa test`` would count the ``language`` entity (which the language detector
puts on every message) as a wrong entity prediction. This runner checks what
matters for PartnerDesk instead: the intent, the actions (with the exact FAQ
answer for ``utter_faq``), the ``language`` slot, and that every reply is
written in the expected language. A ``bot:`` step after an action names text that one of
that turn's replies must contain (e.g. the dates a rule answer computed).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

IGNORED_ACTIONS = {"action_listen", "action_session_start", "action_extract_slots"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class Turn:
    """One user message and what the story expects after it."""

    text: str
    intent: str
    actions: List[str] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)
    replies: List[str] = field(default_factory=list)


@dataclass
class Story:
    """A named test story as a list of turns."""

    name: str
    turns: List[Turn]


def read_stories(path: Path, domain: Domain) -> List[Story]:
    """Read a YAML test-story file into turns."""
    stories = []
    for step in YAMLStoryReader(domain).read_from_file(path):
        turns: List[Turn] = []
        for event in step.events:
            if isinstance(event, UserUttered):
                intent = event.intent.get("full_retrieval_intent_name") or event.intent["name"]
                turns.append(Turn(text=event.text, intent=intent))
            elif isinstance(event, ActionExecuted) and event.action_text:
                turns[-1].replies.append(event.action_text.strip())
            elif isinstance(event, ActionExecuted) and event.action_name not in IGNORED_ACTIONS:
                turns[-1].actions.append(event.action_name)
            elif isinstance(event, SlotSet):
                turns[-1].slots[event.key] = event.value
        stories.append(Story(step.block_name, turns))
    return stories


def _reply_language_problems(bot: BotUttered, language: Optional[str]) -> List[str]:
    text = bot.text or ""
    if language == "ko" and not HANGUL.search(text):
        return [f"reply not in Korean: {text[:80]!r}"]
    if language == "en" and HANGUL.search(text):
        return [f"reply not in English: {text[:80]!r}"]
    return []


async def _play(agent, story: Story) -> List[str]:
    sender = f"story-{uuid.uuid4().hex}"
    problems: List[str] = []
    for turn in story.turns:
        tracker_before = await agent.processor.get_tracker(sender)
        seen = len(tracker_before.events)
        await agent.handle_message(UserMessage(turn.text, CollectingOutputChannel(), sender))
        tracker = await agent.processor.get_tracker(sender)
        new_events = list(tracker.events)[seen:]
        user = next(e for e in new_events if isinstance(e, UserUttered))
        predicted = user.intent.get("name")
        if turn.intent.startswith(f"{predicted}/"):
            predicted = user.intent.get("full_retrieval_intent_name") or predicted
        if predicted != turn.intent:
            problems.append(f"{turn.text!r}: intent {predicted!r}, expected {turn.intent!r}")
        actions, texts = [], []
        for event in new_events:
            if isinstance(event, ActionExecuted) and event.action_name not in IGNORED_ACTIONS:
                actions.append(event.action_name)
            elif isinstance(event, BotUttered):
                texts.append(event.text or "")
                utter = event.metadata.get("utter_action")
                if actions and utter and utter.startswith(f"{actions[-1]}/"):
                    actions[-1] = utter
                problems += _reply_language_problems(event, tracker.get_slot("language"))
        if actions != turn.actions:
            problems.append(f"{turn.text!r}: actions {actions}, expected {turn.actions}")
        for reply in turn.replies:
            if not any(reply in text for text in texts):
                problems.append(f"{turn.text!r}: no reply contains {reply!r}: {texts}")
        for slot, value in turn.slots.items():
            if tracker.get_slot(slot) != value:
                problems.append(
                    f"{turn.text!r}: slot {slot}={tracker.get_slot(slot)!r}, expected {value!r}"
                )
    return problems


def play_story(agent, story: Story) -> List[str]:
    """Play a story against the agent and return what went differently."""
    return asyncio.run(_play(agent, story))
