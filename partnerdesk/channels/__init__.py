"""PartnerDesk's input channels for the Rasa server.

Importing this package (Rasa does, for the channels in ``credentials.yml``)
also installs the custom-action failure handling of
:mod:`partnerdesk.action_failures`, so it is active in every server run.
"""

from partnerdesk import action_failures

action_failures.install()
