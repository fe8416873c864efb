"""Custom actions that fail or hang get an apology, not silence.

Rasa 3.6 waits up to 300 s for the action server and, when a custom action fails, logs
the error and sends the partner nothing. :class:`ApologeticRemoteAction` gives up after
``PARTNERDESK_ACTION_TIMEOUT`` seconds (default 10) and answers with
``utter_action_failed`` in the partner's language. Rejections
(``ActionExecutionRejection``, used by forms) pass through. Rasa has no setting for the
class it runs custom actions with, so :mod:`partnerdesk.rasa_patches` installs it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, List

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.core.events import Event
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

TIMEOUT_ENV = "PARTNERDESK_ACTION_TIMEOUT"
DEFAULT_TIMEOUT_S = 10.0
APOLOGY_RESPONSE = "utter_action_failed"


def action_timeout() -> float:
    """Seconds to wait for the action server."""
    return float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_S)


class ApologeticRemoteAction(RemoteAction):
    """``RemoteAction`` with a short timeout and an apology when the call fails."""

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        """Run the action on the action server; apologise if it fails or hangs."""
        try:
            return await asyncio.wait_for(
                super().run(output_channel, nlg, tracker, domain), action_timeout()
            )
        except ActionExecutionRejection:
            raise
        except (RasaException, asyncio.TimeoutError, OSError) as error:
            logger.error("Custom action %r failed (%s); sending an apology.", self.name(), error)
            message = await nlg.generate(APOLOGY_RESPONSE, tracker, output_channel.name())
            return [create_bot_utterance(message)] if message else []
