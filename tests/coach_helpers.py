"""Driving the coach's use cases directly, as the dispatcher and listeners would."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.clock import FixedClock
from bot.coach.deliveries import mark_sent
from bot.coach.interviews import LogResult, submit_interview
from bot.coach.people import note_profile
from bot.coach.reflections import answer_by_message
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.interview_form import InterviewForm
from bot.rules.playbook import default_playbook
from bot.rules.view_models import AnswerResult
from bot.store.db import Database
from bot.store.models import Nudge

TEAM = "T0123ABCD"
DANA = "U0456EFGH"
DANA_DM = "D0456EFGH"
WORKER = "test-worker"


def log(
    db: Database,
    now: datetime,
    *,
    user_id: str = DANA,
    tz: str = "America/Los_Angeles",
    happened_at: datetime | None = None,
    view_id: str = "V1",
    application_id: int | None = None,
    **form: object,
) -> LogResult:
    note_profile(
        db, TEAM, user_id, now, tz=tz, dm_channel_id=f"D{user_id[1:]}", playbook=default_playbook()
    )
    values = {"company": "Acme", "format": "in_person", "traditional_org": True, **form}
    result = submit_interview(
        db,
        team_id=TEAM,
        user_id=user_id,
        form=InterviewForm(happened_at=happened_at or now - timedelta(minutes=30), **values),
        now=now,
        source_view_id=view_id,
        playbook=default_playbook(),
        application_id=application_id,
    )
    assert isinstance(result, LogResult), result
    return result


def nudges(db: Database, interview_id: int) -> list[Nudge]:
    with db.transaction() as session:
        rows = session.scalars(
            select(Nudge).where(Nudge.interview_id == interview_id).order_by(Nudge.id)
        ).all()
        session.expunge_all()
        return list(rows)


def pending(db: Database, interview_id: int) -> list[tuple[NudgeKind, int, datetime]]:
    return [
        (n.kind, n.sequence, n.due_at)
        for n in nudges(db, interview_id)
        if n.status is NudgeStatus.PENDING
    ]


def deliver(db: Database, nudge_id: int, now: datetime, ts: str) -> None:
    """What the dispatcher does around its Slack call: claim, then record the ts."""
    with db.transaction() as session:
        session.execute(
            update(Nudge)
            .where(Nudge.id == nudge_id)
            .values(status=NudgeStatus.CLAIMED, claimed_by=WORKER, attempts=Nudge.attempts + 1)
        )
    assert mark_sent(
        db, nudge_id, WORKER, channel_id=DANA_DM, ts=ts, now=now, playbook=default_playbook()
    )


def deliver_kind(db: Database, interview_id: int, kind: NudgeKind, now: datetime, ts: str) -> int:
    row = next(
        n for n in nudges(db, interview_id) if n.kind is kind and n.status is NudgeStatus.PENDING
    )
    deliver(db, row.id, now, ts)
    return row.id


def dm(db: Database, clock: FixedClock, text: str, thread_ts: str | None) -> AnswerResult:
    """Dana writes `text` in her DM with the coach (in a message's thread, given its ts)."""
    return answer_by_message(
        db,
        team_id=TEAM,
        user_id=DANA,
        channel_id=DANA_DM,
        thread_ts=thread_ts,
        message_ts=f"{clock.now().timestamp():.6f}",
        text=text,
        now=clock.now(),
        playbook=default_playbook(),
    )
