"""Fast linear NLU: TF-IDF word and character n-grams + logistic regression.

``LinearIntentClassifier`` predicts the intent; ``LinearResponseSelector``
replaces Rasa's neural ``ResponseSelector`` for the ``faq`` retrieval intent
and writes the same ``response_selector`` output, so ``utter_faq`` and every
client read it unchanged. Why: on our bilingual data it was more accurate on
the held-out Korean questions and trains in seconds instead of minutes
(docs/benchmarks.md). Character n-grams within word boundaries carry Korean,
whose words take particles ("액션팩을", "액션팩은"); word n-grams carry English.
On a message of several sentences (``segments``, set by
``partnerdesk.nlu.long_messages.SentenceSegmenter``) both also rank each
sentence, in the same call, for ``LongMessageResolver`` to decide from.
At prediction time the fitted pipelines are scored by
:class:`partnerdesk.nlu.linear_scoring.LinearScorer` (the same arithmetic without
sklearn's per-call overhead, n-grams shared by both classifiers).
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, List, Optional, Text, Tuple

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from partnerdesk.nlu.linear_scoring import LinearScorer
from partnerdesk.nlu.long_messages import (
    SEGMENT_ANSWER_RANKINGS,
    SEGMENT_INTENT_RANKINGS,
    SEGMENT_RESPONSES,
    SEGMENTS,
)

MODEL_FILE = "linear_model.joblib"
LINEAR_DEFAULTS = {"char_ngrams": [1, 4], "word_ngrams": [1, 2], "C": 20.0, "random_seed": 42}


def _build_pipeline(config: Dict[Text, Any]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(config["char_ngrams"]),
            sublinear_tf=True,
            lowercase=True,
        ),
        TfidfVectorizer(
            analyzer="word",
            ngram_range=tuple(config["word_ngrams"]),
            sublinear_tf=True,
            lowercase=True,
            token_pattern=r"(?u)\b\w+\b",
        ),
    )
    classifier = LogisticRegression(
        C=config["C"],
        max_iter=2000,
        random_state=config["random_seed"],
        class_weight=config.get("class_weight"),
    )
    return make_pipeline(features, classifier)


def _save(model_storage: ModelStorage, resource: Resource, stored: Dict[Text, Any]) -> None:
    with model_storage.write_to(resource) as directory:
        joblib.dump(stored, directory / MODEL_FILE)


def _saved(model_storage: ModelStorage, resource: Resource) -> Optional[Dict[Text, Any]]:
    """What ``_save`` stored, or ``None`` when the component was never trained."""
    try:
        with model_storage.read_from(resource) as directory:
            return joblib.load(directory / MODEL_FILE)
    except (ValueError, FileNotFoundError):
        return None


Ranking = List[Dict[Text, Any]]


_SCORERS: "weakref.WeakKeyDictionary[Any, Optional[LinearScorer]]" = weakref.WeakKeyDictionary()


def _probabilities(pipeline: Any, texts: List[str]) -> Any:
    """``pipeline.predict_proba(texts)``, through a :class:`LinearScorer` when it fits."""
    if pipeline not in _SCORERS:
        _SCORERS[pipeline] = LinearScorer.for_pipeline(pipeline)
    scorer = _SCORERS[pipeline]
    return scorer.predict_proba(texts) if scorer else pipeline.predict_proba(texts)


def _rankings(pipeline: Any, messages: List[Message]) -> Tuple[List[Ranking], List[List[Ranking]]]:
    """Per message, every label with its probability, most likely first.

    The second list holds the same for each of a message's ``segments`` (its
    sentences), ranked in the same ``predict_proba`` call.
    """
    segments = [list(m.get(SEGMENTS) or []) for m in messages]
    texts = [m.get(TEXT) or "" for m in messages] + [s for group in segments for s in group]
    rankings = [
        sorted(
            (
                {"label": label, "confidence": float(p), "index": i}
                for i, (label, p) in enumerate(zip(pipeline.classes_, row))
            ),
            key=lambda r: -r["confidence"],
        )
        for row in _probabilities(pipeline, texts)
    ]
    rest = iter(rankings[len(messages) :])
    return rankings[: len(messages)], [[next(rest) for _ in group] for group in segments]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearResponseSelector(GraphComponent):
    """Chooses the answer key (``faq/<id>``) for messages of one retrieval intent."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Feature and classifier settings."""
        return {"retrieval_intent": "faq", **LINEAR_DEFAULTS}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Optional[Any] = None,
        responses: Optional[Dict[Text, List]] = None,
        retrieval_intents: Optional[List[Text]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._pipeline = pipeline
        self._responses = responses or {}
        self._retrieval_intents = retrieval_intents or [config["retrieval_intent"]]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearResponseSelector":
        """Creates an untrained selector."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the classifier on the retrieval intent's examples and persists it."""
        intent = self._config["retrieval_intent"]
        examples = [m for m in training_data.intent_examples if m.get(INTENT) == intent]
        texts = [m.get(TEXT) for m in examples]
        keys = [m.get_full_intent() for m in examples]
        self._pipeline = _build_pipeline(self._config).fit(texts, keys)
        self._responses = {
            k: v for k, v in training_data.responses.items() if k.startswith(f"utter_{intent}/")
        }
        self._retrieval_intents = sorted(training_data.retrieval_intents)
        _save(
            self._model_storage,
            self._resource,
            {
                "pipeline": self._pipeline,
                "responses": self._responses,
                "retrieval_intents": self._retrieval_intents,
            },
        )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearResponseSelector":
        """Loads the trained selector (an untrained one if nothing was stored)."""
        stored = _saved(model_storage, resource) or {}
        return cls(
            config,
            model_storage,
            resource,
            stored.get("pipeline"),
            stored.get("responses"),
            stored.get("retrieval_intents"),
        )

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the ranked answer keys under ``response_selector.<retrieval intent>``."""
        if self._pipeline is None:
            return messages
        intent = self._config["retrieval_intent"]
        wholes, segments = _rankings(self._pipeline, messages)
        for message, labels, segment_labels in zip(messages, wholes, segments):
            ranking = self._ranking(labels)
            top = ranking[0]
            if segment_labels:
                segment_rankings = [self._ranking(s) for s in segment_labels]
                message.set(SEGMENT_ANSWER_RANKINGS, segment_rankings)
                keys = {r[0][INTENT_RESPONSE_KEY] for r in segment_rankings}
                responses = {k: self._responses.get(f"utter_{k}", []) for k in keys}
                message.set(SEGMENT_RESPONSES, responses)
            selectors = message.get("response_selector") or {}
            selectors["all_retrieval_intents"] = self._retrieval_intents
            selectors[intent] = {
                "response": {
                    "responses": self._responses.get(f"utter_{top[INTENT_RESPONSE_KEY]}", []),
                    "confidence": top["confidence"],
                    INTENT_RESPONSE_KEY: top[INTENT_RESPONSE_KEY],
                    "utter_action": f"utter_{top[INTENT_RESPONSE_KEY]}",
                },
                "ranking": ranking,
            }
            message.set("response_selector", selectors, add_to_output=True)
        return messages

    @staticmethod
    def _ranking(labels: Ranking) -> Ranking:
        return [
            {"id": r["index"], "confidence": r["confidence"], INTENT_RESPONSE_KEY: r["label"]}
            for r in labels
        ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent):
    """Predicts the intent and a ranking of the ten most likely intents."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Feature and classifier settings."""
        # "balanced": the faq intent has most of the examples; the small intents
        # (personal date questions, chit-chat) would otherwise be drowned out.
        return {"ranking_length": 10, "class_weight": "balanced", **LINEAR_DEFAULTS}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Optional[Any] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._pipeline = pipeline

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearIntentClassifier":
        """Creates an untrained classifier."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the classifier on every intent example and persists it."""
        examples = training_data.intent_examples
        self._pipeline = _build_pipeline(self._config).fit(
            [m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples]
        )
        _save(self._model_storage, self._resource, {"pipeline": self._pipeline})
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        """Loads the trained classifier (an untrained one if nothing was stored)."""
        stored = _saved(model_storage, resource) or {}
        return cls(config, model_storage, resource, stored.get("pipeline"))

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets ``intent`` and ``intent_ranking``."""
        if self._pipeline is None:
            return messages
        wholes, segments = _rankings(self._pipeline, messages)
        for message, labels, segment_labels in zip(messages, wholes, segments):
            ranking = self._ranking(labels)
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
            if segment_labels:
                message.set(SEGMENT_INTENT_RANKINGS, [self._ranking(s) for s in segment_labels])
        return messages

    def _ranking(self, labels: Ranking) -> Ranking:
        return [
            {"name": r["label"], "confidence": r["confidence"]}
            for r in labels[: self._config["ranking_length"]]
        ]
