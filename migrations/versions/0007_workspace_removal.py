"""Workspaces that removed the app, and when: their people's data goes after a grace period.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace_removal",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("removed_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_workspace_removal")),
    )
    op.create_index(
        op.f("ix_workspace_removal_removed_at"), "workspace_removal", ["removed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_workspace_removal_removed_at"), table_name="workspace_removal")
    op.drop_table("workspace_removal")
