"""An interview's length, so one logged ahead is advised on from its end.

Every existing interview gets the default hour (the planner assumed none before: its advice
was timed from the start, which an hour's length moves later only for nudges not yet sent).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


# recreate="never": copying interview would cascade to its nudges, reflections and contacts
# on SQLite; both databases add and drop a column in place.


def upgrade() -> None:
    with op.batch_alter_table("interview", recreate="never") as batch:
        batch.add_column(
            sa.Column("duration_minutes", sa.Integer(), nullable=False, server_default="60")
        )


def downgrade() -> None:
    with op.batch_alter_table("interview", recreate="never") as batch:
        batch.drop_column("duration_minutes")
