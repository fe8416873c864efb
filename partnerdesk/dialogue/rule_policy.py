"""RulePolicy with the same predictions at a smaller cost per turn.

Profiled (``scripts/benchmarks/profile_turn.py``), RulePolicy was a fifth of a FAQ turn:

- right after a user message it looks for a rule twice, once with the message's text and
  once with its intent, and each time turns the whole tracker into states again (the two
  lists differ only in the last user state);
- to find the rules that match, it tests every rule (90 here) against every state of the
  conversation, back to its start, although no rule is longer than three states, and
  re-reverses each rule's states for every test.

``LeanRulePolicy`` computes the tracker's states once per prediction (replaying only the
events new since the conversation's previous prediction, :mod:`.state_replay`), and only
the last ones a rule can reach (one more than the longest rule: a longer history cannot change
which rules match), and gives each of the two lookups its own copy to trim. It tests only
the rules whose last state can follow the conversation's latest action and intent (rules
indexed by them once), and stops once no rule is left or every remaining rule is shorter
than the states already compared. Everything else, training
included, is RulePolicy's own code, and the predictions are the same
(``tests/dialogue/test_rule_policy.py`` compares them on the test stories).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Text, Tuple

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import (
    ACTION_LISTEN_NAME,
    PREVIOUS_ACTION,
    SHOULD_NOT_BE_SET,
    USER,
)
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

from partnerdesk.dialogue.state_replay import StateReplays

Condition = Tuple[Text, Optional[Text]]  # the action a rule's last state follows, its intent
Found = Tuple[Optional[Text], Optional[Text], bool]  # what `_find_action_from_rules` returns
MEMO_SIZE = 4096


def _required(sub_state: Dict[Text, Any], key: Text) -> Optional[Text]:
    """The value a rule's sub-state requires for ``key``, or None if it requires none."""
    value = sub_state.get(key)
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


