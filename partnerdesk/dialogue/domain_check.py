"""Rasa's ``Domain.is_empty``, without building an empty domain on every parse.

``MessageProcessor._check_for_unseen_features`` asks ``domain.is_empty()`` on every
parse, and Rasa answers by building ``Domain.empty()`` (a whole domain, from a dict) to
compare dicts with: a few per cent of a REST turn under load (py-spy,
docs/benchmarks.md). The empty domain never changes, so its dict is built once;
:mod:`partnerdesk.rasa_patches` installs the method.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.shared.core.domain import Domain

_EMPTY: List[Dict[str, Any]] = []


def domain_is_empty(self: Domain) -> bool:
    """Whether the domain is empty (Rasa's comparison, with the empty dict kept)."""
    if not _EMPTY:
        _EMPTY.append(Domain.empty().as_dict())
    return bool(self.as_dict() == _EMPTY[0])
