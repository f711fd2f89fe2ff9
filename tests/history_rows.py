"""Planting nudge history in bulk, straight into the table, for the pruner and plan tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, update

from bot.rules.domain import InterviewStatus, NudgeKind, NudgeStatus
from bot.store.db import Database
from bot.store.models import Interview, Nudge


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
