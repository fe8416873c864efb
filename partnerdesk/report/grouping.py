"""Group questions that ask the same thing: character n-grams, common words left out.

Why character n-grams rather than words: Korean glues particles to words ("액션팩은",
"액션팩을", "액션팩이") and writes the same words with or without spaces, and partners
make typos ("acton pack"); n-grams of one to four characters inside word boundaries
(scikit-learn's ``char_wb``, as the NLU model's own features) match all of these without a
tokenizer or a language model, in both scripts. A single Hangul syllable often carries
meaning ("셀", "팩"), hence n-grams from one character up.

What two questions share is mostly how questions are asked ("어떻게 해야 하나요",
"받을 수 있나요", "how do we", "can I get") and what every partner question is about
("action pack", "파트너", "역량"). Left in, these make unrelated Korean questions look
alike and drown the few syllables that differ ("가격" / "결제" / "이전"). So the words in
:data:`COMMON_WORDS` are dropped before the n-grams are taken, and TF-IDF (sublinear term
frequency) weighs down the n-grams that many of the messages share.

Grouping is average-linkage clustering (UPGMA) of the distinct wordings: two groups merge
while the average cosine similarity between their members is at least ``similarity``.
Comparing with every member, rather than with a group's first message, lets rewordings
that share different words with different members join; the average (unlike the closest
pair) keeps a chain of small changes from pulling unrelated questions together. The result
does not depend on the order of the messages. Time and memory grow with the square of the
number of distinct wordings: 5,000 take about 10 s and 0.6 GB; beyond, use ``--since``.

Not used: the response selector's ranking stored with each message. Measured on the
labelled set ``tests/report/unanswered_groups.yml``, messages whose top FAQ and runner-up
agree are the same question in only 12-22 % of pairs, and blending the rankings' similarity
into the n-grams' gave no recall at equal precision: the questions PartnerDesk cannot answer are
exactly those its 20 FAQ answers do not describe, so the ranking maps them onto the nearest
answer (everything mentioning the Action Pack onto ``renew_action_pack``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

from partnerdesk.report.gaps import GapMessage

SIMILARITY = 0.25
NGRAM_RANGE = (1, 4)
# Words (after :func:`normalise`) found in the training questions of at least a third of
# the intents in data/nlu (12 of 35): question frames and what every partner question is
# about, in both languages. A third rather than fewer keeps product names that do tell
# questions apart ("windows", "office", "subscription").
COMMON_WORDS = frozenset(
    """
    a action and are benefits can competancy competency do does for from get have how i
    in is it iur licences licenses map microsoft mpn my need not now of on or our pack
    partner s t that the there to up us use we what with
    가능 가능한가요 돼요 되나요 라이선스 받을 방법 수 안 알려주세요 액션팩 어떻게 여부 역량
    우리 있나요 있어요 파트너 하나요 혜택
    """.split()
)
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


def content(text: str) -> str:
    """The normalised text without :data:`COMMON_WORDS` (all of it if nothing else is left).

    Args:
        text: A message as the partner typed it (masked).

    Returns:
        The words that tell this question from others, e.g. ``"much cost"`` for
        "How much does the Action Pack cost?"; the text itself if it has no word characters.
    """
    words = normalise(text).split()
    return " ".join([w for w in words if w not in COMMON_WORDS] or words) or text


def cluster_labels(texts: Sequence[str], similarity: float = SIMILARITY) -> List[int]:
    """A cluster number for each text (numbered from 0 in order of first appearance).

    Args:
        texts: Distinct wordings, already reduced with :func:`content`.
        similarity: Two clusters merge while their members' average cosine similarity of
            character n-gram TF-IDF vectors is at least this.

    Returns:
        One label per text; equal labels mean the same question.
    """
    if len(texts) < 2:
        return [0] * len(texts)
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAM_RANGE, sublinear_tf=True
    ).fit_transform(texts)
    distances = np.clip(1.0 - (vectors @ vectors.T).toarray(), 0.0, 1.0)
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
    keys = [content(m.text) for m in messages]
    distinct = list(dict.fromkeys(keys))
    label_of = dict(zip(distinct, cluster_labels(distinct, similarity)))
    groups: Dict[int, GapGroup] = {}
    for key, message in zip(keys, messages):
        groups.setdefault(label_of[key], GapGroup()).messages.append(message)
    return sorted(groups.values(), key=lambda g: (-g.count, -g.last_seen))
