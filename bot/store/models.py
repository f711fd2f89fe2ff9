"""ORM models: people, their interviews, reflections, the nudge outbox and what they did."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.rules.domain import (
    COMPANY_MAX,
    DRAFT_KEY_MAX,
    ERROR_MAX,
    INTERVIEWERS_MAX,
    LINK_MAX,
    NOTE_MAX,
    PERSON_MAX,
    ROLE_MAX,
    ApplicationStatus,
    ContactKind,
    InterviewFormat,
    InterviewStatus,
    NudgeKind,
    NudgeStatus,
    Outcome,
)
from bot.store.encryption import EncryptedText
from bot.store.types import UTCDateTime

WORKING_DAYS_DEFAULT = "01234"
# The settled nudge states, spelled as the partial index on them and the pruner's query spell
# them: a partial index is used only for a query whose WHERE names the same literals.
SETTLED_STATUSES_SQL = "status IN ('sent', 'cancelled', 'failed')"
HOLIDAYS_NONE = "none"

# Named constraints let Alembic's batch mode (SQLite) find and alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(enum_class: type, name: str) -> Enum:
    # Plain strings with a CHECK: portable, and adding a value is a batch migration, not a type.
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class SlackUser(Base):
    __tablename__ = "slack_user"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    # Their Slack display name (users.info), for signing the drafts; None until Slack says.
    display_name: Mapped[str | None] = mapped_column(String(PERSON_MAX))
    dm_channel_id: Mapped[str | None] = mapped_column(String(32))
    waking_start_hour: Mapped[int] = mapped_column(Integer, default=8)
    waking_end_hour: Mapped[int] = mapped_column(Integer, default=20)
    # Their working days as date.weekday() digits, "01234" for Monday to Friday.
    working_days: Mapped[str] = mapped_column(
        String(7), default=WORKING_DAYS_DEFAULT, server_default=WORKING_DAYS_DEFAULT
    )
    # Whose public holidays they keep: an ISO country code, HOLIDAYS_NONE, or NULL for the
    # country of their Slack time zone.
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    # The local hour follow-ups come at; NULL for the playbook's.
    follow_up_hour: Mapped[int | None] = mapped_column(Integer)
    # The person's own pause: nothing is sent while it lasts; only they can undo it. `paused`
    # is true from `paused_at` until they resume or `paused_until` (NULL: until they resume)
    # passes. The last pause's dates stay after it, so what fell inside it keeps its place
    # after the pause when the plan is made again.
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_at: Mapped[datetime | None]
    paused_until: Mapped[datetime | None]
    # Set when their workspace removed the app or revoked its token; cleared when they return.
    deactivated_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    interviews: Mapped[list[Interview]] = relationship(back_populates="owner")
    applications: Mapped[list[Application]] = relationship(back_populates="owner")


class Application(Base):
    """One job a person is applying for; its rounds are interviews (round 1, 2, …)."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("slack_user.id", ondelete="CASCADE"), index=True
    )
    company: Mapped[str] = mapped_column(String(COMPANY_MAX))
    role: Mapped[str | None] = mapped_column(String(ROLE_MAX))
    link: Mapped[str | None] = mapped_column(String(LINK_MAX))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus, "application_status"), default=ApplicationStatus.OPEN
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    owner: Mapped[SlackUser] = relationship(back_populates="applications")
    rounds: Mapped[list[Interview]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="Interview.round_number",
    )


class Interview(Base):
    __tablename__ = "interview"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("slack_user.id", ondelete="CASCADE"), index=True
    )
    # The application this interview is a round of, and which round (1 for the first).
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    round_number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    company: Mapped[str] = mapped_column(String(COMPANY_MAX))
    role: Mapped[str | None] = mapped_column(String(ROLE_MAX))
    interviewers: Mapped[str | None] = mapped_column(String(INTERVIEWERS_MAX))
    hiring_manager: Mapped[str | None] = mapped_column(String(PERSON_MAX))
    format: Mapped[InterviewFormat] = mapped_column(_enum(InterviewFormat, "interview_format"))
    traditional_org: Mapped[bool] = mapped_column(Boolean, default=False)
    happened_at: Mapped[datetime]
    # Its length: the advice waits for happened_at + this (an interview logged ahead).
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    employer_timeline: Mapped[date | None] = mapped_column(Date)
    direct_contact_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[InterviewStatus] = mapped_column(
        _enum(InterviewStatus, "interview_status"), default=InterviewStatus.ACTIVE
    )
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome, "interview_outcome"))
    # The modal's view id: a submission Slack delivers twice is stored once.
    source_view_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    owner: Mapped[SlackUser] = relationship(back_populates="interviews")
    application: Mapped[Application] = relationship(back_populates="rounds")
    reflections: Mapped[list[Reflection]] = relationship(
        back_populates="interview", cascade="all, delete-orphan"
    )


