"""Form validation: read dates, offers and token facts from what the partner typed.

Each form's date slot is filled from a date anywhere in the message (the first
question may already carry it), from a date the partner gave just before
(``pending_date``), or, when the form asked for it, from the whole reply, so
that an unreadable answer gets a clear message and the question again.

A form asks only for what changes the answer (:meth:`DateFormValidation.needed_slots`;
README, "Rule questions"). Facts the partner gives while the form asked for something
else (a date when asked what went wrong, the offer when asked the date) are kept, and
said back before the question comes again (:mod:`actions.form_facts`).
"""

from __future__ import annotations

import abc
from datetime import date
from typing import Any, ClassVar, Dict, List, Optional, Text, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_facts import (
    acknowledge,
    facts_in,
    has_date,
    is_answer_to,
    latest_intent,
    latest_text,
)
from partnerdesk.core import clock
from partnerdesk.core.dates import find_date, format_date, parse_date
from partnerdesk.core.mentions import OFFER_PATTERNS, detect_token_problem
from partnerdesk.core.rule_routing import PAST_ONLY_SLOTS
from partnerdesk.core.rules import DateParseError, ImpossibleDateError, token_deadline

REQUESTED_SLOT = "requested_slot"


class DateFormValidation(FormValidationAction, metaclass=abc.ABCMeta):
    """Shared date handling; the SDK does not register abstract classes."""

    noted_slots: ClassVar[Tuple[str, ...]] = ()
    """Slots kept when the partner names them, though the form never asks for them."""

    @abc.abstractmethod
    def name(self) -> Text:
        """Form validation action name (each form's own)."""

    def needed_slots(self, domain_slots: List[Text], tracker: Tracker) -> List[Text]:
        """The slots still worth asking for, given what is known (default: the domain's)."""
        return domain_slots

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        """The needed slots, then the noted ones (extracted and validated, never asked)."""
        needed = self.needed_slots(domain_slots, tracker)
        return [*needed, *(slot for slot in self.noted_slots if slot not in needed)]

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Optional[EventType]:
        """The first needed slot still empty; None as its value completes the form."""
        needed = self.needed_slots(self.domain_slots(domain), tracker)
        missing = (slot for slot in needed if tracker.slots.get(slot) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Validate as usual, then say back facts given while something else was asked."""
        asked = tracker.get_slot(REQUESTED_SLOT)
        before = dict(tracker.slots)
        events = await super().run(dispatcher, tracker, domain)
        acknowledge(dispatcher, asked, before, events, tracker.get_slot("language") or "en")
        return events

    def extract_date(self, slot: str, tracker: Tracker) -> Dict[Text, Any]:
        """Candidate text for a date slot (validated by :meth:`validate_date`)."""
        text = latest_text(tracker)
        try:
            found = find_date(text, clock.today())
        except ImpossibleDateError as error:
            return {slot: error.matched_text}
        if found:
            return {slot: found.matched_text}
        pending = tracker.get_slot("pending_date")
        if pending and not tracker.get_slot(slot):
            return {slot: pending}
        if text and is_answer_to(tracker, slot) and not facts_in(text):
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

    async def extract_offer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The offer named in the message."""
        offer = facts_in(latest_text(tracker)).get("offer")
        return {"offer": offer} if offer else {}

    def validate_offer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Only the two offers the rules know."""
        return {"offer": value if value in OFFER_PATTERNS else None}


class ValidateRenewalForm(DateFormValidation):
    """Renewal window: the purchase date (the offer only picks the citation)."""

    noted_slots = ("offer",)

    def name(self) -> Text:
        """Form validation action name."""
        return "validate_renewal_form"

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

    noted_slots = ("offer",)

    async def extract_anniversary_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """An anniversary date from the message."""
        return self.extract_date("anniversary_date", tracker)

    def validate_anniversary_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A real anniversary date (it may lie ahead)."""
        return self.validate_date("anniversary_date", value, dispatcher, tracker)


class ValidateCovidForm(AnniversaryFormValidation):
    """COVID-19 extension: the competency anniversary."""

    def name(self) -> Text:
        """Form validation action name."""
        return "validate_covid_form"

    def needed_slots(self, domain_slots: List[Text], tracker: Tracker) -> List[Text]:
        """Nothing for the Action Pack: the extension never covers it, whatever the date."""
        return [] if tracker.slots.get("offer") == "action_pack" else domain_slots


class ValidateReactivationForm(AnniversaryFormValidation):
    """Missed renewal: the anniversary date."""

    def name(self) -> Text:
        """Form validation action name."""
        return "validate_reactivation_form"


class ValidateTokenForm(DateFormValidation):
    """Replacement token: the problem and the activation date.

    An earlier replacement is kept only when the partner says so; otherwise the answer
    states it as a condition.
    """

    noted_slots = ("replaced_before",)

    def name(self) -> Text:
        """Form validation action name."""
        return "validate_token_form"

    def needed_slots(self, domain_slots: List[Text], tracker: Tracker) -> List[Text]:
        """Only what changes the answer.

        An uncovered problem is answered the same for every date; an activation more than
        30 days back is answered "too late" whatever the problem.
        """
        if tracker.slots.get("token_problem") == "other":
            return ["token_problem"]
        activation = tracker.slots.get("activation_date")
        if activation and _deadline_passed(str(activation)):
            return ["activation_date"]
        return domain_slots

    async def extract_token_problem(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The problem named in the message; any other answer to the question is "other"."""
        text = latest_text(tracker)
        problem = detect_token_problem(text)
        if problem:
            return {"token_problem": problem}
        answer = is_answer_to(tracker, "token_problem") and latest_intent(tracker) != "inform_date"
        if text and answer and not facts_in(text) and not has_date(text):
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

    async def extract_replaced_before(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Whether the message says the token was replaced before."""
        said = facts_in(latest_text(tracker)).get("replaced_before")
        return {} if said is None else {"replaced_before": said}

    def validate_replaced_before(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A yes or no (the button's payload sends JSON true)."""
        return {"replaced_before": value if isinstance(value, bool) else None}


def _deadline_passed(activation_iso: str) -> bool:
    try:
        activation = date.fromisoformat(activation_iso)
    except ValueError:
        return False
    return clock.today() > token_deadline(activation)
