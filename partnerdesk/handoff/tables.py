"""The handoff tables (SQLAlchemy Core), created beside Rasa's ``events`` table.

``handoffs`` and ``handoff_outbox`` keep rows per conversation (``conversation_id``), so
retention deletes them with the conversation
(:mod:`partnerdesk.stores.conversation_tables`).
"""

import sqlalchemy as sa

metadata = sa.MetaData()
handoffs = sa.Table(
    "handoffs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("reason", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("agent", sa.String(100)),
    sa.Column("first_reply_at", sa.Float),
    sa.Column("resolved_at", sa.Float),
    sa.Column("slack_channel", sa.String(64)),
    sa.Column("slack_ts", sa.String(64), index=True),
)
outbox = sa.Table(
    "handoff_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("handoff_id", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("agent", sa.String(100)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("delivered_at", sa.Float),
)
presence = sa.Table(
    "handoff_presence",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("seen_at", sa.Float, nullable=False),
)
INBOX = "inbox"
# ``slack_channel`` while a replica posts the handoff for agents (``slack_ts``: since when).
POSTING = "(posting)"
POSTING_CLAIM_S = 120.0
