"""Claiming due nudges, handing them back, and taking back the leases of dead workers.

Each function is one short statement in its own transaction: nothing here is ever held open
across a Slack call. A claim is a lease: `claimed_by` fences every later write, so a worker
that outlived its lease cannot overwrite what the worker that took over recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.rules.domain import ERROR_MAX, NudgeKind, NudgeStatus
from bot.store.db import Database
from bot.store.models import Nudge


@dataclass(frozen=True)
class Claim:
    """A nudge this worker now holds until `lease_until`."""

    nudge_id: int
    kind: NudgeKind
    due_at: datetime
    attempts: int  # including the one this claim starts
    lease_until: datetime


def claim_due(
    db: Database, *, now: datetime, worker_id: str, limit: int, lease: timedelta
) -> list[Claim]:
    """Claim up to `limit` due pending nudges, oldest first; another worker never gets them.

    PostgreSQL skips rows another claimer has locked instead of waiting for them. SQLite
    ignores FOR UPDATE, so the claim runs in BEGIN IMMEDIATE: the write lock is taken before
    the read, and a second claimer waits for it rather than failing as "database is locked".
    """
    if limit < 1:
        return []
    lease_until = now + lease
    due = (
        select(Nudge.id)
        .where(Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= now)
        .order_by(Nudge.due_at, Nudge.id)
        .limit(limit)
    )
    if not db.is_sqlite:
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(Nudge)
        .where(Nudge.id.in_(due.scalar_subquery()))
        .values(
            status=NudgeStatus.CLAIMED,
            attempts=Nudge.attempts + 1,
            lease_until=lease_until,
            claimed_by=worker_id,
        )
        .returning(Nudge.id, Nudge.kind, Nudge.due_at, Nudge.attempts)
        .execution_options(synchronize_session=False)
    )
    with db.transaction(immediate=True) as session:
        rows = session.execute(statement).all()
    claims = [Claim(row.id, row.kind, row.due_at, row.attempts, lease_until) for row in rows]
    # RETURNING promises no order.
    return sorted(claims, key=lambda c: (c.due_at, c.nudge_id))


def requeue_expired(db: Database, now: datetime) -> int:
    """Give nudges whose lease ran out back to pending; returns how many.

    Their worker died or hung, maybe after posting: delivery is at least once.
    """
    statement = (
        update(Nudge)
        .where(Nudge.status == NudgeStatus.CLAIMED, Nudge.lease_until < now)
        .values(status=NudgeStatus.PENDING, lease_until=None, claimed_by=None)
        .execution_options(synchronize_session=False, preserve_rowcount=True)
    )
    with db.transaction(immediate=True) as session:
        return int(session.execute(statement).rowcount or 0)


def release(
    db: Database,
    nudge_id: int,
    worker_id: str,
    *,
    due_at: datetime,
    count_attempt: bool,
    error: str | None,
) -> bool:
    """Hand a claimed nudge back as pending, due at `due_at`; False if the claim was lost.

    `count_attempt=False` takes back the attempt the claim added (a rate limit or pacing is
    no fault of the message, and must not use up its retries).
    """
    values: dict[str, Any] = {
        "status": NudgeStatus.PENDING,
        "due_at": due_at,
        "lease_until": None,
        "claimed_by": None,
    }
    if not count_attempt:
        values["attempts"] = Nudge.attempts - 1
    if error is not None:  # pacing is no error: the last real one stays on record
        values["last_error"] = error[:ERROR_MAX]
    statement = (
        update(Nudge)
        .where(
            Nudge.id == nudge_id,
            Nudge.status == NudgeStatus.CLAIMED,
            Nudge.claimed_by == worker_id,
        )
        .values(values)
        .execution_options(synchronize_session=False, preserve_rowcount=True)
    )
    with db.transaction(immediate=True) as session:
        return bool(session.execute(statement).rowcount)
