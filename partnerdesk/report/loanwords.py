"""English loanwords written in Hangul, matched to their English spelling by sound.

Korean partners write many English words in Hangul ("크레딧" credit, "라이선스" or
"라이센스" license, "트레이닝" training), in no fixed spelling. Both scripts are reduced to a
**consonant skeleton**, the consonants as Korean hears them (voiced and voiceless alike, r
as l, a silent r before a consonant dropped, doubled letters as one): "credit" and "크레딧"
are both ``klt``. Within the questions grouped together, a Hangul noun whose skeleton
(:data:`MIN_CONSONANTS` consonants or more) equals that of an English word, or of another
Hangul noun, takes that word as its term, so a loanword meets its English spelling and its
other Hangul spellings without a glossary entry.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Dict, List, Sequence

MIN_CONSONANTS = 3
# Initial and final consonants of a Hangul syllable (Unicode order), as skeleton letters;
# "" is the silent initial ㅇ, "G" the final ㅇ (ng). A final ㅅ is a loanword's t.
_INITIALS = ["k", "k", "n", "t", "t", "l", "m", "p", "p", "s", "s", "", "j", "j", "j", "k",
             "t", "p", "h"]  # fmt: skip
_FINALS = ["", "k", "k", "ks", "n", "nj", "nh", "t", "l", "lk", "lm", "lp", "ls", "lt", "lp",
           "lh", "m", "p", "ps", "t", "t", "G", "t", "t", "k", "t", "p", "t"]  # fmt: skip
# English spellings as Korean hears them, longest first; vowels and w, y drop out.
_ENGLISH = [
    (re.compile(r"tch|dge|ch|j|ge$|z"), "j"),
    (re.compile(r"ti(?=[aeiou])|sh|th|c(?=[eiy])|x"), "s"),
    (re.compile(r"ng$|ng(?=[^aeiouy])"), "G"),
    (re.compile(r"ph|f|v|b"), "p"),
    (re.compile(r"ck|c|q|g"), "k"),
    (re.compile(r"d"), "t"),
    (re.compile(r"r(?![aeiouy])"), ""),
    (re.compile(r"r"), "l"),
    (re.compile(r"[aeiouwy]|h(?=[^aeiouy]|$)"), ""),
]
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
# The vowel Korean inserts between an English word's consonants (the "eu" of 스, 트, 크).
_INSERTED_VOWEL = 18
_ENGLISH_WORD = re.compile(r"[a-z]+")
_REPEATS = re.compile(r"(.)\1+")


def skeleton(word: str) -> str:
    """The consonant skeleton of a Hangul or an English word ("" for anything else)."""
    if _HANGUL_WORD.fullmatch(word):
        letters = []
        for syllable in word:
            code = ord(syllable) - 0xAC00
            letters += [_INITIALS[code // 588], _FINALS[code % 28]]
        return _REPEATS.sub(r"\1", "".join(letters))
    if _ENGLISH_WORD.fullmatch(word):
        for pattern, letter in _ENGLISH:
            word = pattern.sub(letter, word)
        return _REPEATS.sub(r"\1", word)
    return ""


def looks_borrowed(word: str) -> bool:
    """Whether a Hangul word may be a loanword: three syllables or more, or an inserted vowel.

    Two-syllable words are mostly Sino-Korean ("연간", yearly, is not "engineer").
    """
    codes = [ord(syllable) - 0xAC00 for syllable in word]
    return len(word) >= 3 or any(
        code % 28 == 0 and code // 28 % 21 == _INSERTED_VOWEL for code in codes
    )


def merge_loanwords(found: Sequence[Sequence[str]]) -> List[List[str]]:
    """Each text's terms, with its Hangul loanwords replaced by the batch's spelling of them.

    Terms of one skeleton are one word: its Hangul spellings become its most frequent English
    spelling in ``found`` or, without one, its most frequent Hangul spelling (the first in
    sorted order among equals), so the result does not depend on the order of the texts.
    """
    counts = Counter(term for terms in found for term in terms)
    english: Dict[str, List[str]] = {}
    hangul: Dict[str, List[str]] = {}
    for term in sorted(counts):
        key = skeleton(term)
        if len(key) >= MIN_CONSONANTS:
            if not _HANGUL_WORD.fullmatch(term):
                english.setdefault(key, []).append(term)
            elif looks_borrowed(term):
                hangul.setdefault(key, []).append(term)
    replace: Dict[str, str] = {}
    for key, spellings in hangul.items():
        # English terms are stems: a Hangul spelling may keep the -ing (G) or -s they lost.
        keys = [key, key[:-1]] if key[-1] in "Gs" and len(key) > MIN_CONSONANTS else [key]
        matched = next((english[k] for k in keys if k in english), None)
        if matched or len(spellings) > 1:
            best = max(matched or spellings, key=lambda s: (counts[s], [-ord(c) for c in s]))
            replace.update({s: best for s in spellings if s != best})
    return [[replace.get(term, term) for term in terms] for terms in found]
