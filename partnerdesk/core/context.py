"""What the conversation carries from one answer to the next (no Rasa).

Follow-ups are read from two slots, never from a scan of the event list
(``contracts.md``, "Bounded history"):

- ``topic``: the rule the conversation is about (``renewal_window``, …) or ``other``;
  a bare date applies that rule. The NLU sets it on every FAQ answer and rule question.
- ``answer_context``: the last answer: its FAQ id, the next best answers (for the
  recovery after a 👎), and after a rule answer the rule, its date and offer (for
  "what about competencies?").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from partnerdesk.core.ranking import RankedAnswer
from partnerdesk.core.rule_routing import ROUTES
from partnerdesk.core.rules import FaqId, Offer, Rule

OTHER_TOPIC = "other"
"""The ``topic`` after an answer that no rule applies to."""
TOPICS = (*(route.rule.value for route in ROUTES), OTHER_TOPIC)
MAX_ALTERNATIVES = 3
"""At most this many next best answers are offered after a 👎."""
MIN_ALTERNATIVE_CONFIDENCE = 0.0001
"""A next best answer below this confidence is noise, not an alternative.

The linear selector's ranking is peaked (the answer ~0.99, the runner-ups ~0.001), so the
order of the runner-ups carries the information, not their size."""

_TOPIC_BY_INTENT = {route.intent: route.rule.value for route in ROUTES}
_TOPIC_BY_FAQ = {faq_id.value: route.rule.value for route in ROUTES for faq_id in route.faq_ids}
# The FAQ that answers the same question for the other offer ("what about competencies?").
_FAQ_FOR_OFFER: dict[tuple[str, Offer], str] = {
    (FaqId.renew_action_pack.value, Offer.competency): FaqId.renew_competency.value,
    (FaqId.renew_competency.value, Offer.action_pack): FaqId.renew_action_pack.value,
    ("vs_enterprise_in_action_pack", Offer.competency): "product_license_offers",
}
_OFFER_OF_FAQ = {
    FaqId.renew_action_pack.value: Offer.action_pack,
    FaqId.renew_competency.value: Offer.competency,
    "vs_enterprise_in_action_pack": Offer.action_pack,
    FaqId.covid_hardship.value: Offer.competency,
}


def topic_of_faq(faq_id: str) -> str:
    """The rule an FAQ answer is about, or ``other``."""
    return _TOPIC_BY_FAQ.get(faq_id, OTHER_TOPIC)


def topic_of_intent(intent: str | None) -> str | None:
    """The rule a rule question's intent asks about, or None for any other intent."""
    return _TOPIC_BY_INTENT.get(intent or "")


def alternatives(ranking: Sequence[RankedAnswer], answered: str) -> list[str]:
    """The next best FAQ answers after ``answered``, best first (at most three)."""
    return [
        answer.faq_id
        for answer in ranking
        if answer.faq_id != answered and answer.confidence >= MIN_ALTERNATIVE_CONFIDENCE
    ][:MAX_ALTERNATIVES]


def faq_context(faq_id: str, ranking: Sequence[RankedAnswer]) -> dict[str, Any]:
    """``answer_context`` after an FAQ answer."""
    return {"faq": faq_id, "alternatives": alternatives(ranking, faq_id)}


def rule_context(rule: Rule, faq_id: str, day: str | None, offer: str | None) -> dict[str, Any]:
    """``answer_context`` after a rule answer: the rule, the ISO date it used, the offer."""
    return {"faq": faq_id, "alternatives": [], "rule": rule.value, "date": day, "offer": offer}


def offer_of(context: Mapping[str, Any] | None) -> Offer | None:
    """The offer the last answer was about, if it was about one."""
    if not context:
        return None
    named = context.get("offer")
    if named in (Offer.action_pack.value, Offer.competency.value):
        return Offer(named)
    return _OFFER_OF_FAQ.get(str(context.get("faq")))


def other_offer(offer: Offer | None) -> Offer | None:
    """The offer a "what about the other one?" means."""
    if offer is None:
        return None
    return Offer.competency if offer is Offer.action_pack else Offer.action_pack


def faq_for_offer(faq_id: str, offer: Offer) -> str | None:
    """The FAQ that answers ``faq_id``'s question for ``offer``, if it is another one."""
    return _FAQ_FOR_OFFER.get((faq_id, offer))


def in_asked_order(text: str, answers: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Answers of a two-question message (each with its sentence ``text``) as asked.

    Sentences are found in the message; one not found keeps its place at the end.
    """

    def position(answer: Mapping[str, Any]) -> int:
        found = text.find(str(answer.get("text") or "\0"))
        return found if found >= 0 else len(text)

    return sorted(answers, key=position)
