"""PartnerDesk's input channels for the Rasa server.

Importing this package (Rasa does, for the channels in ``credentials.yml``)
also installs the custom-action failure handling of
:mod:`partnerdesk.action_failures`, the memoised event-class lookup of
:mod:`partnerdesk.event_types` and the log masking of :mod:`partnerdesk.privacy`,
so they are active in every server run.
"""

from partnerdesk import action_failures, event_types, privacy

action_failures.install()
event_types.install()
privacy.install()
