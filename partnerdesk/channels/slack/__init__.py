"""Slack: partners' questions in DMs, mentions and one channel, and the ``/faq`` command.

``credentials.yml`` names :class:`PartnerSlackInput` by this package's path.
"""

from partnerdesk.channels.slack.channel import PartnerSlackInput

__all__ = ["PartnerSlackInput"]
