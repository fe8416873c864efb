"""Sentences of a partner's message, English and Korean, and whether each asks something.

Long, e-mail-like messages ("Hi team, I'm Jisoo from an MSP in Busan. … How and when do
we renew it? Thanks!") are ranked sentence by sentence (:mod:`partnerdesk.nlu.long_messages`).
"""

from __future__ import annotations

import re

# Where a sentence ends: . ? ! … (also 。 ？ ！), maybe a closing quote or bracket, then
# a space; or a line break.
_PUNCTUATION_END = re.compile(r"(?:(?<=[.?!…。？！])|(?<=[.?!…。？！][\"'”’)\]]))\s+")
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
# English abbreviations whose full stop does not end a sentence ("MAP vs. LAP").
_ABBREVIATION = re.compile(
    r"(?:\b(?:vs|e\.g|i\.e|etc|approx|mr|mrs|ms|dr|inc|ltd|co|corp|no|st|jr|sr)|\b[A-Za-z])\.$",
    re.IGNORECASE,
)
# Korean written without punctuation ("…김지수입니다 역량 갱신 …") ends a sentence
# after a word with a polite or plain final ending; nouns ending in 요 are not endings.
_KOREAN_FINAL_WORD = re.compile(
    r"[가-힣]*(?:[가-힣]요|니다|[했었았였있없한된]다|[할될을갈볼줄쓸]까|[하되]죠)$"
)
_KOREAN_NOT_FINAL = frozenset({"필요", "불필요", "중요", "주요", "수요", "소요", "요요"})
_QUESTION_WORDS = frozenset(
    """how what whats what's when whens where which who why can could do does did is are
    will would should may if have has must pls please""".split()
)
# Korean questions and requests without a question mark ("…하나요", "…알려주세요").
_KOREAN_QUESTION_END = re.compile(
    r"(?:[나가까]요|[나까]|[는은인]지요?|습니까|합니까|궁금합니다|궁금해요|주세요|주실래요|"
    r"주시겠어요|줘|부탁드립니다|부탁드려요|부탁해요|여쭤봅니다|여쭤요|문의드립니다)$"
)


def split_sentences(text: str) -> list[str]:
    """Split a message into sentences (English and Korean).

    Sentences end at ``.``, ``?``, ``!`` (and their full-width forms) followed by
    a space, at line breaks, and, for Korean written without punctuation, after
    a sentence-final ending ("…입니다 역량 …"). Abbreviations such as "vs." or
    "e.g." do not end a sentence. Empty pieces are dropped.

    Args:
        text: The user's message.

    Returns:
        The sentences, stripped, in message order (``[]`` for a blank message).
    """
    sentences: list[str] = []
    for line in _LINE_BREAK.split(text.strip()):
        pending = ""
        for piece in _PUNCTUATION_END.split(line):
            pending = f"{pending} {piece}".strip() if pending else piece.strip()
            if pending and not _ABBREVIATION.search(pending):
                sentences.extend(_split_korean_endings(pending))
                pending = ""
        if pending:
            sentences.extend(_split_korean_endings(pending))
    return [s for s in sentences if s]


def _split_korean_endings(sentence: str) -> list[str]:
    pieces: list[str] = []
    words: list[str] = []
    for word in sentence.split():
        words.append(word)
        if _KOREAN_FINAL_WORD.search(word) and word not in _KOREAN_NOT_FINAL:
            pieces.append(" ".join(words))
            words = []
    if words:
        pieces.append(" ".join(words))
    return pieces


def is_question(sentence: str) -> bool:
    """Whether a sentence asks something (question mark, question word or Korean ending).

    Args:
        sentence: One sentence of ``split_sentences``.

    Returns:
        True for "How do we renew?", "does MAP include VS Enterprise",
        "갱신은 언제 하나요", "절차를 알려주세요"; False for "We are an MSP."
    """
    stripped = sentence.strip()
    if stripped.endswith(("?", "？")):
        return True
    first_word = re.match(r"[A-Za-z']+", stripped)
    if first_word and first_word.group(0).lower() in _QUESTION_WORDS:
        return True
    return bool(_KOREAN_QUESTION_END.search(stripped.rstrip(".!~ ")))


def segments(text: str, max_segments: int) -> list[str]:
    """The sentences to rank for a message: none for a single sentence.

    A message of more than ``max_segments`` sentences (a pasted e-mail thread,
    a signature block) keeps its questions first, then its other sentences, up
    to ``max_segments``, in message order.

    Args:
        text: The user's message.
        max_segments: At most this many sentences.

    Returns:
        ``[]`` for a message of fewer than two sentences, else its sentences.
    """
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return []
    if len(sentences) <= max_segments:
        return sentences
    ranked = sorted(range(len(sentences)), key=lambda i: (not is_question(sentences[i]), i))
    return [sentences[i] for i in sorted(ranked[:max_segments])]
