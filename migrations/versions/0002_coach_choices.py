"""The coach's choices: snoozes, skipped thank-you notes, "keep going", and reminders.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_CONTACT_KINDS = ("thank_you_email", "thank_you_card", "follow_up", "heard_back")
NEW_CONTACT_KINDS = (*OLD_CONTACT_KINDS, "thank_you_skipped", "snoozed", "kept_going")
OLD_NUDGE_KINDS = ("distance", "reflection", "thank_you", "card", "follow_up", "check_in")
NEW_NUDGE_KINDS = (*OLD_NUDGE_KINDS, "reminder")


def _allowing(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace_check(table: str, name: str, values: tuple[str, ...]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), _allowing("kind", values))


def upgrade() -> None:
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("until", bot.store.types.UTCDateTime(), nullable=True))
    _replace_check("contact_log", "contact_kind", NEW_CONTACT_KINDS)
    _replace_check("nudge", "nudge_kind", NEW_NUDGE_KINDS)


def downgrade() -> None:
    # Rows of the new kinds cannot be kept under the old constraints.
    op.execute(sa.text("DELETE FROM nudge WHERE kind = 'reminder'"))
    op.execute(
        sa.text(
            "DELETE FROM contact_log WHERE kind IN ('thank_you_skipped', 'snoozed', 'kept_going')"
        )
    )
    _replace_check("nudge", "nudge_kind", OLD_NUDGE_KINDS)
    _replace_check("contact_log", "contact_kind", OLD_CONTACT_KINDS)
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.drop_column("until")
