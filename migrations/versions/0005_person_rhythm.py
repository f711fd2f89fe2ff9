"""The person's own rhythm: working days, holiday country, follow-up hour and a dated pause.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("slack_user", schema=None) as batch_op:
        # Existing people keep Monday to Friday; their holiday country follows their zone.
        batch_op.add_column(
            sa.Column("working_days", sa.String(length=7), nullable=False, server_default="01234")
        )
        batch_op.add_column(sa.Column("holiday_country", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("follow_up_hour", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("paused_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("paused_until", UTCDateTime(), nullable=True))


def downgrade() -> None:
    # In place (SQLite 3.35+ drops columns itself): batch mode's copy of slack_user would
    # cascade-delete every interview, as 0004's downgrade explains.
    with op.batch_alter_table("slack_user", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("paused_until")
        batch_op.drop_column("paused_at")
        batch_op.drop_column("follow_up_hour")
        batch_op.drop_column("holiday_country")
        batch_op.drop_column("working_days")
