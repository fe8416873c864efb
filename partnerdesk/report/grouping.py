"""Group near-duplicate questions: character n-gram TF-IDF and cosine similarity.

Why character n-grams rather than words: Korean glues particles to words ("액션팩은",
"액션팩을", "액션팩이") and writes the same words with or without spaces, and partners
make typos ("acton pack"); n-grams inside word boundaries (scikit-learn's ``char_wb``)
match all of these without a tokenizer or a language model, in both scripts. TF-IDF
weighs down the n-grams every message shares ("action pack", "할 수"), so two messages are
close when they share what is particular to them. Cosine similarity over those vectors
is then compared with :data:`SIMILARITY`.

Grouping is greedy and deterministic: messages are taken in order, and each joins the
first group whose first message (its leader) is at least that similar, or leads a new
or leads a new group. Comparing with leaders only (not every member) keeps a chain of small
changes from pulling unrelated questions into one group.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

from partnerdesk.report.gaps import GapMessage

SIMILARITY = 0.5
NGRAM_RANGE = (2, 4)
_NOT_WORD = re.compile(r"[^\w\[\]]+")


@dataclass
class GapGroup:
    """Near-duplicate gap messages; the first one leads."""

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


def group_near_duplicates(
    messages: Sequence[GapMessage], similarity: float = SIMILARITY
) -> List[GapGroup]:
    """Groups of near-duplicate messages, biggest first (then the most recent first)."""
    if not messages:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [normalise(m.text) or m.text for m in messages]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE).fit_transform(texts)
    groups: List[GapGroup] = []
    leaders: List[int] = []
    for index, message in enumerate(messages):
        best = -1
        if leaders:
            scores = (vectors[leaders] @ vectors[index].T).toarray().ravel()
            if scores.max() >= similarity:
                best = int(scores.argmax())
        if best < 0:
            leaders.append(index)
            groups.append(GapGroup())
        groups[best].messages.append(message)
    return sorted(groups, key=lambda g: (-g.count, -g.last_seen))
