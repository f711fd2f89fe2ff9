"""The Home tab's use cases against the database (SQLite, or PostgreSQL with
TEST_DATABASE_URL): closing a round from its menu (owner only, once), the applications in
progress with their latest round's contacts, and the past ones with Reopen for a day."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.coach.application_list import applications_in_progress
from bot.coach.corrections import NOT_YOURS
from bot.coach.home import close_round, past_applications
from bot.rules.domain import InterviewStatus, Outcome
from bot.rules.playbook import default_playbook
from bot.rules.stage import application_stage
from bot.store.db import Database
from tests.coach_helpers import DANA, TEAM, log, pending

PLAYBOOK = default_playbook()
SAM = "U0SAM"


def _close(db: Database, clock: FixedClock, interview_id: int, outcome: Outcome, user=DANA):
    return close_round(
        db,
        interview_id=interview_id,
        team_id=TEAM,
        user_id=user,
        outcome=outcome,
        now=clock.now(),
        playbook=PLAYBOOK,
    )


def test_withdraw_closes_for_the_owner_once_and_lists_it_as_past(
    db: Database, clock: FixedClock
) -> None:
    first = log(db, clock.now(), view_id="V1").interview.id
    log(db, clock.now(), view_id="V2", company="Globex")
    assert pending(db, first)

    assert _close(db, clock, first, Outcome.WITHDREW, user=SAM) == NOT_YOURS
    assert pending(db, first)

    closed = _close(db, clock, first, Outcome.WITHDREW)
    assert not isinstance(closed, str)
    assert (closed.status, closed.outcome) == (InterviewStatus.CLOSED, Outcome.WITHDREW)
    assert pending(db, first) == []
    again = _close(db, clock, first, Outcome.WITHDREW)
    assert isinstance(again, str) and "already closed" in again

    [open_one] = applications_in_progress(db, TEAM, DANA)
    assert open_one.company == "Globex"
    assert application_stage(open_one, clock.now()).startswith("round 1 now")
    [past] = past_applications(db, TEAM, DANA, clock.now())
    assert (past.company, past.outcome, past.rounds) == ("Acme", Outcome.WITHDREW, 1)
    assert past.latest_interview_id == first and past.reopenable
    clock.advance(timedelta(days=1))
    [past] = past_applications(db, TEAM, DANA, clock.now())
    assert not past.reopenable
    assert past_applications(db, TEAM, SAM, clock.now()) == []


def test_next_round_keeps_the_application_in_progress(db: Database, clock: FixedClock) -> None:
    first = log(db, clock.now()).interview.id
    closed = _close(db, clock, first, Outcome.NEXT_ROUND)
    assert not isinstance(closed, str)
    [application] = applications_in_progress(db, TEAM, DANA)
    assert application_stage(application, clock.now()) == "round 1 done · next round to log"
    assert past_applications(db, TEAM, DANA, clock.now()) == []
