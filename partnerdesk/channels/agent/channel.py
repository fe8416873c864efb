"""``/webhooks/agent/``: the API of the agent pages and tools, on the Rasa server.

One Rasa input channel, because Rasa serves each channel under ``/webhooks/<name>/``;
each group of routes lives in its own module with a ``register(blueprint, context)``
function listed in :data:`ROUTE_MODULES`. Every route takes the reply assistant's token
(:func:`partnerdesk.channels.http.authorisation_error`) and answers CORS for the pages'
origins itself; bad requests get 4xx with ``{"error": ...}``, never a 5xx.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from partnerdesk.channels.base import AppliesPatches
from partnerdesk.channels.http import (
    allow_page_origins,
    authorisation_error,
    error_response,
    json_response,
    page_route,
)

# Modules with ``register(blueprint, context)``; each adds its routes.
ROUTE_MODULES: tuple[str, ...] = (
    "partnerdesk.channels.agent.handoffs",
    "partnerdesk.channels.agent.insights",
)


@dataclass
class AgentContext:
    """What route modules get: the channel's callback into Rasa and the token check."""

    on_new_message: Callable[[UserMessage], Awaitable[Any]]

    @staticmethod
    def refusal(request: Request) -> Optional[HTTPResponse]:
        """A 401 for a request without the right token, else None."""
        refused = authorisation_error(request.headers.get("Authorization"), os.environ)
        return error_response(401, refused) if refused else None


class AgentInput(AppliesPatches, InputChannel):
    """Input channel ``agent``: the agent API; partners never post here."""

    @classmethod
    def name(cls) -> Text:
        """The channel's URL part: ``/webhooks/agent/``."""
        return "agent"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` (health) and the routes of every module in :data:`ROUTE_MODULES`."""
        blueprint = Blueprint("agent_webhook", __name__)
        allow_page_origins(blueprint, "GET, POST")
        context = AgentContext(on_new_message)

        @page_route(blueprint, "/", "GET")
        async def health(request: Request) -> HTTPResponse:
            return json_response({"status": "ok"})

        for module in ROUTE_MODULES:
            importlib.import_module(module).register(blueprint, context)
        return blueprint
