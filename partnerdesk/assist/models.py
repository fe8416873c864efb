"""Request and response of the reply assistant (pydantic v1)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional

from pydantic import BaseModel, ValidationError, conint, constr, validator

MAX_TEXT_CHARS = 5000
MAX_TOP = 10
DEFAULT_TOP = 3
DATE_FIELDS = ("purchase_date", "anniversary_date", "activation_date")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
if TYPE_CHECKING:  # pydantic v1's constrained types are plain str and int to mypy
    MessageText = str
    TopCount = int
else:
    MessageText = constr(strict=True, min_length=1, max_length=MAX_TEXT_CHARS)
    TopCount = conint(strict=True, ge=1, le=MAX_TOP)


class SuggestRequest(BaseModel):
    """What an agent sends: the partner's message and, optionally, the partner's dates."""

    text: MessageText
    top: TopCount = DEFAULT_TOP
    purchase_date: Optional[date] = None
    anniversary_date: Optional[date] = None
    activation_date: Optional[date] = None

    class Config:
        extra = "forbid"
        allow_mutation = False

    @validator("text")
    def _has_words(cls, value: str) -> str:
        """Whitespace alone is as empty as nothing."""
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @validator(*DATE_FIELDS, pre=True)
    def _iso_date(cls, value: Any) -> Any:
        """Dates are ISO ``YYYY-MM-DD`` strings and name a real day."""
        if value is None:
            return None
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise ValueError("must be an ISO date string, YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"{value} is not a real date") from error

    def given_date(self, field: str) -> Optional[date]:
        """The date the agent gave for ``field`` (one of :data:`DATE_FIELDS`), if any."""
        return getattr(self, field)


def validation_message(error: ValidationError) -> str:
    """One readable sentence per problem, e.g. ``"top": must be between 1 and 10``."""
    messages = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"])
        messages.append(f'"{field}": {_describe(problem)}')
    return "; ".join(messages)


def _describe(problem: Mapping[str, Any]) -> str:
    kind, context = problem["type"], problem.get("ctx") or {}
    if kind == "value_error.missing":
        return "is required"
    if kind == "value_error.extra":
        return f"is not a known field (known: text, top, {', '.join(DATE_FIELDS)})"
    if kind == "type_error.none.not_allowed":
        return "must not be null"
    if kind == "type_error.str":
        return "must be a string"
    if kind == "type_error.integer":
        return "must be an integer"
    if kind.startswith("value_error.any_str"):
        return f"must be 1 to {MAX_TEXT_CHARS} characters long"
    if kind.startswith("value_error.number"):
        return f"must be between 1 and {MAX_TOP}"
    return str(problem.get("msg", kind)) + (f" ({context})" if context else "")


class Citation(BaseModel):
    """The FAQ section a draft comes from, with its localised address."""

    section: str
    url: str


class Suggestion(BaseModel):
    """One ranked draft reply."""

    faq_id: str
    confidence: float
    title: str
    reply: str
    reply_en: str
    citation: Citation
    low_confidence: bool


class RuleOutcome(BaseModel):
    """A rule applied to the partner's date, with the sentence the chat would say."""

    rule: str
    status: str
    dates: Dict[str, str]
    faq_id: str
    explanation: str


class SuggestResponse(BaseModel):
    """The ranked drafts for one message."""

    language: str
    suggestions: List[Suggestion]
    rule_result: Optional[RuleOutcome]
    fallback: bool
