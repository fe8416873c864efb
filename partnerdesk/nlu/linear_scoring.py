"""Scoring a fitted TF-IDF + logistic-regression pipeline without sklearn's per-call work.

Profiled (``scripts/benchmarks/profile_turn.py``), half of a parse went to sklearn's
bookkeeping around two small sums, run by both linear classifiers:

- every ``TfidfTransformer.transform`` checks that it is fitted by reading ``idf_``, a
  property that sums the whole idf diagonal matrix again (tens of thousands of entries);
- ``LogisticRegression`` multiplies by ``coef_.T``, a view that scipy copies into a new
  contiguous array of features × classes on every call;
- both classifiers cut the same message into the same word and character n-grams.

:class:`LinearScorer` takes the fitted pieces once (each vectorizer's analyzer,
vocabulary and idf vector; the coefficients, transposed into a contiguous array; the
intercepts) and scores texts with the same arithmetic: counts, ``1 + log(tf)``, times idf,
l2-normalised per vectorizer, then ``x · coefᵀ + intercept`` and the softmax.
``tests/nlu/test_linear_scoring.py`` checks it against ``pipeline.predict_proba``. The
n-grams of a text are computed once for both classifiers (a small cache keyed by the
analyzer's settings). Pipelines of another shape are scored by sklearn itself.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Dict, Hashable, List, Optional, Sequence, Tuple

import numpy as np
from sklearn.utils.extmath import softmax

_ANALYZERS: Dict[Hashable, Callable[[str], List[str]]] = {}
"""Analyzers by their settings: equal settings cut a text the same way."""


@functools.lru_cache(maxsize=512)
def _ngrams(key: Hashable, text: str) -> Tuple[str, ...]:
    """The n-grams of ``text`` by the analyzer with settings ``key`` (shared cache)."""
    return tuple(_ANALYZERS[key](text))


def _analyzer_key(vectorizer: Any) -> Optional[Hashable]:
    """The settings that decide a vectorizer's n-grams, or None if they can't be compared."""
    params = vectorizer.get_params()
    if any(params.get(name) is not None for name in ("preprocessor", "tokenizer", "stop_words")):
        return None
    if callable(params.get("analyzer")):
        return None
    names = ("analyzer", "ngram_range", "lowercase", "token_pattern", "strip_accents")
    return (type(vectorizer).__name__, *(repr(params.get(name)) for name in names))


@dataclass
class _Block:
    """One fitted TF-IDF vectorizer of the feature union."""

    analyze: Callable[[str], Sequence[str]]
    vocabulary: Dict[str, int]
    idf: np.ndarray
    sublinear: bool
    offset: int

    def features(self, text: str) -> Tuple[np.ndarray, np.ndarray]:
        """The text's non-zero features in this block: global indices and l2-normed values."""
        counts: Dict[int, int] = {}
        vocabulary = self.vocabulary
        for gram in self.analyze(text):
            index = vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.intp), np.empty(0)
        indices = np.fromiter(sorted(counts), dtype=np.intp, count=len(counts))
        tf = np.fromiter((counts[i] for i in indices), dtype=np.float64, count=len(counts))
        if self.sublinear:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[indices]
        norm = np.sqrt(np.dot(values, values))
        if norm > 0:
            values /= norm
        return indices + self.offset, values


class LinearScorer:
    """``predict_proba`` of a fitted union of TF-IDF vectorizers + multinomial LR."""

    def __init__(self, blocks: List[_Block], coef: np.ndarray, intercept: np.ndarray) -> None:
        """Use :meth:`for_pipeline`."""
        self._blocks = blocks
        self._weights = np.ascontiguousarray(coef.T)  # features × classes
        self._intercept = intercept

    @classmethod
    def for_pipeline(cls, pipeline: Any) -> Optional["LinearScorer"]:
        """A scorer for a fitted pipeline, or None if its shape is not the expected one.

        The shape is ``linear_selector``'s: ``make_pipeline(make_union(TfidfVectorizer,
        …), LogisticRegression)`` with a multinomial classifier.
        """
        try:
            union, classifier = pipeline.steps[0][1], pipeline.steps[-1][1]
            vectorizers = [vectorizer for _, vectorizer in union.transformer_list]
            multinomial = classifier.multi_class == "multinomial" or (
                classifier.multi_class == "auto"
                and classifier.classes_.size > 2
                and classifier.solver != "liblinear"
            )
        except (AttributeError, IndexError, ValueError):
            return None
        if len(pipeline.steps) != 2 or not multinomial or union.transformer_weights:
            return None
        blocks, offset = [], 0
        for vectorizer in vectorizers:
            if type(vectorizer).__name__ != "TfidfVectorizer" or vectorizer.norm != "l2":
                return None
            if not vectorizer.use_idf or vectorizer.binary:
                return None
            key, analyzer = _analyzer_key(vectorizer), vectorizer.build_analyzer()
            if key is not None:
                _ANALYZERS.setdefault(key, analyzer)
                analyze: Callable[[str], Sequence[str]] = functools.partial(_ngrams, key)
            else:
                analyze = analyzer
            idf = np.asarray(vectorizer.idf_, dtype=np.float64)
            blocks.append(
                _Block(analyze, vectorizer.vocabulary_, idf, vectorizer.sublinear_tf, offset)
            )
            offset += len(vectorizer.vocabulary_)
        if offset != classifier.coef_.shape[1]:
            return None
        return cls(blocks, classifier.coef_, classifier.intercept_)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities of each text (rows), in ``classes_`` order."""
        decision = np.tile(self._intercept, (len(texts), 1))
        for row, text in enumerate(texts):
            for block in self._blocks:
                indices, values = block.features(text)
                if len(indices):
                    decision[row] += values @ self._weights[indices]
        return np.asarray(softmax(decision, copy=False))
