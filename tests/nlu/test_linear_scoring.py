"""LinearScorer gives the fitted pipelines' own probabilities, on every line we have."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.nlu.training_data.loading import load_data

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.nlu.linear_scoring import LinearScorer
from partnerdesk.nlu.linear_selector import (
    MODEL_FILE,
    LinearIntentClassifier,
    LinearResponseSelector,
    _build_pipeline,
)
from partnerdesk.tools.nlu_eval import load_cases
from tests.nlu.test_long_messages import long_message_texts

pytestmark = pytest.mark.slow


def _texts():
    """Training lines, held-out lines and awkward ones (empty, emoji, mixed scripts)."""
    training = load_data(str(PROJECT_ROOT / "data" / "nlu")).nlu_examples
    awkward = ["", "   ", "🙂👍", "MAP", "액션팩 action pack 갱신?", "a" * 3000, "x\ny\tz"]
    return [
        *(m.get("text") for m in training),
        *(case.text for case in load_cases()),
        *long_message_texts(),
        *awkward,
    ]


@pytest.fixture(scope="module")
def trained_pipelines(model_path):
    """The two fitted pipelines of the trained model."""
    import joblib

    storage, metadata = LocalModelStorage.from_model_archive(
        Path(tempfile.mkdtemp(prefix="scoring-")), model_path
    )
    found = {}
    for node in metadata.predict_schema.nodes.values():
        if node.uses in (LinearIntentClassifier, LinearResponseSelector):
            with storage.read_from(node.resource) as directory:
                found[node.uses.__name__] = joblib.load(directory / MODEL_FILE)["pipeline"]
    assert len(found) == 2
    return found


@pytest.mark.parametrize("name", ["LinearIntentClassifier", "LinearResponseSelector"])
def test_the_same_probabilities_as_sklearn(trained_pipelines, name):
    pipeline = trained_pipelines[name]
    scorer = LinearScorer.for_pipeline(pipeline)
    assert scorer is not None
    texts = _texts()
    ours, theirs = scorer.predict_proba(texts), pipeline.predict_proba(texts)
    assert ours.shape == theirs.shape == (len(texts), len(pipeline.classes_))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    assert (ours.argmax(axis=1) == theirs.argmax(axis=1)).all()


def test_other_pipelines_are_left_to_sklearn():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["renew the pack", "share a token", "count the seats"]
    labels = ["renew", "token", "seats"]
    counts = make_pipeline(CountVectorizer(), LogisticRegression()).fit(texts, labels)
    assert LinearScorer.for_pipeline(counts) is None
    config = {"char_ngrams": [1, 2], "word_ngrams": [1, 1], "C": 1.0, "random_seed": 1}
    ours = _build_pipeline(config).fit(texts, labels)
    assert LinearScorer.for_pipeline(ours) is not None
    two_classes = _build_pipeline(config).fit(texts[:2], labels[:2])  # one-vs-rest in sklearn
    assert LinearScorer.for_pipeline(two_classes) is None
