"""Learning from the traffic: partner questions worth adding to the training data.

A **proposal** is a partner's question, in their words, and the FAQ it most likely belongs
to, with the evidence from the same conversation:

- ``thumbs_up``: it got that FAQ's answer with low confidence (below
  :data:`~partnerdesk.report.gaps.LOW_CONFIDENCE`) and the partner clicked 👍 under it;
- ``did_you_mean``: PartnerDesk was not sure and offered "did you mean", and the partner
  clicked that FAQ;
- ``rephrase``: it got a low-confidence answer or none, and the partner's next question,
  within :data:`REPHRASE_WITHIN_S` seconds, got that FAQ's answer with confidence.

A 👎 on the answer vetoes the proposal. Questions that masking would change (they carry
an address, a key or a token), that hold Rasa's entity markup, that are already training
examples or held-out lines, or that a person rejected before are never proposed. Nothing
here writes training data: :mod:`partnerdesk.report.nlu_files` does, when a person
accepts a proposal (``partnerdesk suggest-training accept <id>``).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set

from partnerdesk.core.privacy import mask
from partnerdesk.report.gaps import (
    FALLBACK,
    FEEDBACK_INTENT,
    HELPFUL_VALUES,
    LOW_CONFIDENCE,
    UserTurn,
    gap_reason,
)

REPHRASE_WITHIN_S = 300.0
MIN_LENGTH, MAX_LENGTH = 3, 300
MAX_REPHRASINGS_SHOWN = 3
DID_YOU_MEAN = "utter_did_you_mean"
EVIDENCE = ("thumbs_up", "did_you_mean", "rephrase")
_ENTITY_MARKUP = re.compile(r"\[[^\]]*\]\s*[({]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, punctuation and spaces as one space: how examples are compared."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def proposal_id(faq_id: str, text: str) -> str:
    """A short, stable id of a proposal (the FAQ and the normalised text)."""
    return hashlib.sha1(f"{faq_id}\n{normalise(text)}".encode()).hexdigest()[:8]


@dataclass
class Proposal:
    """A question to add to an FAQ's training examples, and why."""

    id: str
    text: str
    language: str
    faq_id: str
    confidence: Optional[float]
    evidence: Dict[str, int] = field(default_factory=dict)
    seen: int = 0
    rephrasings: List[str] = field(default_factory=list)
    last_seen: float = 0.0


def _is_question(turn: UserTurn) -> bool:
    text = turn.text.strip()
    return bool(text) and not text.startswith("/")


def _clicked(turn: UserTurn, faq_id: str) -> Optional[bool]:
    """True for 👍 on ``faq_id``, False for 👎, None for anything else."""
    if turn.intent != FEEDBACK_INTENT or turn.entities.get("feedback_faq") != faq_id:
        return None
    return HELPFUL_VALUES.get(str(turn.entities.get("helpful")))


def _confident(turn: Optional[UserTurn]) -> Optional[str]:
    if turn is None or turn.answered_faq is None:
        return None
    if turn.answer_confidence is None or turn.answer_confidence < LOW_CONFIDENCE:
        return None
    return turn.answered_faq


def _evidence(turns: List[UserTurn], index: int) -> Dict[str, Dict[str, int]]:
    """Evidence per FAQ id for the question ``turns[index]``; an empty dict if vetoed."""
    turn = turns[index]
    following = turns[index + 1 :]
    later = next((t for t in following if _is_question(t)), None)
    clicks = following[: following.index(later)] if later else following
    if later is not None and later.timestamp - turn.timestamp > REPHRASE_WITHIN_S:
        later = None
    found: Dict[str, Dict[str, int]] = defaultdict(dict)
    low = (
        turn.answered_faq is not None
        and turn.answer_confidence is not None
        and turn.answer_confidence < LOW_CONFIDENCE
    )
    if low and turn.answered_faq:
        votes = [_clicked(t, turn.answered_faq) for t in clicks]
        if False in votes:
            return {}
        if True in votes:
            found[turn.answered_faq]["thumbs_up"] = 1
    if DID_YOU_MEAN in turn.replies and clicks and clicks[0].text.startswith("/faq/"):
        if clicks[0].answered_faq:
            found[clicks[0].answered_faq]["did_you_mean"] = 1
    if low or gap_reason(turn) == FALLBACK:
        rephrased = _confident(later)
        if rephrased and (not low or rephrased == turn.answered_faq):
            found[rephrased]["rephrase"] = 1
    return dict(found)


def proposals(turns: Iterable[UserTurn], known: Set[str], decided: Set[str]) -> List[Proposal]:
    """The proposals found in ``turns`` (see the module), the best supported first.

    Args:
        turns: User turns of any number of conversations, each conversation's in order.
        known: Normalised texts already in the training data or the held-out sets.
        decided: Ids of proposals a person accepted or rejected before.
    """
    by_sender: Dict[str, List[UserTurn]] = defaultdict(list)
    for turn in turns:
        by_sender[turn.sender_id].append(turn)
    found: Dict[str, Proposal] = {}
    for conversation in by_sender.values():
        for index, turn in enumerate(conversation):
            text = " ".join(turn.text.split())
            if not _is_question(turn) or not MIN_LENGTH <= len(text) <= MAX_LENGTH:
                continue
            if mask(text) != text or _ENTITY_MARKUP.search(text) or normalise(text) in known:
                continue
            for faq_id, evidence in _evidence(conversation, index).items():
                key = proposal_id(faq_id, text)
                if key in decided:
                    continue
                proposal = found.setdefault(
                    key, Proposal(key, text, turn.language, faq_id, turn.answer_confidence)
                )
                proposal.seen += 1
                proposal.last_seen = max(proposal.last_seen, turn.timestamp)
                for kind, count in evidence.items():
                    proposal.evidence[kind] = proposal.evidence.get(kind, 0) + count
                if turn.answer_confidence is not None:
                    proposal.confidence = min(proposal.confidence or 1.0, turn.answer_confidence)
                later = next((t for t in conversation[index + 1 :] if _is_question(t)), None)
                if "rephrase" in evidence and later is not None:
                    wording = mask(later.text.strip())
                    if wording not in proposal.rephrasings:
                        proposal.rephrasings.append(wording)
                        del proposal.rephrasings[MAX_REPHRASINGS_SHOWN:]
    return sorted(
        found.values(), key=lambda p: (-sum(p.evidence.values()), -p.seen, -p.last_seen, p.id)
    )
