"""Group questions that ask the same thing, by what they mean, in English and Korean.

Each question becomes its **terms** (:mod:`partnerdesk.report.terms`): English words and
the morphemes of Korean (nouns, verb and adjective stems, from the Kiwi analyser), with the
programme's names and synonyms mapped to one term in both languages ("액션팩", "MAP" and
"Action Pack" are ``actionpack``; "가격", "비용" and "price" are ``price``), and without
the words every partner question shares ("역량", "actionpack", "how", "알려주세요"). English
loanwords in Hangul take the English spelling found among the questions ("크레딧" credit,
:mod:`partnerdesk.report.loanwords`).
Two questions are alike by the cosine of their terms' TF-IDF vectors (weight
:data:`TERM_WEIGHT`) and of character n-grams of those terms (the rest: typos, partial
words).

Grouping is average-linkage clustering (UPGMA) of the distinct wordings: two groups merge
while the average similarity between their members is at least ``similarity``.
Comparing with every member, rather than with a group's first message, lets rewordings
that share different words with different members join; the average (unlike the closest
pair) keeps a chain of small changes from pulling unrelated questions together. The result
does not depend on the order of the messages. Time and memory grow with the square of the
number of distinct wordings: 2,000 take about 2 s (the Insights page groups the latest
2,000); beyond, use ``--since``.

How :data:`TERM_WEIGHT` and :data:`SIMILARITY` were chosen: on the tuning half of the
labelled set ``tests/report/unanswered_groups.yml`` (every other group, sorted by name),
with the synonyms switched off (the other half's words are not in them), the widest range
of settings with pairwise precision 1.0 in both languages; the other half measures
(``tests/report/test_grouping_quality.py``, figures in ``docs/benchmarks.md``).

Not used: the response selector's ranking stored with each message. Blended in at 10-30 %
on the tuning half, it gave no recall at equal precision: the questions PartnerDesk cannot
answer are exactly those its FAQ answers do not describe, so the ranking maps them onto
the nearest answer (everything mentioning the Action Pack onto ``renew_action_pack``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence

from partnerdesk.report.gaps import GapMessage
from partnerdesk.report.loanwords import merge_loanwords
from partnerdesk.report.terms import terms

SIMILARITY = 0.125
TERM_WEIGHT = 0.85
NGRAM_RANGE = (2, 4)
_NOT_WORD = re.compile(r"[^\w\[\]]+")


@dataclass
class GapGroup:
    """Messages that ask the same question, in the order they were given."""

    messages: List[GapMessage] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many messages the group holds."""
        return len(self.messages)

    @property
    def text(self) -> str:
        """The wording seen most often (the earliest of equals)."""
        return Counter(m.text for m in self.messages).most_common(1)[0][0]

    @property
    def variants(self) -> List[str]:
        """The other distinct wordings, in order of first appearance."""
        seen = dict.fromkeys(m.text for m in self.messages)
        return [text for text in seen if text != self.text]

    @property
    def languages(self) -> Dict[str, int]:
        """Messages per language, most first."""
        return dict(Counter(m.language for m in self.messages).most_common())

    @property
    def reasons(self) -> Dict[str, int]:
        """Messages per gap reason (fallback, low confidence), most first."""
        return dict(Counter(m.reason for m in self.messages).most_common())

    @property
    def first_seen(self) -> float:
        """Timestamp of the earliest message."""
        return min(m.timestamp for m in self.messages)

    @property
    def last_seen(self) -> float:
        """Timestamp of the latest message."""
        return max(m.timestamp for m in self.messages)


def normalise(text: str) -> str:
    """Lower case, punctuation and runs of spaces as one space (placeholders kept)."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def similarities(texts: Sequence[str]) -> Any:
    """The texts' pairwise similarity (see the module) as a square numpy array."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    found = merge_loanwords(terms(texts))
    by_term = TfidfVectorizer(analyzer=lambda words: words, sublinear_tf=True)
    by_chars = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, sublinear_tf=True)
    term_vectors = by_term.fit_transform(found)
    char_vectors = by_chars.fit_transform([" ".join(words) for words in found])
    return (
        TERM_WEIGHT * (term_vectors @ term_vectors.T).toarray()
        + (1 - TERM_WEIGHT) * (char_vectors @ char_vectors.T).toarray()
    )


def cluster_labels(texts: Sequence[str], similarity: float = SIMILARITY) -> List[int]:
    """A cluster number for each text (numbered from 0 in order of first appearance).

    Args:
        texts: Distinct wordings.
        similarity: Two clusters merge while their members' average similarity
            (:func:`similarities`) is at least this.

    Returns:
        One label per text; equal labels mean the same question.
    """
    if len(texts) < 2:
        return [0] * len(texts)
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distances = np.clip(1.0 - similarities(texts), 0.0, 1.0)
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), method="average")
    flat = fcluster(tree, t=1.0 - similarity, criterion="distance")
    numbers: Dict[int, int] = {}
    return [numbers.setdefault(int(label), len(numbers)) for label in flat]


def group_near_duplicates(
    messages: Sequence[GapMessage], similarity: float = SIMILARITY
) -> List[GapGroup]:
    """Groups of messages that ask the same question, biggest first (then the most recent).

    Args:
        messages: The gap messages, in any order; each group keeps their order.
        similarity: Average cosine similarity at which groups merge (see
            :func:`cluster_labels`); higher means smaller, tighter groups.

    Returns:
        The groups, the biggest first and, among equals, the most recently seen first.
    """
    if not messages:
        return []
    keys = [normalise(m.text) or m.text for m in messages]
    distinct = list(dict.fromkeys(keys))
    label_of = dict(zip(distinct, cluster_labels(distinct, similarity)))
    groups: Dict[int, GapGroup] = {}
    for key, message in zip(keys, messages):
        groups.setdefault(label_of[key], GapGroup()).messages.append(message)
    return sorted(groups.values(), key=lambda g: (-g.count, -g.last_seen))
