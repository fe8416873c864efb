"""Long real conversations for the dialogue and store tests: every test story, in a row.

The test stories (``tests/stories/``) cover every FAQ in both languages, chit-chat, the
fallbacks, feedback clicks and the rule questions' forms. Played one after another in one
conversation they make a long history with forms, "did you mean" choices and fallbacks
at every distance from its start.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.utils.endpoints import EndpointConfig

from partnerdesk.core.paths import DOMAIN_PATH, PROJECT_ROOT
from tests.e2e.story_runner import read_stories

STORY_DIR = PROJECT_ROOT / "tests" / "stories"


def story_texts(limit: Optional[int] = None) -> List[str]:
    """The user messages of every test story, in file and story order."""
    domain = Domain.load(str(DOMAIN_PATH))
    texts = [
        turn.text
        for path in sorted(STORY_DIR.glob("*.yml"))
        for story in read_stories(path, domain)
        for turn in story.turns
    ]
    return texts[:limit] if limit else texts


def agent_with(model_path, action_server_url: str, tracker_store=None) -> Agent:
    """An in-process agent on the model, the test action server and ``tracker_store``."""
    return Agent.load(
        str(model_path),
        action_endpoint=EndpointConfig(action_server_url),
        tracker_store=tracker_store,
    )


def turn_outcome(full_tracker, seen: int, tracker) -> Dict[str, Any]:
    """What a turn did (from the whole stored conversation) and the state the next turn
    starts from (the tracker the store hands out)."""
    new = list(full_tracker.events)[seen:]
    return {
        "actions": [e.action_name for e in new if isinstance(e, ActionExecuted)],
        "responses": [
            e.metadata.get("utter_action") or e.text for e in new if isinstance(e, BotUttered)
        ],
        "slots": tracker.current_slot_values(),
        "active_loop": tracker.active_loop_name,
        "paused": tracker.is_paused(),
        "latest_action": tracker.latest_action_name,
    }


async def say(agent: Agent, sender: str, text: str) -> Dict[str, Any]:
    """One turn through the agent's processor, and its outcome."""
    store = agent.processor.tracker_store
    before = await store.retrieve_full_tracker(sender)
    seen = len(before.events) if before else 0
    await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
    full = await store.retrieve_full_tracker(sender)
    return turn_outcome(full, seen, await agent.processor.get_tracker(sender))


def play(agent: Agent, sender: str, texts: List[str]) -> List[Dict[str, Any]]:
    """Every text as a turn of one conversation; the outcome of each."""

    async def run() -> List[Dict[str, Any]]:
        return [await say(agent, sender, text) for text in texts]

    return asyncio.run(run())
