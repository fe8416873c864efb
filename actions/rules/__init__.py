"""PartnerDesk's benefit rules: pure functions over dates, with no Rasa import.

Every rule takes ``today`` explicitly (except the COVID extension, which needs none); only
the shell calls :func:`today`. Results carry statuses and named dates, never sentences.
"""

from actions.rules.clock import DEFAULT_TZ, TODAY_ENV, TZ_ENV, today
from actions.rules.covid import ELIGIBLE_FROM, ELIGIBLE_THROUGH, covid_extension
from actions.rules.dates import ParsedDate, find_date, parse_date
from actions.rules.enums import (
    CovidStatus,
    DateName,
    FaqId,
    Offer,
    ReactivationStatus,
    RenewalStatus,
    Rule,
    TokenProblem,
    TokenStatus,
)
from actions.rules.errors import (
    DateParseError,
    FutureDateError,
    ImpossibleDateError,
    InvalidInputError,
    RulesInputError,
    UnparseableDateError,
)
from actions.rules.models import (
    POLICY_VERSION,
    CovidInputs,
    CovidResult,
    ReactivationInputs,
    ReactivationResult,
    RenewalInputs,
    RenewalResult,
    RuleInputs,
    RuleResult,
    TokenInputs,
    TokenResult,
)
from actions.rules.periods import WINDOW_DAYS
from actions.rules.reactivation import reactivation
from actions.rules.renewal import renewal_window
from actions.rules.replacement_token import (
    TOKEN_SPLIT_ALLOWED,
    TOKEN_SPLIT_FAQ_ID,
    replacement_token,
)

__all__ = [
    "DEFAULT_TZ",
    "ELIGIBLE_FROM",
    "ELIGIBLE_THROUGH",
    "POLICY_VERSION",
    "TODAY_ENV",
    "TOKEN_SPLIT_ALLOWED",
    "TOKEN_SPLIT_FAQ_ID",
    "TZ_ENV",
    "WINDOW_DAYS",
    "CovidInputs",
    "CovidResult",
    "CovidStatus",
    "DateName",
    "DateParseError",
    "FaqId",
    "FutureDateError",
    "ImpossibleDateError",
    "InvalidInputError",
    "Offer",
    "ParsedDate",
    "ReactivationInputs",
    "ReactivationResult",
    "ReactivationStatus",
    "RenewalInputs",
    "RenewalResult",
    "RenewalStatus",
    "Rule",
    "RuleInputs",
    "RuleResult",
    "RulesInputError",
    "TokenInputs",
    "TokenProblem",
    "TokenResult",
    "TokenStatus",
    "UnparseableDateError",
    "covid_extension",
    "find_date",
    "parse_date",
    "reactivation",
    "renewal_window",
    "replacement_token",
    "today",
]
