"""The database takes a nudge of every kind: the migrations' CHECK on nudge.kind allows each
NudgeKind, so a kind added to the registry without its migration fails here."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.rules.domain import InterviewFormat, NudgeKind, NudgeStatus
from bot.store.db import Database
from bot.store.models import Application, Interview, Nudge, SlackUser

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def test_a_migrated_database_stores_a_nudge_of_every_kind(db: Database) -> None:
    with db.transaction() as session:
        person = SlackUser(team_id="T0001", user_id="U0001", created_at=AT, updated_at=AT)
        interview = Interview(
            owner=person,
            application=Application(
                owner=person, company="Acme Corp", created_at=AT, updated_at=AT
            ),
            company="Acme Corp",
            format=InterviewFormat.VIDEO,
            happened_at=AT,
            created_at=AT,
            updated_at=AT,
        )
        session.add_all([person, interview])
        session.flush()
        # A flush per kind: a refused one fails on its own insert.
        for kind in NudgeKind:
            session.add(
                Nudge(
                    interview_id=interview.id,
                    kind=kind,
                    sequence=0,
                    status=NudgeStatus.PENDING,
                    due_at=AT,
                    created_at=AT,
                )
            )
            session.flush()

    with db.transaction() as session:
        stored = set(session.scalars(select(Nudge.kind)))
    assert stored == set(NudgeKind)