class Reflection(Base):
    __tablename__ = "reflection"
    __table_args__ = (UniqueConstraint("interview_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(40))
    # Encrypted at rest when DATA_ENCRYPTION_KEYS is set (bot.store.encryption).
    answer: Mapped[str] = mapped_column(EncryptedText("answer"))
    # The DM that gave this answer (None: the Answer modal): editing it in Slack edits this.
    message_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    answered_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    interview: Mapped[Interview] = relationship(back_populates="reflections")


class Nudge(Base):
    """The outbox and the only schedule: one row per message the coach means to send."""

    __tablename__ = "nudge"
    __table_args__ = (
        UniqueConstraint("interview_id", "kind", "sequence"),
        Index(
            "ix_nudge_pending_due_at",
            "due_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        # The tick's requeue of expired leases: only the few claimed rows are in it.
        Index(
            "ix_nudge_claimed_lease_until",
            "lease_until",
            postgresql_where=text("status = 'claimed'"),
            sqlite_where=text("status = 'claimed'"),
        ),
        # The history pruner's walk, oldest first, over what is settled.
        Index(
            "ix_nudge_settled_due_at",
            "due_at",
            postgresql_where=text(SETTLED_STATUSES_SQL),
            sqlite_where=text(SETTLED_STATUSES_SQL),
        ),
        # A DM's messages (which reflection prompt a reply answers) are looked up by channel.
        Index("ix_nudge_channel_id", "channel_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"))
    kind: Mapped[NudgeKind] = mapped_column(_enum(NudgeKind, "nudge_kind"))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime]
    status: Mapped[NudgeStatus] = mapped_column(
        _enum(NudgeStatus, "nudge_status"), default=NudgeStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Lateness counts from here while retries move due_at (None: due_at was never moved).
    first_due_at: Mapped[datetime | None]
    # A post was started: it may have reached Slack, so look in the DM before posting again.
    post_started_at: Mapped[datetime | None]


class ContactLog(Base):
    """What the person did; the pacing rules read this, not the nudges."""

    __tablename__ = "contact_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: every press and every re-plan reads an interview's contacts.
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interview.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ContactKind] = mapped_column(_enum(ContactKind, "contact_kind"))
    channel: Mapped[str | None] = mapped_column(String(20))
    occurred_at: Mapped[datetime]
    # A snooze's end: when the person asked to hear about the follow-up again.
    until: Mapped[datetime | None]
    # The Slack action that recorded it: a double click or a retry logs once.
    source_key: Mapped[str | None] = mapped_column(String(120), unique=True)


class EventReceipt(Base):
    """Slack event ids already handled, so a retried delivery changes nothing."""

    __tablename__ = "event_receipt"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class WorkspaceRemoval(Base):
    """A workspace that removed the app or revoked its token, and when.

    Its people's data is kept for a grace period after `removed_at` (they may reinstall) and
    then deleted; the row goes when the workspace installs the app again.
    """

    __tablename__ = "workspace_removal"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    removed_at: Mapped[datetime] = mapped_column(index=True)


class Draft(Base):
    """A draft the person edited and saved: theirs, reused whenever they open it again.

    Never sent anywhere; drafts nobody edited are not stored, they are built from the facts.
    """

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("interview_id", "draft_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"))
    # Which draft: "thank_you.0" (per interviewer, in the order named), "card", "follow_up.2".
    draft_key: Mapped[str] = mapped_column(String(DRAFT_KEY_MAX))
    # Encrypted at rest when DATA_ENCRYPTION_KEYS is set (bot.store.encryption).
    subject: Mapped[str | None] = mapped_column(EncryptedText("draft"))
    body: Mapped[str] = mapped_column(EncryptedText("draft"))
    updated_at: Mapped[datetime]
