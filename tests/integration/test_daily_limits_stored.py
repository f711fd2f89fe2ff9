"""The daily limits on a real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is
set): the reconciler applies them over all of a person's interviews, so one interview's
change moves another's pending nudge."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from bot.coach.choices import record_choice
from bot.rules.domain import NudgeKind
from bot.rules.playbook import default_playbook
from bot.rules.view_models import Choice, ChoiceStatus
from bot.store.db import Database
from tests.coach_helpers import DANA, TEAM, deliver, log, nudges, pending

LA = ZoneInfo("America/Los_Angeles")


def follow_up_due(db: Database, interview_id: int) -> datetime:
    [due] = [at for kind, _, at in pending(db, interview_id) if kind is NudgeKind.FOLLOW_UP]
    return due


def local_day(instant: datetime) -> date:
    return instant.astimezone(LA).date()


def four_interviews_with_one_timeline(db: Database, clock: FixedClock) -> list[int]:
    """Four interviews logged now whose employers all said "a week from today": their
    follow-ups want the same morning, one more than a day allows."""
    timeline = local_day(clock.now()) + timedelta(days=7)
    return [
        log(
            db,
            clock.now(),
            view_id=f"V{number}",
            company=f"Company {number}",
            format="video",
            employer_timeline=timeline,
        ).interview.id
        for number in range(4)
    ]


def test_four_follow_ups_for_one_morning_become_three_and_one_the_next_working_day(
    db: Database, clock: FixedClock
) -> None:
    ids = four_interviews_with_one_timeline(db, clock)
    dues = [follow_up_due(db, interview_id) for interview_id in ids]

    # Each planned for the working morning after the date they gave; the fourth waits a day.
    assert dues[0] == dues[1] == dues[2]
    assert local_day(dues[3]) > local_day(dues[0])
    assert dues[3].astimezone(LA).time() == dues[0].astimezone(LA).time()
    assert local_day(dues[3]).weekday() < 5

    # The first interview's follow-up goes out today instead (sent early): its place on that
    # morning frees up, and the fourth interview's follow-up moves back into it.
    [row] = [n for n in nudges(db, ids[0]) if n.kind is NudgeKind.FOLLOW_UP]
    deliver(db, row.id, clock.now(), "1.1")

    assert follow_up_due(db, ids[3]) == dues[0]


def test_a_follow_up_sent_this_morning_still_counts_after_its_interview_closes(
    db: Database, clock: FixedClock
) -> None:
    """The limits read the recent sends of the person's closed interviews too: closing the
    interview whose follow-up went out this morning must not let a fourth one in today."""
    ids = four_interviews_with_one_timeline(db, clock)
    dues = [follow_up_due(db, interview_id) for interview_id in ids]
    assert local_day(dues[3]) > local_day(dues[0])  # three a day: the fourth waits
    clock.set(dues[0])
    [row] = [n for n in nudges(db, ids[0]) if n.kind is NudgeKind.FOLLOW_UP]
    deliver(db, row.id, clock.now(), "1.1")

    stopped = record_choice(
        db,
        nudge_id=row.id,
        team_id=TEAM,
        user_id=DANA,
        choice=Choice.STOP,
        option=None,
        now=clock.now(),
        playbook=default_playbook(),
    )

    assert stopped.status is ChoiceStatus.RECORDED
    assert pending(db, ids[0]) == []  # closed
    # The next follow-up goes out and the person is re-planned without the closed interview
    # among those planned: its send this morning is read as recent history.
    [second] = [n for n in nudges(db, ids[1]) if n.kind is NudgeKind.FOLLOW_UP]
    deliver(db, second.id, clock.now(), "1.2")

    assert follow_up_due(db, ids[3]) == dues[3]  # still tomorrow: today has had its three
