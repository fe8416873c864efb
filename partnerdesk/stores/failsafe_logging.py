"""One ERROR per database outage: Rasa's FailSafeTrackerStore logs one per turn.

:mod:`partnerdesk.rasa_patches` adds :class:`FailSafeErrorToDebug` to the logger of
``rasa.core.tracker_store`` when the Rasa server starts.
"""

from __future__ import annotations

import logging


class FailSafeErrorToDebug(logging.Filter):
    """Turns ``FailSafeTrackerStore``'s per-turn ERROR about our SQL store into DEBUG.

    ``ResilientSQLTrackerStore`` logs each outage once itself; the per-turn line stays
    visible when Rasa runs with ``--debug``.
    """

    _REPORT = "conversation tracker {} 'ResilientSQLTrackerStore'. Falling back"

    def filter(self, record: logging.LogRecord) -> bool:
        """Demote the per-turn report; keep every other record."""
        message = record.getMessage()
        if record.levelno != logging.ERROR or not any(
            self._REPORT.format(way) in message for way in ("to", "from")
        ):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
