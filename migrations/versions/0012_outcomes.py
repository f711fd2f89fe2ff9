"""Outcomes: an interview closes itself as "no reply", the coach asks "Still waiting?" after two
unanswered follow-ups, and a close can be undone for a day. New values for three CHECKs:

- nudge.kind: still_waiting, auto_close;
- contact_log.kind: checking_back ("I'll check back in two weeks"), reopened;
- interview.outcome: no_reply.

Revision ID: 0012
Revises: 0010 (re-chained onto 0011 when the branches merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

NUDGE_KINDS_BEFORE = (
    "distance",
    "reflection",
    "thank_you",
    "card",
    "follow_up",
    "check_in",
    "reminder",
    "evening_before",
)
NUDGE_KINDS_AFTER = (*NUDGE_KINDS_BEFORE, "still_waiting", "auto_close")
CONTACT_KINDS_BEFORE = (
    "thank_you_email",
    "thank_you_card",
    "follow_up",
    "heard_back",
    "thank_you_skipped",
    "snoozed",
    "kept_going",
)
CONTACT_KINDS_AFTER = (*CONTACT_KINDS_BEFORE, "checking_back", "reopened")
OUTCOMES_BEFORE = ("offer", "next_round", "rejected", "withdrew", "stopped")
OUTCOMES_AFTER = (*OUTCOMES_BEFORE, "no_reply")


def _allowing(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace_check(table: str, name: str, column: str, values: tuple[str, ...]) -> None:
    """Replace a leaf table's CHECK (nothing references nudge or contact_log, so SQLite's
    copy of the table cascades nowhere)."""
    with op.batch_alter_table(table, schema=None) as batch:
        batch.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch.create_check_constraint(op.f(f"ck_{table}_{name}"), _allowing(column, values))


def _replace_outcome_check(before: tuple[str, ...], after: tuple[str, ...]) -> None:
    """The interview's outcome CHECK. On PostgreSQL in place. On SQLite a batch copy of
    interview would drop the table, and with foreign keys on that deletes every nudge,
    reflection, contact and draft of it (ON DELETE CASCADE; the pragma cannot be turned off
    inside the migration's transaction). So the table's stored definition is edited instead,
    SQLite's documented way to change a CHECK that leaves the stored rows as they are
    (https://sqlite.org/lang_altertable.html, "otherwise alter table"); the rows are checked
    against the new constraint after it."""
    name = "ck_interview_interview_outcome"
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        # op.f: the name is final, not one for the naming convention to prefix again.
        op.drop_constraint(op.f(name), "interview", type_="check")
        op.create_check_constraint(op.f(name), "interview", _allowing("outcome", after))
        return
    old = f"CONSTRAINT {name} CHECK ({_allowing('outcome', before)})"
    new = f"CONSTRAINT {name} CHECK ({_allowing('outcome', after)})"
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'interview'")
    ).scalar_one()
    if old not in sql:
        raise RuntimeError(f"interview's outcome CHECK is not the expected one: {sql!r}")
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'interview'"),
        {"sql": sql.replace(old, new)},
    )
    # A new schema version makes every connection read the definition again.
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))
    problems = bind.execute(sa.text("PRAGMA quick_check")).scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"interview after its CHECK changed: {problems}")


def upgrade() -> None:
    _replace_check("nudge", "nudge_kind", "kind", NUDGE_KINDS_AFTER)
    _replace_check("contact_log", "contact_kind", "kind", CONTACT_KINDS_AFTER)
    _replace_outcome_check(OUTCOMES_BEFORE, OUTCOMES_AFTER)


def downgrade() -> None:
    # Rows of the new kinds cannot be kept under the old constraints; an interview closed as
    # "no reply" keeps being closed, as "stopped" (the nearest the old values have).
    op.execute(sa.text("DELETE FROM nudge WHERE kind IN ('still_waiting', 'auto_close')"))
    op.execute(sa.text("DELETE FROM contact_log WHERE kind IN ('checking_back', 'reopened')"))
    op.execute(sa.text("UPDATE interview SET outcome = 'stopped' WHERE outcome = 'no_reply'"))
    _replace_outcome_check(OUTCOMES_AFTER, OUTCOMES_BEFORE)
    _replace_check("contact_log", "contact_kind", "kind", CONTACT_KINDS_BEFORE)
    _replace_check("nudge", "nudge_kind", "kind", NUDGE_KINDS_BEFORE)
