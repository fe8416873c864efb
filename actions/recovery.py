"""After a 👎 or "that didn't help": the next best answers, and the offer of a person.

Never just "thanks": the answers that came next for the partner's question are offered
as buttons (from ``answer_context``, which the NLU filled when the question was answered,
see ``partnerdesk.nlu.context``), then a person (``/human_handoff{"handoff_reason":
"thumbs_down"}``, issue 12's handoff). A 👎 on an older answer than the last one gets
the offer of a person only: the alternatives belong to the last answer.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from partnerdesk.core.knowledge import load_knowledge
from partnerdesk.core.ranking import answer_key


def _clicked_faq(tracker: Tracker) -> Optional[str]:
    """The FAQ id a 👎 click names (None for a typed complaint)."""
    entities = tracker.latest_message.get("entities") or []
    named = [e.get("value") for e in entities if e.get("entity") == "feedback_faq"]
    return str(named[0]) if named and named[0] else None


def next_best_answers(tracker: Tracker) -> List[str]:
    """The next best answers to the question whose answer didn't help."""
    context = tracker.get_slot("answer_context")
    if not isinstance(context, dict):
        return []
    clicked = _clicked_faq(tracker)
    if clicked is not None and clicked != context.get("faq"):
        return []
    known = {faq.id for faq in load_knowledge().faqs}
    alternatives = context.get("alternatives")
    return [str(a) for a in alternatives or [] if a in known and a != context.get("faq")]


class ActionRecover(Action):
    """Offers the next best answers as buttons, then a person."""

    def name(self) -> Text:
        """Action name."""
        return "action_recover"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Dispatch the alternatives (if any) and the offer of a person."""
        language = tracker.get_slot("language") or "en"
        faq_ids = next_best_answers(tracker)
        if faq_ids:
            knowledge = load_knowledge()
            buttons = [
                {"title": knowledge.by_id(i).title.get(language), "payload": f"/{answer_key(i)}"}
                for i in faq_ids
            ]
            dispatcher.utter_message(response="utter_recovery_alternatives", buttons=buttons)
            dispatcher.utter_message(response="utter_recovery_person")
        else:
            dispatcher.utter_message(response="utter_recovery_person_only")
        return []
