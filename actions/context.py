"""Answers that use what the conversation already holds.

- ``action_answer_other_offer``: "what about competencies?" / "그럼 역량은요?" answers the
  last question again for the other offer: the rule with the same date, or the FAQ
  answer that covers that offer.
- ``action_answer_both_questions``: a message asking two FAQ questions gets both
  answers (each one message with its citation and feedback buttons), in the order asked.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_fallback import ActionFaqFallback
from actions.form_facts import latest_text
from actions.rule_answers import dispatch_result
from partnerdesk.core import clock
from partnerdesk.core.citations import citation
from partnerdesk.core.context import (
    faq_context,
    faq_for_offer,
    in_asked_order,
    offer_of,
    other_offer,
    topic_of_faq,
)
from partnerdesk.core.mentions import detect_offer
from partnerdesk.core.ranking import faq_id_of
from partnerdesk.core.rules import (
    FaqId,
    Offer,
    Rule,
    RuleResult,
    RulesInputError,
    TokenProblem,
    covid_extension,
    reactivation,
    renewal_window,
    replacement_token,
)

MAX_ANSWERS = 2


def _rule_for_offer(context: Mapping[str, Any], offer: Offer) -> Optional[RuleResult]:
    """The last rule answer again, for ``offer`` (the same date)."""
    rule, day, today = context.get("rule"), context.get("date"), clock.today()
    try:
        if rule == Rule.renewal_window.value and day:
            return renewal_window(day, today, offer)
        if rule == Rule.covid_extension.value and (day or offer is Offer.action_pack):
            return covid_extension(day or today, offer)
        if rule == Rule.reactivation.value and day:
            return reactivation(day, today)
        if rule == Rule.replacement_token.value and day:
            return replacement_token(day, today, TokenProblem.wrong_tenant, False)
    except RulesInputError:
        return None
    return None


class ActionAnswerOtherOffer(Action):
    """The last answer, for the offer the partner now asks about."""

    def name(self) -> Text:
        """Action name."""
        return "action_answer_other_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """Answer for the other offer, or ask like a fallback when there is no last answer."""
        context = tracker.get_slot("answer_context")
        context = context if isinstance(context, dict) else {}
        named = detect_offer(latest_text(tracker))
        offer = Offer(named) if named else other_offer(offer_of(context))
        if offer is None or not context:
            return await ActionFaqFallback().run(dispatcher, tracker, domain)
        if context.get("rule"):
            result = _rule_for_offer(context, offer)
            if result is not None and result.rule is not Rule.covid_extension:
                # The same rule for both offers: say so, then the answer with its citation.
                dispatcher.utter_message(response=f"utter_same_for_{offer.value}")
            if result is not None:
                return dispatch_result(dispatcher, tracker, domain, result, context.get("date"))
        faq_id = str(context.get("faq") or "")
        if faq_id == FaqId.covid_hardship.value and offer is Offer.action_pack:
            language = tracker.get_slot("language") or "en"
            dispatcher.utter_message(
                response="utter_covid_extension_not_applicable_offer",
                **citation(FaqId.covid_hardship.value, language),
            )
            return []
        target = faq_for_offer(faq_id, offer) or faq_id
        if not target:
            return await ActionFaqFallback().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response=f"utter_faq/{target}")
        return [
            SlotSet("answer_context", faq_context(target, [])),
            SlotSet("topic", topic_of_faq(target)),
        ]


class ActionAnswerBothQuestions(Action):
    """Both FAQ answers of a two-question message, in the order they were asked."""

    def name(self) -> Text:
        """Action name."""
        return "action_answer_both_questions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        """One message per answer; falls back to the selector's answer without a list."""
        message = tracker.latest_message
        answers = in_asked_order(message.get("text") or "", message.get("faq_answers") or [])
        keys = [str(a.get("intent_response_key") or "") for a in answers][:MAX_ANSWERS]
        if not keys:
            selector = (message.get("response_selector") or {}).get("faq") or {}
            keys = [str((selector.get("response") or {}).get("intent_response_key") or "")]
        for key in keys:
            if key:
                dispatcher.utter_message(response=f"utter_faq/{faq_id_of(key)}")
        return []
