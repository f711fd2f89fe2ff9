"""People with something of everything the coach holds, and counting their rows in every table."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.clock import FixedClock
from bot.rules.domain import ContactKind, NudgeStatus, ReflectionQuestion
from bot.store.db import Database
from bot.store.models import (
    Application,
    Base,
    ContactLog,
    Draft,
    EventReceipt,
    Interview,
    Nudge,
    Reflection,
    SlackUser,
    WorkspaceRemoval,
)
from tests.coach_helpers import TEAM, log

# Planted in a person's answers and drafts: an export must carry it, a deletion remove it.
PLANTED = "I froze on the SQL window-function question; planted-4711"
# Tables that name nobody; every other table must be counted per person below.
NOT_PERSONAL = {EventReceipt.__tablename__, WorkspaceRemoval.__tablename__}


def seed(
    db: Database, clock: FixedClock, user_id: str, *, company: str = "Acme", team: str = TEAM
) -> int:
    """A person with an interview, its planned nudges (from the real planner), one sent, both
    answers, a saved draft and a press; returns the interview's id."""
    interview_id = log(
        db, clock.now(), user_id=user_id, view_id=f"V-{user_id}-{company}", company=company
    ).interview.id
    now = clock.now()
    with db.transaction() as session:
        if team != TEAM:
            session.execute(
                update(SlackUser).where(SlackUser.user_id == user_id).values(team_id=team)
            )
        first = session.scalars(
            select(Nudge).where(Nudge.interview_id == interview_id).order_by(Nudge.id)
        ).first()
        assert first is not None
        first.status, first.sent_at = NudgeStatus.SENT, now
        first.channel_id, first.message_ts = f"D{user_id[1:]}", f"{now.timestamp():.6f}"
        for key, text in (
            (ReflectionQuestion.SAID_WELL, "The pitch"),
            (ReflectionQuestion.TO_CLARIFY, PLANTED),
        ):
            session.add(
                Reflection(
                    interview_id=interview_id,
                    question_key=key.value,
                    answer=text,
                    answered_at=now,
                    updated_at=now,
                )
            )
        session.add(
            Draft(
                interview_id=interview_id,
                draft_key="thank_you.0",
                subject="Thank you",
                body=f"Dear Priya, {PLANTED}",
                updated_at=now,
            )
        )
        session.add(
            ContactLog(
                interview_id=interview_id,
                kind=ContactKind.THANK_YOU_EMAIL,
                channel="email",
                occurred_at=now,
                source_key=f"press-{user_id}-{company}",
            )
        )
    clock.advance(timedelta(minutes=1))
    return interview_id


def rows_of(db: Database, user_id: str) -> dict[str, int]:
    """How many rows of each personal table are about `user_id`."""
    with db.transaction() as session:
        people = select(SlackUser.id).where(SlackUser.user_id == user_id)
        interviews = select(Interview.id).where(Interview.owner_id.in_(people))

        def count(model: type, where: object) -> int:
            return int(session.scalar(select(func.count()).select_from(model).where(where)) or 0)  # type: ignore[arg-type]

        counted = {
            SlackUser.__tablename__: count(SlackUser, SlackUser.id.in_(people)),
            Application.__tablename__: count(Application, Application.owner_id.in_(people)),
            Interview.__tablename__: count(Interview, Interview.id.in_(interviews)),
            Reflection.__tablename__: count(Reflection, Reflection.interview_id.in_(interviews)),
            Nudge.__tablename__: count(Nudge, Nudge.interview_id.in_(interviews)),
            ContactLog.__tablename__: count(ContactLog, ContactLog.interview_id.in_(interviews)),
            Draft.__tablename__: count(Draft, Draft.interview_id.in_(interviews)),
        }
    # A table added later must say here whether it is about a person.
    assert set(counted) | NOT_PERSONAL == set(Base.metadata.tables), "classify the new table"
    return counted


def table_totals(db: Database) -> dict[str, int]:
    """Every table's row count."""
    with db.transaction() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def nudge_statuses(db: Database, user_id: str) -> set[NudgeStatus]:
    with db.transaction() as session:
        return set(
            session.scalars(
                select(Nudge.status)
                .join(Interview, Nudge.interview_id == Interview.id)
                .join(SlackUser, Interview.owner_id == SlackUser.id)
                .where(SlackUser.user_id == user_id)
            )
        )
