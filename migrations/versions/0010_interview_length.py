"""An interview's length, so one logged ahead is advised on from its end; and the
evening-before reminder, a new nudge kind the nudge table's CHECK must accept.

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


KINDS_BEFORE = (
    "distance",
    "reflection",
    "thank_you",
    "card",
    "follow_up",
    "check_in",
    "reminder",
)
KINDS_AFTER = (*KINDS_BEFORE, "evening_before")


def _nudge_kinds(values: tuple[str, ...]) -> None:
    """Replace the nudge kind's CHECK (a non-native enum). SQLite changes a CHECK only by
    copying the table: nothing references nudge, so the copy cascades nowhere."""
    allowed = f"kind IN ({', '.join(repr(v) for v in values)})"
    with op.batch_alter_table("nudge", schema=None) as batch:
        batch.drop_constraint(op.f("ck_nudge_nudge_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_nudge_nudge_kind"), allowed)


# recreate="never": copying interview would cascade to its nudges, reflections and contacts
# on SQLite; both databases add and drop a column in place.


def upgrade() -> None:
    with op.batch_alter_table("interview", recreate="never") as batch:
        batch.add_column(
            sa.Column("duration_minutes", sa.Integer(), nullable=False, server_default="60")
        )
    _nudge_kinds(KINDS_AFTER)


def downgrade() -> None:
    # Rows of the new kind cannot be kept under the old constraint.
    op.execute(sa.text("DELETE FROM nudge WHERE kind = 'evening_before'"))
    _nudge_kinds(KINDS_BEFORE)
    with op.batch_alter_table("interview", recreate="never") as batch:
        batch.drop_column("duration_minutes")
