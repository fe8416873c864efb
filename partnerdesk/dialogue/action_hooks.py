"""Work the Rasa server does around one custom action, in its own process.

The action server has no database and no Slack credentials, so what only the Rasa
server knows or can do happens here, around the call :class:`ApologeticRemoteAction`
makes: a ``before`` hook returns events applied to the tracker before the action runs
(and stored before the action's own, so a response's condition can read them), and an
``after`` hook gets the action's events once it returned. Hooks are registered when the
server starts (:mod:`partnerdesk.handoff.runtime` registers ``action_handoff``'s). A
failing hook is logged and skipped: the partner's turn goes on.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

logger = logging.getLogger(__name__)

Before = Callable[[Any], Awaitable[List[Any]]]
After = Callable[[Any, List[Any]], Awaitable[None]]

_before: Dict[str, Before] = {}
_after: Dict[str, After] = {}


def register(action: str, before: Optional[Before] = None, after: Optional[After] = None) -> None:
    """Run ``before(tracker)`` and ``after(tracker, events)`` around the custom ``action``."""
    if before is not None:
        _before[action] = before
    if after is not None:
        _after[action] = after


def clear() -> None:
    """Forget every hook (tests)."""
    _before.clear()
    _after.clear()


async def run_before(action: str, tracker: Any) -> List[Any]:
    """The events the ``before`` hook of ``action`` returns (none without a hook)."""
    hook = _before.get(action)
    if hook is None:
        return []
    try:
        return list(await hook(tracker))
    except Exception:
        logger.exception("The Rasa server's work before %s failed; running it without.", action)
        return []


async def run_after(action: str, tracker: Any, events: List[Any]) -> None:
    """Give the action's events to its ``after`` hook, if it has one."""
    hook = _after.get(action)
    if hook is None:
        return
    try:
        await hook(tracker, events)
    except Exception:
        logger.exception("The Rasa server's work after %s failed.", action)
