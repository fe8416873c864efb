"""The tables, beside Rasa's ``events``, that hold rows of a conversation.

Each has a ``conversation_id`` column with the conversation's sender id. Retention
(:mod:`partnerdesk.tools.retention`) deletes a conversation's rows from every one of
them in the transaction that deletes its events, so nothing of a pruned conversation
stays behind. A table listed here that a database does not have (yet) is skipped. A
feature that stores per-conversation rows adds its table here.
"""

from __future__ import annotations

from typing import Tuple

CONVERSATION_ID_COLUMN = "conversation_id"

CONVERSATION_TABLES: Tuple[str, ...] = (
    "tracker_windows",  # the bounded tracker store's window and state snapshot
    "handoffs",  # issue 12: handoff records (partnerdesk/handoff/store.py)
    "handoff_outbox",  # issue 12: agent messages waiting for their partner
)
