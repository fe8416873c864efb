"""PartnerDesk action server: thin glue between Rasa and the rules module.

Importing this package (the action server does, first) masks e-mail addresses,
product keys and tokens in every log record (:mod:`partnerdesk.privacy`).
"""

from partnerdesk import privacy

privacy.install()
