"""Applications and their rounds: an `application` table, and each interview becomes a round
of one (`interview.application_id`, `interview.round_number`).

Every existing interview becomes a one-round application (round 1) with its own company,
role and owner; the application is closed when the interview is, unless it closed as "next
round" (the person may still log that round into it). The application takes the
interview's id, so the link is a plain UPDATE and nothing else about the interview (its
nudges, reflections, contacts, drafts: its schedule) is touched.

SQLite adds a foreign key only by copying the table; the migrations run with SQLite's
foreign keys off (migrations/env.py), so copying `interview` cascades nowhere.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                name="application_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["slack_user.id"],
            name=op.f("fk_application_owner_id_slack_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
    )
    op.create_index(op.f("ix_application_owner_id"), "application", ["owner_id"])

    # Nullable first, so the existing rows can be linked before the column is required.
    with op.batch_alter_table("interview", recreate="never") as batch:
        batch.add_column(sa.Column("application_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("round_number", sa.Integer(), nullable=False, server_default="1")
        )

    op.execute(
        sa.text(
            "INSERT INTO application (id, owner_id, company, role, status, created_at, "
            "updated_at, closed_at) SELECT id, owner_id, company, role, "
            "CASE WHEN status = 'closed' AND (outcome IS NULL OR outcome <> 'next_round') "
            "THEN 'closed' ELSE 'open' END, created_at, updated_at, "
            "CASE WHEN status = 'closed' AND (outcome IS NULL OR outcome <> 'next_round') "
            "THEN closed_at END FROM interview"
        )
    )
    op.execute(sa.text("UPDATE interview SET application_id = id, round_number = 1"))
    if op.get_bind().dialect.name == "postgresql":
        # The ids were given explicitly: the next application must come after them.
        op.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('application', 'id'), "
                "COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM application"
            )
        )

    with op.batch_alter_table("interview") as batch:
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=False)
        batch.create_index(batch.f("ix_interview_application_id"), ["application_id"])
        batch.create_foreign_key(
            batch.f("fk_interview_application_id_application"),
            "application",
            ["application_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    # Each round stays as the stand-alone interview it was before applications existed.
    with op.batch_alter_table("interview") as batch:
        batch.drop_constraint(
            batch.f("fk_interview_application_id_application"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_interview_application_id"))
        batch.drop_column("round_number")
        batch.drop_column("application_id")
    op.drop_index(op.f("ix_application_owner_id"), table_name="application")
    op.drop_table("application")
