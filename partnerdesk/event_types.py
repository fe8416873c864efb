"""A memoised ``Event.resolve_by_type`` for the Rasa server.

Rasa 3.6 finds an event's class by walking every subclass of ``Event``
(recursively, checking each for abstractness) for every event it deserialises.
Loading a tracker of 60 events does that walk 60 times; profiling a turn
(``scripts/benchmarks/profile_turn.py``) put it at about a fifth of the turn.
The class for a type name never changes once imported, so found classes are
remembered; unknown names still go through Rasa's own lookup (and its errors).
"""

from __future__ import annotations

from typing import Dict, Optional, Type

from rasa.shared.core.events import Event

_original_resolve_by_type = Event.resolve_by_type
_resolved: Dict[str, Type[Event]] = {}


def resolve_by_type(
    type_name: str, default: Optional[Type[Event]] = None
) -> Optional[Type[Event]]:
    """Rasa's lookup, remembering each class it finds."""
    cls = _resolved.get(type_name)
    if cls is None:
        cls = _original_resolve_by_type(type_name, default)
        if cls is not None and cls is not default:
            _resolved[type_name] = cls
    return cls


def install() -> None:
    """Make Rasa use the memoised lookup (idempotent)."""
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
