"""What the partner sees when NLU predicts ``nlu_fallback``.

Two or three close FAQ answers give "did you mean …?" buttons (titles in the
partner's language, payload ``/faq/<id>``); anything else gets the honest
"cannot answer" reply with where to get help; a message with no words asks
for a question. The second fallback reply in a row comes with the offer of a
person (:func:`actions.handoff.offer_person_if_again`).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import offer_person_if_again
from partnerdesk.core.knowledge import load_knowledge
from partnerdesk.core.ranking import answer_key, close_answers


class ActionFaqFallback(Action):
    """Offers close FAQ answers as buttons, or says honestly that it cannot answer."""

    def name(self) -> Text:
        """Action name used in the domain."""
        return "action_faq_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Dispatches ``utter_did_you_mean`` with buttons or ``utter_cannot_answer``."""
        if tracker.latest_message.get("fallback_reason") == "no_words":
            dispatcher.utter_message(response="utter_empty_message")
            offer_person_if_again(tracker, dispatcher)
            return []
        faq_ids = close_answers(tracker.latest_message)
        if not faq_ids:
            dispatcher.utter_message(response="utter_cannot_answer")
            offer_person_if_again(tracker, dispatcher)
            return []
        language = tracker.get_slot("language") or "en"
        knowledge = load_knowledge()
        buttons = [
            {
                "title": knowledge.by_id(faq_id).title.get(language),
                "payload": f"/{answer_key(faq_id)}",
            }
            for faq_id in faq_ids
        ]
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        return []
