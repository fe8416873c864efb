"""The words that carry a question's meaning, in English and Korean alike.

Korean glues endings and particles to its stems ("옮길 수 있나요", "옮겨주세요", "옮기기"
are all 옮기다) and writes compounds with or without spaces ("세금계산서" /
"세금 계산서"). Kiwi, a Korean morphological analyser (``kiwipiepy``, its model bundled),
splits a message into morphemes; the nouns, verb and adjective stems, roots, numbers and
Latin-script words are its terms, so Korean rewordings share terms the way English ones
share words. English words are lower-cased and lightly stemmed (plural ``s``, ``ing``,
``ed``).

Product names are written many ways and in both scripts ("Action Pack", "MAP", "액션팩";
"Partner Center", "파트너센터"; "co-sell", "코셀"): :data:`NAMES` (as the knowledge file and
the training data write them) maps each to one ASCII term before anything else, so they
also match across the two languages. :data:`SYNONYMS` and :data:`STEMS` do the same for
words of one meaning ("price", "가격", "비용"); they were chosen on one half of the
labelled set ``tests/report/unanswered_groups.yml`` only, the half used to tune; the other
half measures (``tests/report/test_grouping_quality.py``). The words of support in general
("취소", "해지" and "cancel"; "설정" and "setting") are in
:mod:`partnerdesk.report.support_synonyms`, mapped the same way.

Kiwi takes about 1.3 s and 290 MB to load, so it is loaded on first use and released after
:data:`IDLE_RELEASE_S` seconds without use (the Rasa server groups only when asked).
"""

from __future__ import annotations

import re
import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple

from partnerdesk.report.support_synonyms import GENERAL_STEMS, GENERAL_SYNONYMS

IDLE_RELEASE_S = 300.0
# Morpheme tags kept (Kiwi's Sejong-style tags): general and proper nouns, verb and
# adjective stems (also their irregular forms, "VV-R"), roots, numbers, Latin and Chinese
# script.
KEPT_TAGS = ("NNG", "NNP", "VV", "VA", "XR", "SN", "SL", "SH")
# The programme's names, their spellings and Korean transliterations, as the knowledge file
# and the training data write them (canonical term: spellings; lower case).
NAMES: Dict[str, Tuple[str, ...]] = {
    "actionpack": ("microsoft action pack", "action pack", "actionpack", "acton pack",
                   "action-pack", "map", "액션팩", "액션 팩", "엑션팩"),
    "partnercenter": ("partner center", "partner centre", "partnercenter", "파트너센터",
                      "파트너 센터"),
    "azure": ("azure", "애저"),
    "cosell": ("co-sell", "co sell", "cosell", "코셀", "코쎌", "공동 판매", "공동판매"),
    "marketplace": ("market place", "marketplace", "마켓플레이스", "마켓 플레이스", "appsource",
                    "앱소스"),
    "membership": ("membership", "멤버십"),
    "tenant": ("tenant", "테넌트"),
}  # fmt: skip
# Words of the same meaning in either language, chosen on the tuning half of the labelled set.
SYNONYMS: Dict[str, Tuple[str, ...]] = {
    "ready": ("readiness", "ready", "레디", "준비 완료"),
    "price": ("how much", "price", "pricing", "cost", "가격", "비용", "요금", "얼마"),
    "payment": ("payment", "checkout", "결제", "납부"),
    "fail": ("declined", "failing", "failed", "fail", "error", "실패", "오류", "에러", "거절"),
    "invoice": ("invoice", "계산서"),
    "tax": ("tax", "vat", "세금", "부가세"),
    "transfer": ("transfer", "move", "moved", "이전"),
    "company": ("legal entity", "company", "회사", "법인"),
    "require": ("requirements", "requirement", "required", "require", "요건", "조건"),
    "exam": ("exams", "exam", "시험"),
    "certification": ("certification", "자격증"),
    "discount": ("reduced price", "discount", "cheaper", "할인"),
    "publish": ("publish", "listing", "list", "게시", "등록"),
    "buy": ("purchase", "buy", "구매"),
    "issue": ("issue", "발행", "발급"),
    "account": ("account", "계정"),
    "duration": ("how long", "얼마동안", "얼마 동안"),  # not "how much" (얼마)
}  # fmt: skip
GLOSSARY = {**NAMES, **GENERAL_SYNONYMS, **SYNONYMS}
# Korean verb stems of the same meaning (on whole morphemes, not inside words); tuning half.
STEMS = {"옮기": "transfer", "올리": "publish", "사": "buy", "싸": "discount", **GENERAL_STEMS}
# Terms found in the training questions of many intents in data/nlu: what every partner
# question is about ("actionpack", "역량") and how questions are asked. They tell no question
# from another, so they are left out like :data:`STOP_TERMS`. The list is reviewed, not
# recounted at each change of the data: the grouping was tuned with it (a third of the 36
# intents then, 12). ``tests/report/test_terms.py`` checks that each term still occurs in at
# least :data:`COMMON_TERM_MIN_INTENTS` intents and that no term of :data:`CLEARLY_COMMON`
# of the intents is missing; a term in between is a reviewer's choice.
COMMON_TERM_MIN_INTENTS = 12
CLEARLY_COMMON = 0.4
COMMON_TERMS = frozenset(
    """
    actionpack competency 역량 company one 쓰 궁금하 if now window license 라이선스 licence
    right was 없 여부 about by competancy iur only product re renewal thi want work 사용 제품
    """.split()
)
# Words that carry no question's meaning: function words and question frames.
STOP_TERMS = frozenset(
    """
    a an and are be can could do doe does for from get have how i in is it me my need not
    of on or our please s t that the there this to up us use we what when where which who
    why will with would you your microsoft mpn partner benefit
    하 되 있 알리 주 보 받 싶 궁금 문의 방법 법 수 것 어떻 뭐 무엇 좀 저희 우리
    마이크로소프트 파트너 혜택 드리 가능 필요 어디 저 제
    """.split()
)
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _matched_in_text(spelling: str, term: str) -> bool:
    """Whether a spelling is replaced in the text (else it is matched on whole morphemes).

    Names, Latin letters, anything with a space and Korean compounds (three syllables or
    more) are replaced in the text; a short Korean word is matched on Kiwi's morphemes, so
    that "이전" (transfer) does not match inside "이전에" ... or "얼마" (how much) inside
    "얼마동안" (how long, its own entry).
    """
    return term in NAMES or spelling.isascii() or " " in spelling or len(spelling) >= 3


