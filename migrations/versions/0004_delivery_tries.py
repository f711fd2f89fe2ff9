"""Nudges remember when they were first due and when a post to Slack was last started.

`first_due_at` keeps lateness measured from the planned time while retries move `due_at`;
`post_started_at` says an earlier post may have reached Slack, so the next try looks in the
DM's history before posting again.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nudge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_due_at", bot.store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("post_started_at", bot.store.types.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("nudge", schema=None) as batch_op:
        batch_op.drop_column("post_started_at")
        batch_op.drop_column("first_due_at")
