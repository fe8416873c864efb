"""LeanRulePolicy predicts exactly what RulePolicy predicts, at every step of long
real conversations (forms, fallbacks, "did you mean" choices, feedback)."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from pathlib import Path

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from partnerdesk.dialogue.rule_policy import LeanRulePolicy
from tests.dialogue.conversations import agent_with, play, story_texts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def both_policies(model_path):
    """The trained policy loaded as LeanRulePolicy and as Rasa's RulePolicy."""
    storage, metadata = LocalModelStorage.from_model_archive(
        Path(tempfile.mkdtemp(prefix="rule-policy-")), model_path
    )
    node = next(n for n in metadata.predict_schema.nodes.values() if n.uses is LeanRulePolicy)
    context = ExecutionContext(metadata.predict_schema, metadata.model_id)
    config = {**RulePolicy.get_default_config(), **node.config}
    lean = LeanRulePolicy.load(dict(config), storage, node.resource, context)
    stock = RulePolicy.load(dict(config), storage, node.resource, context)
    assert type(stock) is RulePolicy and lean.lookup == stock.lookup
    return lean, stock, metadata.domain


@pytest.fixture(scope="module")
def long_conversation(model_path, action_server_url) -> DialogueStateTracker:
    """Every test story's messages in one conversation, with Rasa's in-memory store."""
    agent = agent_with(model_path, action_server_url)
    sender = f"policy-{uuid.uuid4().hex}"
    play(agent, sender, story_texts())
    return asyncio.run(agent.processor.tracker_store.retrieve(sender))


def prediction_points(tracker: DialogueStateTracker, domain: Domain):
    """The tracker as it was before each action it ran (what the policy saw then)."""
    events = list(tracker.events)
    for position, event in enumerate(events):
        if isinstance(event, ActionExecuted) and position:
            yield (
                event.action_name,
                DialogueStateTracker.from_events(
                    tracker.sender_id, events[:position], domain.slots
                ),
            )


def test_the_same_prediction_at_every_step(both_policies, long_conversation):
    lean, stock, domain = both_policies
    compared, forms_seen = 0, set()
    for action, tracker in prediction_points(long_conversation, domain):
        if tracker.active_loop_name:
            forms_seen.add(tracker.active_loop_name)
        ours = lean.predict_action_probabilities(tracker, domain)
        theirs = stock.predict_action_probabilities(tracker, domain)
        assert ours.probabilities == theirs.probabilities, (action, len(tracker.events))
        assert ours.events == theirs.events
        assert (ours.hide_rule_turn, ours.is_end_to_end_prediction, ours.is_no_user_prediction) == (
            theirs.hide_rule_turn,
            theirs.is_end_to_end_prediction,
            theirs.is_no_user_prediction,
        )
        compared += 1
    # the rule lookups were remembered (each prediction looks up once or twice)
    assert 0 < len(lean._found) < compared, (len(lean._found), compared)
    assert compared >= len(story_texts()) and len(forms_seen) >= 2, (
        compared,
        forms_seen,
    )  # forms ask less now


def test_a_long_history_costs_no_more_states(both_policies, long_conversation):
    lean, _, domain = both_policies
    states = lean._last_states(long_conversation, domain)
    assert len(states) == lean._reach() <= 5
    assert states == long_conversation.past_states(domain)[-len(states) :]


def test_states_replayed_from_the_start_and_continued_are_the_same(
    both_policies, long_conversation
):
    """Backwards, no tracker continues the one before: every prediction replays from the
    start. Forwards, each continues the last one and replays only its new events."""
    lean, stock, domain = both_policies
    points = list(prediction_points(long_conversation, domain))
    for action, tracker in reversed(points[-60:]):
        ours = lean.predict_action_probabilities(tracker, domain)
        assert (
            ours.probabilities == stock.predict_action_probabilities(tracker, domain).probabilities
        )
        reach = lean._reach()
        assert lean._last_states(tracker, domain) == tracker.past_states(domain)[-reach:], action
    replays = lean._replays
    assert replays is not None and len(replays) >= 1
    replayed = long_conversation.copy()
    replayed.sender_id = "other-tracker-same-events"
    assert lean._last_states(replayed, domain) == lean._last_states(long_conversation, domain)
