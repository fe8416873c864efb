"""PartnerDesk's action server: thin rasa-sdk glue between Rasa and the pure core.

The action server imports this package first; it applies the action server's patches
(:mod:`partnerdesk.rasa_patches`: log records are masked).
"""

from partnerdesk import rasa_patches

rasa_patches.apply(rasa_patches.ACTION_SERVER)
