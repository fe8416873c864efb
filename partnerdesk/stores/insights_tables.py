"""The insights summary's tables, kept beside Rasa's ``events`` table."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
sessions_table = sa.Table(
    "insights_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("started_at", sa.Float, nullable=False, index=True),
    # What the counts read (a Tally), as columns: no JSON to parse for most rows.
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("escalated", sa.Boolean, nullable=False),
    sa.Column("last_question_kind", sa.String(16)),
    sa.Column("pending_ask_at", sa.Float),
    sa.Column("answered", sa.Boolean, nullable=False),
    sa.Column("handoffs", sa.Integer, nullable=False),
    sa.Column("first_replies", sa.Text),  # JSON list, NULL without replies
    sa.Column("faqs", sa.Text),  # JSON {faq_id: [answers, helpful, not_helpful]}, or NULL
)
# The texts apart, so that counting a year reads small rows only.
details_table = sa.Table(
    "insights_details",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("started_at", sa.Float, nullable=False, index=True),
    sa.Column("unanswered", sa.Text),  # JSON list of masked questions, or NULL
    sa.Column("facts", sa.Text, nullable=False),  # everything, for the export
)
_TALLY_COLUMNS = [
    sessions_table.c[name]
    for name in ("started_at", "language", "channel", "escalated", "last_question_kind",
                 "pending_ask_at", "answered", "faqs", "handoffs", "first_replies")
]  # fmt: skip
# SQLite reads a long period's rows through the index on started_at one lookup at a time
# (about 7 times slower than from an index that holds them): this one holds them. PostgreSQL
# scans the table when the period is long, and would refuse index rows over 2.7 KB.
sa.event.listen(
    sessions_table,
    "after_create",
    sa.DDL(
        "CREATE INDEX IF NOT EXISTS ix_insights_sessions_tally ON insights_sessions ("
        + ", ".join(column.name for column in _TALLY_COLUMNS)
        + ")"
    ).execute_if(dialect="sqlite"),
)
senders_table = sa.Table(
    "insights_senders",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("events", sa.Integer, nullable=False),
)
state_table = sa.Table(
    "insights_state",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
