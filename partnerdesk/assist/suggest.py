"""The reply assistant's core: ranked draft replies from the loaded Rasa agent.

One parse of the partner's message gives the response selector's full ranking of FAQ
answers. Each draft is the FAQ's chat response (``utter_faq/<id>``) in the partner's
language and in English, with the title and cited section from the knowledge file.
When the message asks a partner-specific question and carries the date it needs, the
rule is applied and explained with the chat's own response. Nothing is stored: an
agent's draft is not a conversation. Callers: the ``assist`` HTTP channel and the
Slack slash command.
"""

from __future__ import annotations

from datetime import date
from typing import Any, List, Optional, Tuple

from partnerdesk.assist.models import (
    Citation,
    RuleOutcome,
    Suggestion,
    SuggestRequest,
    SuggestResponse,
)
from partnerdesk.assist.responses import Responses, render
from partnerdesk.core import clock
from partnerdesk.core.knowledge import load_knowledge
from partnerdesk.core.language import detect_language
from partnerdesk.core.ranking import (
    CAUGHT_INTENTS,
    AnswerThresholds,
    answer_key,
    faq_ranking,
    intent_name,
)
from partnerdesk.core.rule_replies import response_name, response_variables
from partnerdesk.core.rule_routing import ROUTE_BY_RULE, GivenDateError, apply_rule, choose_rule
from partnerdesk.core.rules import Rule, RuleResult

_FALLBACK_COMPONENT = "AnswerAwareFallbackClassifier"


class AssistUnavailable(RuntimeError):
    """The server cannot answer now (model not loaded, or today is misconfigured)."""


class AssistRequestError(ValueError):
    """The request is well-formed but cannot be used (e.g. a purchase date after today)."""


def answer_thresholds(agent: Any) -> AnswerThresholds:
    """The thresholds the loaded model's ``AnswerAwareFallbackClassifier`` runs with."""
    from partnerdesk.nlu.answer_fallback import AnswerAwareFallbackClassifier

    config = AnswerAwareFallbackClassifier.get_default_config()
    for node in agent.processor.model_metadata.predict_schema.nodes.values():
        if node.uses.__name__ == _FALLBACK_COMPONENT:
            config = {**config, **node.config}
    return AnswerThresholds(config["answer_threshold"], config["answer_ambiguity_threshold"])


async def suggest(
    agent: Any, request: SuggestRequest, today: Optional[date] = None
) -> SuggestResponse:
    """Ranked drafts for the partner's message, with a rule answer when a date allows one.

    Args:
        agent: The loaded Rasa agent (``rasa.core.agent.Agent``).
        request: The validated request.
        today: The date rules treat as today; ``PARTNERDESK_TODAY`` / the clock when omitted.

    Raises:
        AssistUnavailable: The agent has no model loaded, or today cannot be read.
        AssistRequestError: A date field the rule refuses (a future purchase date).
    """
    from rasa.core.exceptions import AgentNotReady

    try:
        parsed = await agent.parse_message(request.text)
    except AgentNotReady as error:
        raise AssistUnavailable("The model is not loaded yet; try again shortly.") from error
    language = detect_language(request.text) or "en"
    ranking = _faq_ranking(parsed)
    intent = intent_name(parsed)
    thresholds = answer_thresholds(agent)
    fallback = intent in CAUGHT_INTENTS or not thresholds.cleared([c for _, c in ranking])
    responses = agent.domain.responses
    suggestions = [
        _suggestion(
            faq_id,
            confidence,
            language,
            responses,
            fallback or confidence < thresholds.answer_threshold,
        )
        for faq_id, confidence in ranking[: request.top]
    ]
    faq_ids = [faq_id for faq_id, _ in ranking]
    rule = None if intent in CAUGHT_INTENTS else choose_rule(intent, faq_ids)
    result = _apply(rule, request, faq_ids, today) if rule is not None else None
    rule_result = _outcome(result, language, responses, today) if result else None
    return SuggestResponse(
        language=language, suggestions=suggestions, rule_result=rule_result, fallback=fallback
    )


def _faq_ranking(parsed: Any) -> List[Tuple[str, float]]:
    """``(faq_id, confidence)`` best first, for the ids the knowledge file knows."""
    known = {faq.id for faq in load_knowledge().faqs}
    return [(a.faq_id, a.confidence) for a in faq_ranking(parsed) if a.faq_id in known]


def _suggestion(
    faq_id: str, confidence: float, language: str, responses: Responses, low_confidence: bool
) -> Suggestion:
    entry = load_knowledge().by_id(faq_id)
    name = f"utter_{answer_key(faq_id)}"
    return Suggestion(
        faq_id=faq_id,
        confidence=round(confidence, 4),
        title=entry.title.get(language),
        reply=render(responses, name, language) or entry.answer.get(language),
        reply_en=render(responses, name, "en") or entry.answer.en,
        citation=Citation(section=entry.section.name.get(language), url=entry.url.get(language)),
        low_confidence=low_confidence,
    )


def _apply(
    rule: Rule, request: SuggestRequest, faq_ids: List[str], today: Optional[date]
) -> Optional[RuleResult]:
    try:
        day = today or clock.today()
    except ValueError as error:
        raise AssistUnavailable(f"The server's date setting is wrong: {error}") from error
    try:
        given = request.given_date(ROUTE_BY_RULE[rule].date_slot)
        return apply_rule(rule, request.text, given, faq_ids, day)
    except GivenDateError as error:
        raise AssistRequestError(str(error)) from error


def _outcome(
    result: RuleResult, language: str, responses: Responses, today: Optional[date]
) -> RuleOutcome:
    day = today or clock.today()  # read once already by _apply, so it is valid
    name = response_name(result, day)
    return RuleOutcome(
        rule=result.rule.value,
        status=result.status.value,
        dates={key: value.isoformat() for key, value in result.dates.items()},
        faq_id=result.faq_id.value,
        explanation=render(responses, name, language, **response_variables(result, language, day))
        or name,
    )
