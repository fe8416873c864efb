"""Which language a message is written in (``en`` / ``ko``), without Rasa.

Used by the NLU component that sets the ``language`` slot and by the held-out
evaluation; kept free of Rasa so that importing it is cheap.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional, Text

METADATA_LOCALE_KEYS = ("locale", "language", "lang")

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# A Hangul syllable carries about as much text as two or three Latin letters.
_HANGUL_WEIGHT = 2.5
# Names partners type inside Korean sentences; they say nothing about the language.
_LANGUAGE_NEUTRAL_WORDS = frozenset(
    """microsoft action pack learning visual studio enterprise professional partner
    center network azure office windows server teams dynamics competency competencies
    token tokens tenant subscription subscriptions covid iur mpn map lap vs pc csp ok
    """.split()
)


def detect_language(text: str) -> Optional[str]:
    """Return ``"ko"``, ``"en"`` or ``None`` when the text has no telling letters.

    Words written in capitals only (MAP, IUR) and product names are neutral,
    so "MAP 갱신 언제?" is Korean and "MAP" alone is undecided.
    """
    if text.lstrip().startswith("/"):
        return None
    korean = len(_HANGUL.findall(text)) * _HANGUL_WEIGHT
    english = sum(
        len(word)
        for word in _LATIN_WORD.findall(text)
        if not word.isupper() and word.lower() not in _LANGUAGE_NEUTRAL_WORDS
    )
    if korean == 0 and english == 0:
        return None
    return "ko" if korean >= english else "en"


def locale_language(metadata: Optional[Dict[Text, Any]]) -> Optional[str]:
    """Read ``en``/``ko`` from a channel's metadata locale, if it names one."""
    if not isinstance(metadata, dict):
        return None
    for key in METADATA_LOCALE_KEYS:
        value = metadata.get(key)
        if isinstance(value, str) and value[:2].lower() in ("en", "ko"):
            return value[:2].lower()
    return None