@dataclass
class _RuleIndex:
    """A lookup's rules by the action (and intent) their last state must follow."""

    by_condition: Dict[Condition, Set[Text]] = field(default_factory=dict)
    unconditional: Set[Text] = field(default_factory=set)

    def add(self, key: Text, last_state: State) -> None:
        action = _required(last_state.get(PREVIOUS_ACTION) or {}, ACTION_NAME)
        if action is None:
            self.unconditional.add(key)
            return
        intent = _required(last_state.get(USER) or {}, INTENT)
        self.by_condition.setdefault((action, intent), set()).add(key)

    def candidates(self, state: State) -> Set[Text]:
        """The rules whose last state may match ``state``; no other one can."""
        action = (state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        intent = (state.get(USER) or {}).get(INTENT)
        found = set(self.unconditional)
        if action:
            found |= self.by_condition.get((action, None), set())
            if intent:
                found |= self.by_condition.get((action, intent), set())
        return found


def _frozen(states: List[State]) -> Text:
    """The states as a key: every sub-state's items, sorted, written out by ``repr``.

    ``repr`` tells apart what equality would not (``1`` and ``1.0``, a list and a tuple),
    so two states share a key only when they are written the same.
    """
    return repr(
        [sorted((name, sorted(sub.items())) for name, sub in state.items()) for state in states]
    )


def _copied(states: List[State]) -> List[State]:
    """The states with their sub-states copied (trimming the copy leaves ``states`` alone)."""
    return [{key: dict(sub_state) for key, sub_state in state.items()} for state in states]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class LeanRulePolicy(RulePolicy):
    """RulePolicy that computes a tracker's states once per prediction."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """RulePolicy's, plus the caches of what a loaded model never changes."""
        super().__init__(*args, **kwargs)
        self._states: Optional[List[State]] = None
        self._predicting = False
        self._reversed_rules: Dict[Text, List[State]] = {}
        self._indexes: Dict[int, _RuleIndex] = {}
        self._reach_states: Optional[int] = None
        self._replays: Optional[StateReplays] = None
        self._found: Dict[Tuple[bool, Optional[Text], Text], Found] = {}

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """RulePolicy's training; what was looked up before no longer holds.

        The signature is RulePolicy's: Rasa checks, before it trains, that ``train`` returns
        a fingerprintable ``Resource`` by reading its type hints.
        """
        self._found.clear()
        return super().train(training_trackers, domain, **kwargs)

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """RulePolicy's prediction, sharing one computation of the tracker's states."""
        self._predicting, self._states = True, None
        try:
            return super().predict_action_probabilities(tracker, domain, rule_only_data, **kwargs)
        finally:
            self._predicting, self._states = False, None

    def _find_action_from_rules(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool,
    ) -> Found:
        """RulePolicy's rule lookup, remembered by everything it reads.

        The lookup reads the states it is given, the active loop's name and (for the text
        lookup) whether the user spoke last; the rules never change once loaded. So the
        same states and loop find the same rule, and a turn's lookups after a common
        history (an FAQ answer, then ``action_listen``) are found once.
        """
        if not self._predicting or (
            use_text_for_last_user_input and tracker.latest_action_name != ACTION_LISTEN_NAME
        ):
            return super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)
        states = self._prediction_states(
            tracker, domain, use_text_for_last_user_input, self._get_rule_only_data()
        )
        key = (use_text_for_last_user_input, tracker.active_loop_name, _frozen(states))
        found = self._found.get(key)
        if found is None:
            found = super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)
            if len(self._found) >= MEMO_SIZE:
                self._found.clear()
            self._found[key] = found
        return found

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        """The states ``MaxHistoryTrackerFeaturizer.prediction_states`` gives RulePolicy.

        From states computed once per prediction (RulePolicy uses no ``max_history``,
        ignores no rule-only turns and no ``action_unlikely_intent``).
        """
        if not self._predicting:
            return super()._prediction_states(
                tracker, domain, use_text_for_last_user_input, rule_only_data
            )
        if self._states is None:
            self._states = self._last_states(tracker, domain)
        states = _copied(self._states)
        self.featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    def _reach(self) -> int:
        """How many of the last states a rule can compare: one more than the longest."""
        if self._reach_states is None:
            lookups = [lookup for lookup in self.lookup.values() if isinstance(lookup, dict)]
            keys = [key for lookup in lookups for key in lookup]
            self._reach_states = 1 + max((len(self._reversed_rule(k)) for k in keys), default=0)
        return self._reach_states

    def _last_states(self, tracker: DialogueStateTracker, domain: Domain) -> List[State]:
        """The last states of ``tracker.past_states(domain)``, as many as a rule can reach.

        Replayed as ``generate_all_prior_trackers`` replays the tracker, from where this
        conversation's previous prediction stopped (:mod:`partnerdesk.dialogue.state_replay`).
        """
        if self._replays is None:
            self._replays = StateReplays(keep=self._reach() - 1)
        return self._replays.last_states(tracker, domain)

    def _reversed_rule(self, rule_key: Text) -> List[State]:
        if rule_key not in self._reversed_rules:
            self._reversed_rules[rule_key] = list(reversed(self._rule_key_to_state(rule_key)))
        return self._reversed_rules[rule_key]

    def _applicable(self, rule_key: Text, turn_index: int, state: State) -> bool:
        """RulePolicy's ``_is_rule_applicable``, on the rule's cached reversed states."""
        rule_states = self._reversed_rule(rule_key)
        if turn_index >= len(rule_states):
            return True
        rule_previous = rule_states[turn_index].get(PREVIOUS_ACTION)
        current_previous = state.get(PREVIOUS_ACTION)
        if not rule_previous and not current_previous:
            return True
        if not rule_previous or not current_previous:
            return False
        return self._does_rule_match_state(rule_states[turn_index], state)

    def _index(self, lookup: Dict[Text, Text]) -> _RuleIndex:
        """The rules of ``lookup`` by the action their last state follows (built once)."""
        if id(lookup) not in self._indexes:
            index = _RuleIndex()
            for key in lookup:
                index.add(key, self._reversed_rule(key)[0])
            self._indexes[id(lookup)] = index
        return self._indexes[id(lookup)]

    def _get_possible_keys(self, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
        """The rules that match the end of ``states``, as RulePolicy finds them."""
        if not states:
            return set(lookup.keys())
        # A rule whose last state follows action A (after intent I) matches only there.
        keys = self._index(lookup).candidates(states[-1])
        for index, state in enumerate(reversed(states)):
            if not keys or index >= max(len(self._reversed_rule(key)) for key in keys):
                break  # nothing left, or every rule left matched all of its states
            keys = {key for key in keys if self._applicable(key, index, state)}
        return keys
