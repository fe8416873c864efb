"""The agent API (``/webhooks/agent/``): handoffs to a person and insights for leads.

``credentials.yml`` names :class:`AgentInput` by this package's path.
"""

from partnerdesk.channels.agent.channel import AgentInput

__all__ = ["AgentInput"]
