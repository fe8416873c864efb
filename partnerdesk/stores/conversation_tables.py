"""Tables beside Rasa's ``events`` that keep rows per conversation (``conversation_id``).

``partnerdesk prune`` deletes their rows for every conversation it deletes, in the same
transaction, so nothing a partner said outlives the retention period there either.
A table listed here that does not exist (yet) in a store is skipped.
"""

CONVERSATION_TABLES: tuple[str, ...] = (
    "handoffs",  # issue 12: handoff records (partnerdesk/handoff/store.py)
    "handoff_outbox",  # issue 12: agent messages waiting for their partner
)
