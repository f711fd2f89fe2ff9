"""Reflection answers remember the DM that gave them, so editing it edits the answer.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reflection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_ts", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_reflection_message_ts"), ["message_ts"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reflection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reflection_message_ts"))
        batch_op.drop_column("message_ts")
