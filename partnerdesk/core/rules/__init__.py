"""PartnerDesk's benefit rules: pure functions over dates, with no Rasa import.

Every rule takes ``today`` explicitly (except the COVID extension, which needs none); only
the shell asks :func:`partnerdesk.core.clock.today`. Results carry statuses and named
dates, never sentences.
"""

from partnerdesk.core.rules.covid import ELIGIBLE_FROM, ELIGIBLE_THROUGH, covid_extension
from partnerdesk.core.rules.enums import (
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
from partnerdesk.core.rules.errors import (
    DateParseError,
    FutureDateError,
    ImpossibleDateError,
    InvalidInputError,
    RulesInputError,
    UnparseableDateError,
)
from partnerdesk.core.rules.models import (
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
from partnerdesk.core.rules.periods import WINDOW_DAYS
from partnerdesk.core.rules.reactivation import reactivation
from partnerdesk.core.rules.renewal import renewal_window
from partnerdesk.core.rules.replacement_token import (
    TOKEN_SPLIT_ALLOWED,
    TOKEN_SPLIT_FAQ_ID,
    replacement_token,
    token_deadline,
)

__all__ = [
    "ELIGIBLE_FROM",
    "ELIGIBLE_THROUGH",
    "POLICY_VERSION",
    "TOKEN_SPLIT_ALLOWED",
    "TOKEN_SPLIT_FAQ_ID",
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
    "reactivation",
    "renewal_window",
    "replacement_token",
    "token_deadline",
]
