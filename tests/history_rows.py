"""Planting nudge history in bulk, straight into the table, for the pruner and plan tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, update

from bot.rules.domain import (
    ApplicationStatus,
    ContactKind,
    InterviewFormat,
    InterviewStatus,
    NudgeKind,
    NudgeStatus,
    ReflectionQuestion,
)
from bot.store.db import Database
from bot.store.models import Application, ContactLog, Interview, Nudge, Reflection, SlackUser


@dataclass(frozen=True)
class Row:
    """One nudge to plant: its interview, status and due time (sequence numbers it apart)."""

    interview_id: int
    status: NudgeStatus
    due_at: datetime
    sequence: int
    kind: NudgeKind = NudgeKind.CHECK_IN


def plant(db: Database, rows: Iterable[Row], now: datetime) -> None:
    """Insert the rows in one executemany; sent ones get a channel and ts, claimed a lease."""
    values = [
        {
            "interview_id": r.interview_id,
            "kind": r.kind,
            "sequence": r.sequence,
            "due_at": r.due_at,
            "status": r.status,
            "attempts": 0,
            "created_at": r.due_at,
            "sent_at": r.due_at if r.status is NudgeStatus.SENT else None,
            "channel_id": "D0HISTORY" if r.status is NudgeStatus.SENT else None,
            "message_ts": f"{r.sequence}.000100" if r.status is NudgeStatus.SENT else None,
            "lease_until": now if r.status is NudgeStatus.CLAIMED else None,
            "claimed_by": "elsewhere" if r.status is NudgeStatus.CLAIMED else None,
        }
        for r in rows
    ]
    with db.transaction() as session:
        session.execute(insert(Nudge), values)


def close(db: Database, interview_id: int, now: datetime) -> None:
    """Close the interview (as a Stop press would), leaving its nudges as they are."""
    with db.transaction() as session:
        session.execute(
            update(Interview)
            .where(Interview.id == interview_id)
            .values(status=InterviewStatus.CLOSED, closed_at=now)
        )


def plant_history(
    db: Database, now: datetime, *, people: int, interviews_each: int, nudges_each: int
) -> list[int]:
    """A large closed past: `people` people (team T0HISTORY), each with `interviews_each`
    closed interviews of `nudges_each` settled nudges spread over the last 200 days, two
    contacts and two answers each; returns the interview ids. Rows go in by executemany."""
    users = [
        {
            "team_id": "T0HISTORY",
            "user_id": f"U0H{p:06d}",
            "tz": "UTC",
            "waking_start_hour": 8,
            "waking_end_hour": 20,
            "paused": False,
            "created_at": now,
            "updated_at": now,
        }
        for p in range(people)
    ]
    settled = [NudgeStatus.SENT, NudgeStatus.SENT, NudgeStatus.CANCELLED, NudgeStatus.FAILED]
    with db.transaction() as session:
        user_ids = list(session.scalars(insert(SlackUser).returning(SlackUser.id), users))
        # One closed application per interview, each its round 1.
        applications = list(
            session.scalars(
                insert(Application).returning(Application.id, sort_by_parameter_order=True),
                [
                    {
                        "owner_id": owner,
                        "company": "Old Co",
                        "status": ApplicationStatus.CLOSED,
                        "created_at": now - timedelta(days=200),
                        "updated_at": now,
                        "closed_at": now,
                    }
                    for owner in user_ids
                    for _ in range(interviews_each)
                ],
            )
        )
        owners = [owner for owner in user_ids for _ in range(interviews_each)]
        interviews = [
            {
                "owner_id": owner,
                "application_id": application_id,
                "company": "Old Co",
                "format": InterviewFormat.VIDEO,
                "traditional_org": False,
                "happened_at": now - timedelta(days=200),
                "direct_contact_ok": False,
                "status": InterviewStatus.CLOSED,
                "created_at": now - timedelta(days=200),
                "updated_at": now,
                "closed_at": now,
            }
            for owner, application_id in zip(owners, applications, strict=True)
        ]
        interview_ids = list(session.scalars(insert(Interview).returning(Interview.id), interviews))
        total = len(interview_ids) * nudges_each
        session.execute(
            insert(Nudge),
            [
                {
                    "interview_id": interview_id,
                    "kind": NudgeKind.CHECK_IN,
                    "sequence": s,
                    "due_at": now - timedelta(days=200) * ((i * nudges_each + s) / total),
                    "status": (status := settled[s % len(settled)]),
                    "attempts": 0,
                    "created_at": now - timedelta(days=200),
                    "sent_at": now - timedelta(days=100) if status is NudgeStatus.SENT else None,
                    "channel_id": f"D0H{i:06d}" if status is NudgeStatus.SENT else None,
                    "message_ts": f"{s}.{i:06d}" if status is NudgeStatus.SENT else None,
                }
                for i, interview_id in enumerate(interview_ids)
                for s in range(nudges_each)
            ],
        )
        session.execute(
            insert(ContactLog),
            [
                {"interview_id": interview_id, "kind": kind, "occurred_at": now}
                for interview_id in interview_ids
                for kind in (ContactKind.THANK_YOU_EMAIL, ContactKind.FOLLOW_UP)
            ],
        )
        session.execute(
            insert(Reflection),
            [
                {
                    "interview_id": interview_id,
                    "question_key": question,
                    "answer": "an old answer",
                    "answered_at": now,
                    "updated_at": now,
                }
                for interview_id in interview_ids
                for question in ReflectionQuestion
            ],
        )
    return interview_ids
