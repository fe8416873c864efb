"""What the partner sees when NLU predicts ``nlu_fallback``.

Two or three close FAQ answers give "did you mean …?" buttons (titles in the
partner's language, payload ``/faq/<id>``); anything else gets the honest
"cannot answer" reply with where to get help; a message with no words asks
for a question.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from partnerdesk.knowledge import load_knowledge

MAX_SUGGESTIONS = 3
# A candidate answer must have at least this response-selector confidence ...
MIN_CANDIDATE_CONFIDENCE = 0.1
# ... and the candidates together must cover this much, or it is a guess.
MIN_COMBINED_CONFIDENCE = 0.5


def close_answers(parse_data: Dict[Text, Any]) -> List[str]:
    """FAQ ids of the two or three answers that are close, else an empty list.

    Suggestions are only made when the FAQ intent itself was the best guess:
    a message that looked out of scope gets no FAQ buttons.
    """
    ranking = [r for r in parse_data.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
    if not ranking or ranking[0]["name"] != "faq":
        return []
    answers = ((parse_data.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
    candidates = [
        a for a in answers[:MAX_SUGGESTIONS] if a["confidence"] >= MIN_CANDIDATE_CONFIDENCE
    ]
    if len(candidates) < 2 or sum(a["confidence"] for a in candidates) < MIN_COMBINED_CONFIDENCE:
        return []
    return [a["intent_response_key"].split("/", 1)[1] for a in candidates]


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
            return []
        faq_ids = close_answers(tracker.latest_message)
        if not faq_ids:
            dispatcher.utter_message(response="utter_cannot_answer")
            return []
        language = tracker.get_slot("language") or "en"
        knowledge = load_knowledge()
        buttons = [
            {"title": knowledge.by_id(faq_id).title.get(language), "payload": f"/faq/{faq_id}"}
            for faq_id in faq_ids
        ]
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        return []
