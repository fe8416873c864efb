"""Long, e-mail-like messages and two FAQ questions in one message.

Partners write "Hi team, I'm Jisoo from an MSP in Busan. We got our Silver
competency last October. How and when do we renew it? Thanks!": the greeting,
the introduction and the context dilute the whole-message scores until the
answer falls back. ``SentenceSegmenter`` (before the linear classifiers) splits
such a message into sentences; the classifiers then also rank every sentence
(``partnerdesk.nlu.linear_selector``, one batched call, only for messages of two
or more sentences); ``LongMessageResolver`` (after them, before the fallback
classifier) keeps the whole-message answer when it is clear, and otherwise
answers with the most confident clear FAQ sentence, questions first. When two
question sentences each clearly select a different FAQ, it predicts
``faq_multi`` and lists both under ``faq_answers`` (best first); the first stays
the response selector's answer. A whole-message intent outside
``rescore_intents`` (a personal-date question, a request for a person) is never
overruled.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from partnerdesk.core.multi_answer import Scored, Thresholds, choose
from partnerdesk.core.ranking import RETRIEVAL_INTENT, ranking_entries
from partnerdesk.core.sentences import segments

SEGMENTS = "segments"
"""Message key (not in the parse output): the sentences of a multi-sentence message."""
SEGMENT_INTENT_RANKINGS = "segment_intent_rankings"
"""Message key: per segment, the intent ranking (``name``, ``confidence``)."""
SEGMENT_ANSWER_RANKINGS = "segment_answer_rankings"
"""Message key: per segment, the FAQ answer ranking (``intent_response_key``, ``confidence``)."""
SEGMENT_RESPONSES = "segment_responses"
"""Message key: the responses of each segment's best answer, by answer key."""
FAQ_ANSWERS = "faq_answers"
MULTI_INTENT = "faq_multi"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SentenceSegmenter(GraphComponent):
    """Marks the sentences of a multi-sentence message for the linear classifiers."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """``max_segments``: at most this many sentences are ranked (bounds the cost)."""
        return {"max_segments": 8}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._max_segments = int(config["max_segments"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceSegmenter":
        """Creates the segmenter."""
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples are not segmented."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets ``segments`` (not in the output) on messages of two or more sentences."""
        for message in messages:
            sentences = segments(message.get(TEXT) or "", self._max_segments)
            if sentences:
                message.set(SEGMENTS, sentences)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LongMessageResolver(GraphComponent):
    """Answers a long message from its clearest FAQ sentence, or two from two questions."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Bounds for the whole message (the fallback's) and for one sentence.

        ``sentence_*`` apply when the whole message's intent is not ``faq`` (a
        sentence must be a clear FAQ question on its own); ``faq_sentence_*`` when
        it is (the intent is settled, the sentence's answer must be clear). The
        sentence bounds were chosen on held-out questions wrapped in greetings and
        introductions, then checked on tests/nlu/long_messages.yml.
        """
        return {
            "threshold": 0.3,
            "ambiguity_threshold": 0.02,
            "answer_threshold": 0.25,
            "answer_ambiguity_threshold": 0.05,
            "sentence_threshold": 0.5,
            "sentence_ambiguity_threshold": 0.2,
            "sentence_answer_threshold": 0.6,
            "sentence_answer_ambiguity_threshold": 0.3,
            "faq_sentence_threshold": 0.3,
            "faq_sentence_ambiguity_threshold": -1.0,
            "faq_sentence_answer_threshold": 0.5,
            "faq_sentence_answer_ambiguity_threshold": 0.2,
            "rescore_intents": [RETRIEVAL_INTENT, "out_of_scope", "greet", "thank", "goodbye"],
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config
        self._bounds = {
            prefix: Thresholds(
                config[f"{prefix}threshold"],
                config[f"{prefix}ambiguity_threshold"],
                config[f"{prefix}answer_threshold"],
                config[f"{prefix}answer_ambiguity_threshold"],
            )
            for prefix in ("", "sentence_", "faq_sentence_")
        }

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LongMessageResolver":
        """Creates the resolver."""
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Re-decides multi-sentence messages from their sentences' rankings."""
        for message in messages:
            sentences = message.get(SEGMENTS) or []
            intents = message.get(SEGMENT_INTENT_RANKINGS) or []
            answers = message.get(SEGMENT_ANSWER_RANKINGS) or []
            if len(sentences) < 2 or not (len(sentences) == len(intents) == len(answers)):
                continue
            whole = Scored(
                message.get(TEXT) or "",
                message.get("intent_ranking") or [],
                ranking_entries(message.data),
            )
            chosen = choose(
                whole,
                [Scored(*s) for s in zip(sentences, intents, answers)],
                self._bounds[""],
                self._bounds["sentence_"],
                self._bounds["faq_sentence_"],
                self._config["rescore_intents"],
            )
            if chosen:
                _apply(message, whole, chosen)
        return messages


def _apply(message: Message, whole: Scored, chosen: List[Scored]) -> None:
    """Answers with the first chosen sentence; two chosen make it ``faq_multi``.

    The intent ranking is the one that justified the choice: the whole
    message's when its intent was ``faq`` already, else the first sentence's
    (where ``faq`` leads clearly). For ``faq_multi`` its ``faq`` entry is
    renamed, so the fallback classifier checks the same confidences.
    """
    selector = (message.get("response_selector") or {}).get(RETRIEVAL_INTENT)
    if selector is None:
        return
    first = chosen[0]
    key = first.answer_key
    selector["ranking"] = [dict(r) for r in first.answers]
    selector["response"] = {
        **selector.get("response", {}),
        "intent_response_key": key,
        "confidence": first.answer_confidence,
        "utter_action": f"utter_{key}",
        "responses": (message.get(SEGMENT_RESPONSES) or {}).get(key, []),
    }
    basis = whole.intents if whole.intents[0]["name"] == RETRIEVAL_INTENT else first.intents
    name = MULTI_INTENT if len(chosen) > 1 else RETRIEVAL_INTENT
    ranking = [{**r, "name": name} if r["name"] == RETRIEVAL_INTENT else dict(r) for r in basis]
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    if len(chosen) > 1:
        message.set(
            FAQ_ANSWERS,
            [
                {
                    "intent_response_key": s.answer_key,
                    "confidence": s.answer_confidence,
                    "text": s.text,
                }
                for s in chosen
            ],
            add_to_output=True,
        )
