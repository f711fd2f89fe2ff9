"""Saved drafts in the database: one per interview and key, gone with their interview, and
never written into an error message (which could reach a log)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.clock import FixedClock
from bot.store.db import Database
from bot.store.models import Draft, Interview
from tests.coach_helpers import log

SECRET = "My private draft to Priya, 4242"


def test_a_second_row_for_the_same_draft_is_refused_without_its_text(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    row = {"interview_id": interview_id, "draft_key": "card", "subject": None}
    with db.transaction() as session:
        session.add(Draft(**row, body="first", updated_at=clock.now()))

    with pytest.raises(IntegrityError) as refused, db.transaction() as session:
        session.add(Draft(**row, body=SECRET, updated_at=clock.now() + timedelta(minutes=1)))
        session.flush()

    assert SECRET not in str(refused.value)
    with db.transaction() as session:
        assert session.scalars(select(Draft.body)).all() == ["first"]


def test_drafts_go_with_their_interview(db: Database, clock: FixedClock) -> None:
    interview_id = log(db, clock.now()).interview.id
    with db.transaction() as session:
        session.add(
            Draft(interview_id=interview_id, draft_key="card", body="x", updated_at=clock.now())
        )
    with db.transaction() as session:
        session.delete(session.get_one(Interview, interview_id))
    with db.transaction() as session:
        assert session.scalars(select(Draft)).all() == []
