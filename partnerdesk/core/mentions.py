"""What a partner's text names: the offer and the token problem (no Rasa import).

Used by the form validation actions and by the reply assistant (``partnerdesk.assist``).
"""

from __future__ import annotations

import re
from typing import Optional

OFFER_PATTERNS = {
    "action_pack": re.compile(r"\bmap\b|action\s*pack|액션\s*팩", re.IGNORECASE),
    "competency": re.compile(r"compet[ae]nc|역량|\b(gold|silver)\b|골드|실버", re.IGNORECASE),
}
_TOKEN_PROBLEM_PATTERNS = {
    "wrong_tenant": re.compile(r"tenant|테넌트|테 넌 트", re.IGNORECASE),
    "seats_added_by_mistake": re.compile(
        r"\bseats?\b|instead of extend|시트|사용자.{0,6}추가|추가.{0,6}사용자", re.IGNORECASE
    ),
}


def detect_offer(text: str) -> Optional[str]:
    """``action_pack`` or ``competency`` when exactly one of them is named."""
    found = [offer for offer, pattern in OFFER_PATTERNS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None


def detect_token_problem(text: str) -> Optional[str]:
    """The covered token problem the text describes, if any."""
    found = [name for name, pattern in _TOKEN_PROBLEM_PATTERNS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None


_REPLACED_BEFORE = {
    True: re.compile(
        r"already (?:got|received|had|requested|been given) (?:a |the |one )?replace"
        r"|(?<!not )(?<!never )(?:was|been|got it) replaced (?:once|before|already)"
        r"|이미 (?:한 번 )?(?:교체|대체)|(?:교체|대체)(?:받은|한|해 ?준|된) 적이? ?있"
        r"|(?:교체|대체) ?토큰을? (?:이미 )?받았",
        re.IGNORECASE,
    ),
    False: re.compile(
        r"never (?:been |got |had |received )?(?:a )?replace"
        r"|(?:not|n't) (?:been |had it )?replaced (?:before|yet)"
        r"|(?:no|never had a) replacement (?:before|yet)"
        r"|(?:교체|대체)(?:받은|한|된) 적(?:이|은)? ?없|처음 (?:교체|대체)",
        re.IGNORECASE,
    ),
}


def detect_replaced_before(text: str) -> Optional[bool]:
    """Whether the text says the token was replaced before (True), or never was (False)."""
    found = [value for value, pattern in _REPLACED_BEFORE.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None
