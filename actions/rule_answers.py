"""Answer partner-specific questions: slots in, one rule, one response out.

Each action reads the form's slots, applies one pure rule from ``partnerdesk.core.rules``
and dispatches the response named after the result (``utter_<rule>_<status>``),
with the dates written in the partner's language and the FAQ citation.
The form's slots are cleared afterwards, so the next question starts fresh.
"""

from __future__ import annotations

import abc
from typing import Any, ClassVar, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from partnerdesk.core import clock
from partnerdesk.core.dates import find_date, format_date
from partnerdesk.core.rule_replies import response_name, response_variables
from partnerdesk.core.rule_routing import DEFAULT_COVID_OFFER
from partnerdesk.core.rules import (
    ImpossibleDateError,
    RuleResult,
    RulesInputError,
    covid_extension,
    reactivation,
    renewal_window,
    replacement_token,
)


def dispatch_result(dispatcher: CollectingDispatcher, result: RuleResult, language: str) -> None:
    """Send the response that explains ``result``."""
    dispatcher.utter_message(response=response_name(result), **response_variables(result, language))


class RuleAnswerAction(Action, metaclass=abc.ABCMeta):
    """Applies one rule to the form's slots and answers; clears the slots after."""

    form_slots: ClassVar[List[str]] = []

    @abc.abstractmethod
    def apply_rule(self, tracker: Tracker) -> RuleResult:
        """Run the rule on the slots."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Answer, or say the dates could not be used."""
        try:
            result = self.apply_rule(tracker)
        except RulesInputError:
            dispatcher.utter_message(response="utter_date_unparseable")
        else:
            dispatch_result(dispatcher, result, tracker.get_slot("language") or "en")
        return [SlotSet(slot, None) for slot in self.form_slots]


class ActionAnswerRenewal(RuleAnswerAction):
    """The renewal window for the purchase date."""

    form_slots: ClassVar[List[str]] = ["offer", "purchase_date"]

    def name(self) -> Text:
        """Action name."""
        return "action_answer_renewal"

    def apply_rule(self, tracker: Tracker) -> RuleResult:
        """Renewal window rule."""
        return renewal_window(
            tracker.get_slot("purchase_date"), clock.today(), tracker.get_slot("offer")
        )


class ActionAnswerCovid(RuleAnswerAction):
    """Whether the COVID-19 extension applies to the anniversary."""

    form_slots: ClassVar[List[str]] = ["offer", "anniversary_date"]

    def name(self) -> Text:
        """Action name."""
        return "action_answer_covid"

    def apply_rule(self, tracker: Tracker) -> RuleResult:
        """COVID extension rule; the question is about a competency unless told otherwise."""
        offer = tracker.get_slot("offer") or DEFAULT_COVID_OFFER
        return covid_extension(tracker.get_slot("anniversary_date"), offer)


class ActionAnswerReactivation(RuleAnswerAction):
    """What to do after a missed renewal."""

    form_slots: ClassVar[List[str]] = ["offer", "anniversary_date"]

    def name(self) -> Text:
        """Action name."""
        return "action_answer_reactivation"

    def apply_rule(self, tracker: Tracker) -> RuleResult:
        """Reactivation rule."""
        return reactivation(tracker.get_slot("anniversary_date"), clock.today())


class ActionAnswerToken(RuleAnswerAction):
    """Whether a replacement token can still be issued."""

    form_slots: ClassVar[List[str]] = ["token_problem", "activation_date", "replaced_before"]

    def name(self) -> Text:
        """Action name."""
        return "action_answer_token"

    def apply_rule(self, tracker: Tracker) -> RuleResult:
        """Replacement-token rule; an uncovered problem needs no date."""
        problem = tracker.get_slot("token_problem")
        today = clock.today()
        activation = tracker.get_slot("activation_date") or today
        replaced_before = bool(tracker.get_slot("replaced_before"))
        return replacement_token(activation, today, problem, replaced_before)


class ActionRememberDate(Action):
    """A date given without a question: keep it and ask what to work out with it."""

    def name(self) -> Text:
        """Action name."""
        return "action_remember_date"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Store the date in ``pending_date`` and offer the rules as buttons."""
        text = tracker.latest_message.get("text") or ""
        try:
            found = find_date(text, clock.today())
        except ImpossibleDateError as error:
            dispatcher.utter_message(response="utter_date_impossible", date_text=error.matched_text)
            return []
        if found is None:
            dispatcher.utter_message(response="utter_date_unparseable")
            return []
        language = tracker.get_slot("language") or "en"
        dispatcher.utter_message(
            response="utter_ask_what_date_is_for", date=format_date(found.value, language)
        )
        return [SlotSet("pending_date", found.value.isoformat())]
