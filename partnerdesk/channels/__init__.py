"""PartnerDesk's input channels for the Rasa server.

Importing this package (Rasa does, for the channels in ``credentials.yml``)
also installs the custom-action failure handling of
:mod:`partnerdesk.action_failures` and the memoised event-class lookup of
:mod:`partnerdesk.event_types`, so they are active in every server run.
"""

from partnerdesk import action_failures, event_types

action_failures.install()
event_types.install()
