"""Answer partner-specific questions: slots in, one rule, one response out.

Each action reads the form's slots, applies one pure rule from ``partnerdesk.core.rules``
and dispatches the response named after the result (``utter_<rule>_<status>``),
with the dates written in the partner's language, the FAQ citation, and, for a window
or deadline still ahead, the "Add to calendar" link (and a "Remind me" button in Slack).
The form's slots are cleared afterwards, so the next question starts fresh; the rule,
its date and offer stay in ``answer_context`` for a follow-up ("what about competencies?").
"""

from __future__ import annotations

import abc
from datetime import date
from typing import Any, ClassVar, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from partnerdesk.core import clock
from partnerdesk.core.calendar import calendar_event, can_remind, reminder_payload
from partnerdesk.core.context import offer_of, rule_context
from partnerdesk.core.dates import find_date, format_date
from partnerdesk.core.responses import response_text
from partnerdesk.core.rule_replies import response_name, response_variables
from partnerdesk.core.rule_routing import DEFAULT_COVID_OFFER, ROUTE_BY_RULE
from partnerdesk.core.rules import (
    ImpossibleDateError,
    Offer,
    RuleResult,
    RulesInputError,
    TokenProblem,
    covid_extension,
    reactivation,
    renewal_window,
    replacement_token,
)

SLACK = "slack"


def dispatch_result(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: Dict[Text, Any],
    result: RuleResult,
    day: Optional[str],
    assumed_first: bool = False,
    **extra: Any,
) -> List[EventType]:
    """Send the response that explains ``result``; return the new ``answer_context``.

    Args:
        dispatcher: Where the response goes.
        tracker: The conversation (its language and channel).
        domain: The domain as the action server received it (the button titles).
        result: The rule's result.
        day: The ISO date the partner gave (None: the answer needed none).
        assumed_first: A replacement-token answer that assumed no earlier replacement.
        **extra: More template variables (a button's payload values).
    """
    language = tracker.get_slot("language") or "en"
    today = clock.today()
    variables = response_variables(result, language, today)
    buttons = _reminder_buttons(tracker, domain, result, language, today)
    dispatcher.utter_message(
        response=response_name(result, today, assumed_first), buttons=buttons, **variables, **extra
    )
    offer = getattr(result, "offer", None)
    context = rule_context(result.rule, result.faq_id.value, day, offer.value if offer else None)
    return [SlotSet("answer_context", context), SlotSet("topic", result.rule.value)]


def _reminder_buttons(
    tracker: Tracker, domain: Dict[Text, Any], result: RuleResult, language: str, today: date
) -> List[Dict[Text, Any]]:
    """In Slack, "Remind me" when the event's first day is within Slack's schedule limit."""
    event = calendar_event(result, today)
    if tracker.get_latest_input_channel() != SLACK or event is None:
        return []
    if not can_remind(event, today):
        return []
    title = response_text(
        "utter_button_remind_me", language, channel=SLACK, responses=domain.get("responses")
    )
    return [{"title": title, "payload": reminder_payload(event, language)}] if title else []


class RuleAnswerAction(Action, metaclass=abc.ABCMeta):
    """Applies one rule to the form's slots and answers; clears the slots after."""

    form_slots: ClassVar[List[str]] = []

    @abc.abstractmethod
    def apply_rule(self, tracker: Tracker) -> RuleResult:
        """Run the rule on the slots."""

    def extra_variables(self, tracker: Tracker, result: RuleResult) -> Dict[Text, Any]:
        """Template variables beyond the result's (default: none)."""
        return {}

    def assumed_first(self, tracker: Tracker, result: RuleResult) -> bool:
        """Whether the answer assumed something the partner didn't say (default: no)."""
        return False

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Answer, or say the dates could not be used."""
        events: List[EventType] = []
        try:
            result = self.apply_rule(tracker)
        except RulesInputError:
            dispatcher.utter_message(response="utter_date_unparseable")
        else:
            events = dispatch_result(
                dispatcher,
                tracker,
                domain,
                result,
                tracker.get_slot(ROUTE_BY_RULE[result.rule].date_slot),
                self.assumed_first(tracker, result),
                **self.extra_variables(tracker, result),
            )
        return [*events, *(SlotSet(slot, None) for slot in self.form_slots)]


def renewal_offer(tracker: Tracker) -> Offer:
    """The offer named, else the last answer's, else the Action Pack (same window rule)."""
    named = tracker.get_slot("offer")
    if named in (Offer.action_pack.value, Offer.competency.value):
        return Offer(named)
    return offer_of(tracker.get_slot("answer_context")) or Offer.action_pack


class ActionAnswerRenewal(RuleAnswerAction):
    """The renewal window for the purchase date."""

    form_slots: ClassVar[List[str]] = ["offer", "purchase_date"]

    def name(self) -> Text:
        """Action name."""
        return "action_answer_renewal"

    def apply_rule(self, tracker: Tracker) -> RuleResult:
        """Renewal window rule; the window is the same for both offers."""
        offer = renewal_offer(tracker)
        return renewal_window(tracker.get_slot("purchase_date"), clock.today(), offer)


class ActionAnswerCovid(RuleAnswerAction):
    """Whether the COVID-19 extension applies to the anniversary."""

    form_slots: ClassVar[List[str]] = ["offer", "anniversary_date"]

    def name(self) -> Text:
        """Action name."""
        return "action_answer_covid"

    def apply_rule(self, tracker: Tracker) -> RuleResult:
        """COVID extension rule; about a competency unless told otherwise.

        For the Action Pack no date is asked (the answer is the same for every date).
        """
        offer = tracker.get_slot("offer") or DEFAULT_COVID_OFFER
        day = tracker.get_slot("anniversary_date") or clock.today()
        return covid_extension(day, offer)


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
        """Replacement-token rule.

        An uncovered problem needs no date. Past the deadline the problem was not asked:
        both covered problems get the same answer. An earlier replacement the partner
        didn't mention is assumed not to have happened, and the answer says so.
        """
        today = clock.today()
        problem = tracker.get_slot("token_problem") or TokenProblem.wrong_tenant
        activation = tracker.get_slot("activation_date") or today
        replaced_before = bool(tracker.get_slot("replaced_before"))
        return replacement_token(activation, today, problem, replaced_before)

    def assumed_first(self, tracker: Tracker, result: RuleResult) -> bool:
        """True when the partner never said whether the token was replaced before."""
        return tracker.get_slot("replaced_before") is None

    def extra_variables(self, tracker: Tracker, result: RuleResult) -> Dict[Text, Any]:
        """The problem, for the "It was replaced before" button's payload."""
        return {"token_problem": getattr(result, "reason", TokenProblem.wrong_tenant).value}


class ActionRememberDate(Action):
    """A date given without a question or topic: keep it and ask what to work out with it."""

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
        language: Optional[str] = tracker.get_slot("language") or "en"
        dispatcher.utter_message(
            response="utter_ask_what_date_is_for", date=format_date(found.value, language or "en")
        )
        return [SlotSet("pending_date", found.value.isoformat())]