_SPELLINGS = sorted(
    ((s, t) for t, spellings in GLOSSARY.items() for s in spellings if _matched_in_text(s, t)),
    key=lambda pair: -len(pair[0]),
)
_GLOSSARY_RE = re.compile(
    "|".join(
        (rf"(?<![a-z0-9]){re.escape(s)}(?![a-z0-9])" if s.isascii() else re.escape(s))
        for s, _ in _SPELLINGS
    )
)
_TERM_OF = {spelling: term for spelling, term in _SPELLINGS}
_MORPHEME_TERM = {
    spelling: term
    for term, spellings in {**GENERAL_SYNONYMS, **SYNONYMS}.items()
    for spelling in spellings
    if not _matched_in_text(spelling, term)
}


class _Analyser:
    """Kiwi, loaded on first use and released when idle."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kiwi: Optional[Any] = None
        self._timer: Optional[threading.Timer] = None

    def tokenize(self, texts: Sequence[str]) -> List[List[Tuple[str, str]]]:
        with self._lock:
            if self._kiwi is None:
                from kiwipiepy import Kiwi

                self._kiwi = Kiwi()
            found = [[(t.form, t.tag) for t in tokens] for tokens in self._kiwi.tokenize(texts)]
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(IDLE_RELEASE_S, self.release)
            self._timer.daemon = True
            self._timer.start()
            return found

    def release(self) -> None:
        with self._lock:
            self._kiwi = None


analyser = _Analyser()


def canonical(text: str) -> str:
    """``text`` lower-cased, with the glossary's spellings replaced by their terms.

    A term replaces a spelling in place, so Korean particles stay attached to it
    ("액션팩을" becomes "actionpack을", which Kiwi reads as a word and a particle).
    """
    return _GLOSSARY_RE.sub(lambda m: _TERM_OF[m.group(0)], text.lower())


def stem(word: str) -> str:
    """An English word without a plural ``s`` or an ``ing``/``ed`` ending (long words only)."""
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) > len(ending) + 3:
            return word[: -len(ending)]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _term(form: str, tag: str) -> Optional[str]:
    """The term of one morpheme, or None when it carries no meaning of its own."""
    if tag.split("-")[0] not in KEPT_TAGS:
        return None
    word = form.lower()
    if word in GLOSSARY:
        return word
    if tag.startswith(("VV", "VA")):
        return STEMS.get(word, word)
    if _HANGUL.search(word):
        return _MORPHEME_TERM.get(word, word)
    return _TERM_OF.get(stem(word), stem(word))


def terms(texts: Sequence[str]) -> List[List[str]]:
    """The terms of each text (see the module), in order, repeats kept.

    A text made only of common terms keeps them (what else would it be grouped by?). The
    terms of the latest :data:`CACHED_TEXTS` texts are remembered: the Insights page groups
    mostly the same questions at each request, and Kiwi takes about 1 ms a question.
    """
    prepared = [canonical(text) for text in texts]
    with _cache_lock:
        known = {text: _cache[text] for text in prepared if text in _cache}
    new = list(dict.fromkeys(text for text in prepared if text not in known))
    for text, tokens in zip(new, analyser.tokenize(new) if new else []):
        meaningful = [t for form, tag in tokens if (t := _term(form, tag)) and t not in STOP_TERMS]
        kept = [term for term in meaningful if term not in COMMON_TERMS]
        known[text] = kept or meaningful or _ASCII_WORD.findall(text) or [text.strip()]
    with _cache_lock:
        for text in new:
            _cache[text] = known[text]
        while len(_cache) > CACHED_TEXTS:
            _cache.pop(next(iter(_cache)))
    return [list(known[text]) for text in prepared]


CACHED_TEXTS = 20_000
_cache: Dict[str, List[str]] = {}
_cache_lock = threading.Lock()
