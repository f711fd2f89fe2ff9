"""Drafts the person edited and saved, and their Slack display name for signing them.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("draft_key", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview.id"],
            name=op.f("fk_draft_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint(
            "interview_id", "draft_key", name=op.f("uq_draft_interview_id_draft_key")
        ),
    )
    with op.batch_alter_table("slack_user", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=150), nullable=True))


def downgrade() -> None:
    # Never by copying the table, as batch mode would on SQLite: dropping slack_user there
    # cascades to every interview. SQLite (3.35+) drops a plain column in place.
    with op.batch_alter_table("slack_user", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("display_name")
    op.drop_table("draft")
