"""Indexes that keep the dispatcher's tick and the hot reads independent of history.

- `ix_nudge_claimed_lease_until` (partial, status 'claimed'): the tick's requeue of expired
  leases read the whole table before.
- `ix_nudge_settled_due_at` (partial, sent/cancelled/failed): the history pruner's walk.
- `ix_nudge_channel_id`: which reflection prompt a DM reply answers.
- `ix_contact_log_interview_id`: every press and re-plan reads an interview's contacts.

`reflection(interview_id)` needs none: the unique (interview_id, question_key) index leads
with it on both databases.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CLAIMED = "status = 'claimed'"
# As bot.store.models.SETTLED_STATUSES_SQL (a migration must not change with the models).
SETTLED = "status IN ('sent', 'cancelled', 'failed')"


def upgrade() -> None:
    # Plain CREATE INDEX, no batch copy: SQLite can add an index in place.
    op.create_index(
        "ix_nudge_claimed_lease_until",
        "nudge",
        ["lease_until"],
        postgresql_where=sa.text(CLAIMED),
        sqlite_where=sa.text(CLAIMED),
    )
    op.create_index(
        "ix_nudge_settled_due_at",
        "nudge",
        ["due_at"],
        postgresql_where=sa.text(SETTLED),
        sqlite_where=sa.text(SETTLED),
    )
    op.create_index("ix_nudge_channel_id", "nudge", ["channel_id"])
    op.create_index("ix_contact_log_interview_id", "contact_log", ["interview_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_log_interview_id", table_name="contact_log")
    op.drop_index("ix_nudge_channel_id", table_name="nudge")
    op.drop_index("ix_nudge_settled_due_at", table_name="nudge")
    op.drop_index("ix_nudge_claimed_lease_until", table_name="nudge")
