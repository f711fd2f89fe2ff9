"""The outcome use cases against the database (SQLite, or PostgreSQL with TEST_DATABASE_URL):
Reopen for the owner only, once, within the day; the auto-close closes its interview when its
DM is settled; "Close it" and "I'll check back" are kept like any press."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.coach.choices import record_choice
from bot.coach.deliveries import mark_failed, mark_sent
from bot.coach.outcomes import ReopenStatus, recently_closed, reopen
from bot.rules.domain import ContactKind, InterviewStatus, NudgeKind, NudgeStatus, Outcome
from bot.rules.playbook import default_playbook
from bot.rules.view_models import Choice, ChoiceStatus
from bot.store.db import Database
from bot.store.models import ContactLog, Interview, Nudge
from tests.coach_helpers import DANA, TEAM, WORKER, deliver_kind, log, nudges, pending

PLAYBOOK = default_playbook()
SAM = "U0SAM"


def _press(db: Database, clock: FixedClock, nudge_id: int, choice: Choice, option=None):
    return record_choice(
        db,
        nudge_id=nudge_id,
        team_id=TEAM,
        user_id=DANA,
        choice=choice,
        option=option,
        now=clock.now(),
        playbook=PLAYBOOK,
    )


def _reopen(db: Database, clock: FixedClock, interview_id: int, user_id: str = DANA):
    return reopen(
        db,
        team_id=TEAM,
        user_id=user_id,
        now=clock.now(),
        playbook=PLAYBOOK,
        interview_id=interview_id,
    )


def _interview(db: Database, interview_id: int) -> Interview:
    with db.transaction() as session:
        row = session.get_one(Interview, interview_id)
        session.expunge(row)
    return row


def _deliver_until(db: Database, clock: FixedClock, interview_id: int, kind: NudgeKind) -> int:
    """Deliver the interview's pending nudges in due order, each at its time, up to and
    including the first of `kind`, as the dispatcher would; that one's id."""
    for number in range(50):
        [(due, nudge_id, delivered)] = [
            (n.due_at, n.id, n.kind)
            for n in sorted(nudges(db, interview_id), key=lambda n: (n.due_at, n.id))
            if n.status is NudgeStatus.PENDING
        ][:1]
        clock.set(max(due, clock.now()))
        deliver_kind(db, interview_id, delivered, clock.now(), f"{number}.1")
        if delivered is kind:
            return nudge_id
    raise AssertionError(f"no {kind}")


def _follow_up(db: Database, clock: FixedClock) -> tuple[int, int]:
    interview_id = log(db, clock.now(), direct_contact_ok=True, hiring_manager="Priya").interview.id
    return interview_id, _deliver_until(db, clock, interview_id, NudgeKind.FOLLOW_UP)


def test_withdrew_then_reopen_for_the_owner_once_within_the_day(
    db: Database, clock: FixedClock
) -> None:
    interview_id, follow_up = _follow_up(db, clock)
    assert _press(db, clock, follow_up, Choice.HEARD_BACK, "withdrew").status is (
        ChoiceStatus.RECORDED
    )
    closed = _interview(db, interview_id)
    assert (closed.outcome, closed.closed_at) == (Outcome.WITHDREW, clock.now())
    assert pending(db, interview_id) == []
    assert [c.id for c in recently_closed(db, TEAM, DANA, clock.now())] == [interview_id]

    clock.advance(timedelta(hours=5))
    assert _reopen(db, clock, interview_id, user_id=SAM).status is ReopenStatus.NOT_OWNER
    assert _interview(db, interview_id).status is InterviewStatus.CLOSED

    first = _reopen(db, clock, interview_id)
    second = _reopen(db, clock, interview_id)

    assert (first.status, second.status) == (ReopenStatus.REOPENED, ReopenStatus.ALREADY_OPEN)
    assert _interview(db, interview_id).status is InterviewStatus.ACTIVE
    assert [kind for kind, _, _ in pending(db, interview_id)] == [NudgeKind.FOLLOW_UP]
    with db.transaction() as session:
        kinds = [c.kind for c in session.query(ContactLog).order_by(ContactLog.id)]
    assert kinds.count(ContactKind.REOPENED) == 1
    assert recently_closed(db, TEAM, DANA, clock.now()) == []

    # Withdrew again: the same outcome closes it again, though no second contact is logged.
    assert _press(db, clock, follow_up, Choice.HEARD_BACK, "withdrew").status is (
        ChoiceStatus.RECORDED
    )
    assert _interview(db, interview_id).status is InterviewStatus.CLOSED
    assert pending(db, interview_id) == []


