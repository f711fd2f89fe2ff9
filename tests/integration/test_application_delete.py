"""Deleting a whole application, through the use case and the real store (SQLite, or
PostgreSQL with TEST_DATABASE_URL): every round goes with its notes, contacts and nudges, the
application row too; another application is untouched and keeps its plan; someone else's
application, or one already gone, is refused and nothing changes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.coach.choices import record_choice
from bot.coach.corrections import (
    GONE,
    NOT_YOURS,
    ApplicationDeleted,
    delete_application,
    rounds_of_application,
)
from bot.rules.domain import Choice, NudgeKind
from bot.rules.playbook import default_playbook
from bot.store.db import Database
from bot.store.models import Application, ContactLog, Draft, Interview, Nudge, Reflection
from tests.coach_helpers import DANA, TEAM, deliver_kind, dm, log, pending

PLAYBOOK = default_playbook()


def count(db: Database, model: type, interview_ids: list[int]) -> int:
    with db.transaction() as session:
        return (
            session.scalar(
                select(func.count()).select_from(model).where(model.interview_id.in_(interview_ids))  # type: ignore[attr-defined]
            )
            or 0
        )


def test_deleting_an_application_removes_every_round_and_everything_about_them(
    db: Database, clock: FixedClock
) -> None:
    first = log(db, clock.now(), view_id="V-1", company="Acme Corp", role="Data analyst")
    application_id = first.interview.application_id
    # Round 1: its reflection answered (notes), its thank-you pressed (a contact).
    reflection_at = clock.now() + timedelta(hours=1)
    deliver_kind(db, first.interview.id, NudgeKind.REFLECTION, reflection_at, "100.000001")
    clock.set(reflection_at + timedelta(minutes=5))
    dm(db, clock, "1: walked them through the churn model", thread_ts="100.000001")
    thank_you_at = clock.now() + timedelta(hours=2)
    thank_you = deliver_kind(db, first.interview.id, NudgeKind.THANK_YOU, thank_you_at, "200.1")
    clock.set(thank_you_at + timedelta(minutes=1))
    pressed = record_choice(
        db,
        nudge_id=thank_you,
        team_id=TEAM,
        user_id=DANA,
        choice=Choice.EMAIL_SENT,
        option=None,
        now=clock.now(),
        playbook=PLAYBOOK,
    )
    assert pressed.status.value == "recorded", pressed
    clock.advance(timedelta(days=2))
    second = log(db, clock.now(), view_id="V-2", application_id=application_id)
    other = log(db, clock.now(), view_id="V-3", company="Globex").interview.id
    rounds = [first.interview.id, second.interview.id]
    assert count(db, Reflection, rounds) and count(db, ContactLog, rounds)
    assert pending(db, second.interview.id) and pending(db, other)
    assert rounds_of_application(db, interview_id=rounds[1], team_id=TEAM, user_id=DANA) == 2

    # Someone else's: refused, nothing changes.
    refused = delete_application(
        db,
        interview_id=rounds[1],
        team_id=TEAM,
        user_id="U0SOMEONE",
        now=clock.now(),
        playbook=PLAYBOOK,
    )
    assert refused == NOT_YOURS
    assert rounds_of_application(db, interview_id=rounds[1], team_id=TEAM, user_id="U0SOMEONE") == 0
    assert pending(db, second.interview.id)

    deleted = delete_application(
        db, interview_id=rounds[1], team_id=TEAM, user_id=DANA, now=clock.now(), playbook=PLAYBOOK
    )

    assert deleted == ApplicationDeleted("Acme Corp", "Data analyst", 2)
    for model in (Nudge, Reflection, ContactLog, Draft):
        assert count(db, model, rounds) == 0, model.__tablename__
    with db.transaction() as session:
        assert session.get(Application, application_id) is None
        assert session.scalars(select(Interview.id).where(Interview.id.in_(rounds))).all() == []
        remaining = session.scalars(select(Interview.company)).all()
    assert remaining == ["Globex"]
    assert pending(db, other), "another application keeps its plan"
    assert rounds_of_application(db, interview_id=rounds[0], team_id=TEAM, user_id=DANA) == 0

    # Submitted again (a double click), or from a round of it: already gone.
    for interview_id in rounds:
        again = delete_application(
            db,
            interview_id=interview_id,
            team_id=TEAM,
            user_id=DANA,
            now=clock.now(),
            playbook=PLAYBOOK,
        )
        assert again == GONE
