"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 22:04:58.784844
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "event_receipt",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_receipt")),
    )
    with op.batch_alter_table("event_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_receipt_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "slack_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("dm_channel_id", sa.String(length=32), nullable=True),
        sa.Column("waking_start_hour", sa.Integer(), nullable=False),
        sa.Column("waking_end_hour", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("deactivated_at", bot.store.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_user")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_slack_user_team_id_user_id")),
    )
    op.create_table(
        "interview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.Column("interviewers", sa.String(length=200), nullable=True),
        sa.Column("hiring_manager", sa.String(length=150), nullable=True),
        sa.Column(
            "format",
            sa.Enum(
                "phone_screen",
                "video",
                "in_person",
                name="interview_format",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("traditional_org", sa.Boolean(), nullable=False),
        sa.Column("happened_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("employer_timeline", sa.Date(), nullable=True),
        sa.Column("direct_contact_ok", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "closed",
                name="interview_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "offer",
                "next_round",
                "rejected",
                "withdrew",
                "stopped",
                name="interview_outcome",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("source_view_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("closed_at", bot.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["slack_user.id"],
            name=op.f("fk_interview_owner_id_slack_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview")),
        sa.UniqueConstraint("source_view_id", name=op.f("uq_interview_source_view_id")),
    )
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "contact_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "thank_you_email",
                "thank_you_card",
                "follow_up",
                "heard_back",
                name="contact_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("occurred_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview.id"],
            name=op.f("fk_contact_log_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log")),
        sa.UniqueConstraint("source_key", name=op.f("uq_contact_log_source_key")),
    )
    op.create_table(
        "nudge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "distance",
                "reflection",
                "thank_you",
                "card",
                "follow_up",
                "check_in",
                name="nudge_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("due_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "claimed",
                "sent",
                "cancelled",
                "failed",
                name="nudge_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", bot.store.types.UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("sent_at", bot.store.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview.id"],
            name=op.f("fk_nudge_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge")),
        sa.UniqueConstraint(
            "interview_id", "kind", "sequence", name=op.f("uq_nudge_interview_id_kind_sequence")
        ),
    )
    with op.batch_alter_table("nudge", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nudge_pending_due_at",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )

    op.create_table(
        "reflection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview.id"],
            name=op.f("fk_reflection_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflection")),
        sa.UniqueConstraint(
            "interview_id", "question_key", name=op.f("uq_reflection_interview_id_question_key")
        ),
    )


def downgrade() -> None:

    op.drop_table("reflection")
    with op.batch_alter_table("nudge", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_nudge_pending_due_at",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )

    op.drop_table("nudge")
    op.drop_table("contact_log")
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_owner_id"))

    op.drop_table("interview")
    op.drop_table("slack_user")
    with op.batch_alter_table("event_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_receipt_received_at"))

    op.drop_table("event_receipt")