def test_a_day_after_the_close_reopen_is_refused(db: Database, clock: FixedClock) -> None:
    interview_id, follow_up = _follow_up(db, clock)
    _press(db, clock, follow_up, Choice.STOP)
    clock.advance(timedelta(days=1))

    assert _reopen(db, clock, interview_id).status is ReopenStatus.TOO_LATE
    assert _interview(db, interview_id).status is InterviewStatus.CLOSED
    assert recently_closed(db, TEAM, DANA, clock.now()) == []


@pytest.mark.parametrize(
    "how",
    ["sent", "failed", "sent after its claim ran out"],
)
def test_the_auto_close_closes_its_interview_when_its_dm_is_settled(
    db: Database, clock: FixedClock, how: str
) -> None:
    """Sent or given up (nothing is left to send either way), and also when the post is
    recorded after its lease ran out (a post made while the database was down): the kind the
    write returns says so, with no read of its own."""
    interview_id = log(db, clock.now(), format="video", traditional_org=False).interview.id
    _deliver_until(db, clock, interview_id, NudgeKind.CHECK_IN)
    assert [kind for kind, _, _ in pending(db, interview_id)] == [NudgeKind.AUTO_CLOSE]
    [(kind, _, due)] = pending(db, interview_id)
    clock.set(due)
    with db.transaction() as session:
        row = session.query(Nudge).filter_by(interview_id=interview_id, kind=kind).one()
        if how != "sent after its claim ran out":
            row.status, row.claimed_by = NudgeStatus.CLAIMED, WORKER
        nudge_id = row.id

    if how == "failed":
        written = mark_failed(
            db, nudge_id, WORKER, error="channel_not_found", now=clock.now(), playbook=PLAYBOOK
        )
    else:
        written = mark_sent(
            db,
            nudge_id,
            WORKER,
            channel_id="D1",
            ts="9.9",
            now=clock.now(),
            playbook=PLAYBOOK,
            or_pending=how == "sent after its claim ran out",
        )

    assert written
    closed = _interview(db, interview_id)
    assert (closed.status, closed.outcome, closed.closed_at) == (
        InterviewStatus.CLOSED,
        Outcome.NO_REPLY,
        clock.now(),
    )
    assert pending(db, interview_id) == []


def test_close_it_and_check_back_on_still_waiting(db: Database, clock: FixedClock) -> None:
    interview_id, _ = _follow_up(db, clock)
    _deliver_until(db, clock, interview_id, NudgeKind.FOLLOW_UP)
    assert [kind for kind, _, _ in pending(db, interview_id)] == [NudgeKind.STILL_WAITING]
    asking = _deliver_until(db, clock, interview_id, NudgeKind.STILL_WAITING)

    result = _press(db, clock, asking, Choice.CHECK_BACK)

    assert result.status is ChoiceStatus.RECORDED
    [(kind, sequence, due)] = pending(db, interview_id)
    assert (kind, sequence) == (NudgeKind.FOLLOW_UP, 3)
    assert due >= clock.now() + timedelta(weeks=2)
    # The question's message now shows the answer; Close it is no longer offered.
    assert _press(db, clock, asking, Choice.CLOSE_IT).status is ChoiceStatus.RECORDED
    assert _interview(db, interview_id).outcome is Outcome.NO_REPLY
