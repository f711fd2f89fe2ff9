"""The correction use cases on a real database (SQLite, or PostgreSQL with
TEST_DATABASE_URL): an edit and a new timeline re-plan in their own transaction, a delete
leaves no row behind, and a nudge being posted while its interview is deleted settles as
nothing rather than failing the dispatcher.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update

from bot.clock import FixedClock
from bot.coach.corrections import (
    CLOSED,
    GONE,
    NOT_YOURS,
    TimelineResult,
    delete_interview,
    edit_interview,
    set_new_timeline,
)
from bot.coach.deliveries import mark_sent
from bot.rules.domain import InterviewFormat, NudgeKind, NudgeStatus
from bot.rules.interview_form import InterviewForm
from bot.rules.playbook import default_playbook
from bot.rules.view_models import InterviewSummary
from bot.store.db import Database
from bot.store.models import ContactLog, Draft, Interview, Nudge, Reflection
from tests.coach_helpers import DANA, DANA_DM, TEAM, WORKER, deliver_kind, log, pending

PLAYBOOK = default_playbook()


def test_an_edit_re_plans_in_its_own_transaction(db: Database, clock: FixedClock) -> None:
    logged = log(db, clock.now(), format="video")
    interview_id = logged.interview.id
    assert NudgeKind.CARD not in {kind for kind, _, _ in pending(db, interview_id)}
    form = InterviewForm(
        company="Acme",
        happened_at=logged.interview.happened_at,
        format="in_person",
        traditional_org=True,
    )

    edited = edit_interview(
        db,
        interview_id=interview_id,
        team_id=TEAM,
        user_id=DANA,
        form=form,
        now=clock.now(),
        playbook=PLAYBOOK,
    )

    assert isinstance(edited, InterviewSummary)
    assert edited.format is InterviewFormat.IN_PERSON
    assert NudgeKind.CARD in {kind for kind, _, _ in pending(db, interview_id)}
    assert (
        edit_interview(
            db,
            interview_id=interview_id,
            team_id=TEAM,
            user_id="U0SOMEONE",
            form=form,
            now=clock.now(),
            playbook=PLAYBOOK,
        )
        == NOT_YOURS
    )


def test_a_new_timeline_is_stored_once_and_refused_for_a_closed_interview(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id

    def new_timeline(day: date) -> TimelineResult | str:
        return set_new_timeline(
            db,
            interview_id=interview_id,
            team_id=TEAM,
            user_id=DANA,
            timeline=day,
            now=clock.now(),
            playbook=PLAYBOOK,
        )

    first = new_timeline(date(2026, 12, 18))
    again = new_timeline(date(2026, 12, 18))
    assert isinstance(first, TimelineResult) and first.changed
    assert isinstance(again, TimelineResult) and not again.changed
    assert first.interview.next_due == again.interview.next_due

    with db.transaction() as session:
        session.execute(
            update(Interview).where(Interview.id == interview_id).values(status="closed")
        )
    assert new_timeline(date(2026, 12, 20)) == CLOSED


def test_a_delete_during_a_post_leaves_no_row_and_the_post_settles_as_nothing(
    db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    interview_id = log(db, now).interview.id
    other = log(db, now, company="Globex", view_id="V2").interview.id
    deliver_kind(db, interview_id, NudgeKind.REFLECTION, now + timedelta(hours=1), "1.0")
    # The thank-you is being posted by a dispatcher right now.
    with db.transaction() as session:
        thank_you = session.scalars(
            select(Nudge.id).where(
                Nudge.interview_id == interview_id, Nudge.kind == NudgeKind.THANK_YOU
            )
        ).one()
        session.execute(
            update(Nudge)
            .where(Nudge.id == thank_you)
            .values(status=NudgeStatus.CLAIMED, claimed_by=WORKER)
        )

    deleted = delete_interview(
        db, interview_id=interview_id, team_id=TEAM, user_id=DANA, now=now, playbook=PLAYBOOK
    )

    assert isinstance(deleted, InterviewSummary) and deleted.company == "Acme"
    with db.transaction() as session:
        for model in (Nudge, Reflection, ContactLog, Draft):
            count = session.scalar(
                select(func.count()).select_from(model).where(model.interview_id == interview_id)
            )
            assert count == 0, model.__tablename__
        assert session.get(Interview, interview_id) is None
        assert session.get(Interview, other) is not None
    assert not mark_sent(
        db, thank_you, WORKER, channel_id=DANA_DM, ts="2.0", now=now, playbook=PLAYBOOK
    )
    assert pending(db, other)  # the other interview keeps its plan
    assert (
        delete_interview(
            db, interview_id=interview_id, team_id=TEAM, user_id=DANA, now=now, playbook=PLAYBOOK
        )
        == GONE
    )
