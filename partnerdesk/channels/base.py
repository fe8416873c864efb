"""What every PartnerDesk input channel shares."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from partnerdesk import rasa_patches


class AppliesPatches:
    """Mixin for input channels: applies :mod:`partnerdesk.rasa_patches` at server start.

    Rasa builds every channel of ``credentials.yml`` with ``from_credentials`` before it
    serves a request, and open-source Rasa has no other hook for plugins.
    """

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> Any:
        """Apply the Rasa server's patches (once), then build the channel as usual."""
        rasa_patches.apply(rasa_patches.RASA_SERVER)
        return super().from_credentials(credentials)  # type: ignore[misc]
