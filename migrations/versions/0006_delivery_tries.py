"""Nudges remember when they were first due and when a post to Slack was last started.

`first_due_at` keeps lateness measured from the planned time while retries move `due_at`;
`post_started_at` says an earlier post may have reached Slack, so the next try looks in the
DM's history before posting again.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nudge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_due_at", bot.store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("post_started_at", bot.store.types.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    # In place, as 0004 and 0005 do: batch mode's copy of a table on SQLite is a drop and
    # re-create, which nothing here needs.
    with op.batch_alter_table("nudge", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("post_started_at")
        batch_op.drop_column("first_due_at")
