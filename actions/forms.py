"""Form validation: read dates, offers and token problems from what the partner typed.

Each form's date slot is filled from a date anywhere in the message (the first
question may already carry it), from a date the partner gave just before
(``pending_date``), or, when the form asked for it, from the whole reply, so
that an unreadable answer gets a clear message and the question again.
"""

from __future__ import annotations

import abc
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from partnerdesk.core import clock
from partnerdesk.core.dates import find_date, format_date, parse_date
from partnerdesk.core.mentions import OFFER_PATTERNS, detect_offer, detect_token_problem
from partnerdesk.core.rule_routing import PAST_ONLY_SLOTS
from partnerdesk.core.rules import DateParseError, ImpossibleDateError

# Messages with these intents are interruptions, never answers to a form's question.
INTERRUPTING_INTENTS = frozenset(
    {
        "faq",
        "stop",
        "greet",
        "goodbye",
        "thank",
        "bot_challenge",
        "human_handoff",
        "feedback",
        "not_helpful",
    }
)


def _latest_text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def _latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _is_answer_to(tracker: Tracker, slot: str) -> bool:
    asked = tracker.get_slot("requested_slot") == slot
    return asked and _latest_intent(tracker) not in INTERRUPTING_INTENTS


class DateFormValidation(FormValidationAction, metaclass=abc.ABCMeta):
    """Shared date handling; the SDK does not register abstract classes."""

    @abc.abstractmethod
    def name(self) -> Text:
        """Form validation action name (each form's own)."""

    def extract_date(self, slot: str, tracker: Tracker) -> Dict[Text, Any]:
        """Candidate text for a date slot (validated by :meth:`validate_date`)."""
        text = _latest_text(tracker)
        try:
            found = find_date(text, clock.today())
        except ImpossibleDateError as error:
            return {slot: error.matched_text}
        if found:
            return {slot: found.matched_text}
        pending = tracker.get_slot("pending_date")
        if pending and not tracker.get_slot(slot):
            return {slot: pending}
        if text and _is_answer_to(tracker, slot):
            return {slot: text}
        return {}

    def validate_date(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[Text, Any]:
        """ISO date for a readable, possible date; else a clear message and ask again."""
        today = clock.today()
        try:
            parsed = parse_date(str(value), today)
        except ImpossibleDateError as error:
            dispatcher.utter_message(response="utter_date_impossible", date_text=error.matched_text)
            return {slot: None}
        except DateParseError:
            dispatcher.utter_message(response="utter_date_unparseable")
            return {slot: None}
        if slot in PAST_ONLY_SLOTS and parsed.value > today:
            language = tracker.get_slot("language") or "en"
            dispatcher.utter_message(
                response="utter_date_in_future", date=format_date(parsed.value, language)
            )
            return {slot: None}
        used_pending = {"pending_date": None} if tracker.get_slot("pending_date") else {}
        return {slot: parsed.value.isoformat(), **used_pending}


class ValidateRenewalForm(DateFormValidation):
    """Renewal window: the offer and the purchase date."""

    def name(self) -> Text:
        """Form validation action name."""
        return "validate_renewal_form"

    async def extract_offer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The offer named in the message."""
        offer = detect_offer(_latest_text(tracker))
        return {"offer": offer} if offer else {}

    def validate_offer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Only the two offers the renewal rule knows."""
        return {"offer": value if value in OFFER_PATTERNS else None}

    async def extract_purchase_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A purchase date from the message."""
        return self.extract_date("purchase_date", tracker)

    def validate_purchase_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A real purchase date that is not in the future."""
        return self.validate_date("purchase_date", value, dispatcher, tracker)


class AnniversaryFormValidation(DateFormValidation, metaclass=abc.ABCMeta):
    """Forms that need the anniversary date (and note an offer named with it)."""

    async def extract_anniversary_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """An anniversary date from the message."""
        return self.extract_date("anniversary_date", tracker)

    def validate_anniversary_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A real anniversary date (it may lie ahead), and the offer if the message names one."""
        offer = detect_offer(_latest_text(tracker))
        validated = self.validate_date("anniversary_date", value, dispatcher, tracker)
        return {**validated, **({"offer": offer} if offer else {})}


class ValidateCovidForm(AnniversaryFormValidation):
    """COVID-19 extension: the competency anniversary."""

    def name(self) -> Text:
        """Form validation action name."""
        return "validate_covid_form"


class ValidateReactivationForm(AnniversaryFormValidation):
    """Missed renewal: the anniversary date."""

    def name(self) -> Text:
        """Form validation action name."""
        return "validate_reactivation_form"


class ValidateTokenForm(DateFormValidation):
    """Replacement token: the problem, the activation date, and any earlier replacement."""

    def name(self) -> Text:
        """Form validation action name."""
        return "validate_token_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        """An uncovered problem needs nothing more: the answer is the same for every date."""
        if tracker.get_slot("token_problem") == "other":
            return ["token_problem"]
        return domain_slots

    async def extract_token_problem(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The problem named in the message; any other answer to the question is "other"."""
        problem = detect_token_problem(_latest_text(tracker))
        if problem:
            return {"token_problem": problem}
        if _latest_text(tracker) and _is_answer_to(tracker, "token_problem"):
            return {"token_problem": "other"}
        return {}

    async def extract_activation_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """An activation date from the message."""
        return self.extract_date("activation_date", tracker)

    def validate_activation_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A real activation date that is not in the future."""
        return self.validate_date("activation_date", value, dispatcher, tracker)
