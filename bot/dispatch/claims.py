"""Claiming due nudges, handing them back, and taking back the leases of dead workers.

Each function is one short statement in its own transaction (`requeue_and_claim`, the tick's
two, in one): nothing here is ever held open across a Slack call. A claim is a lease:
`claimed_by` fences every later write, so a worker that outlived its lease cannot overwrite
what the worker that took over recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from sqlalchemy import Update, func, select, update
from sqlalchemy.orm import Session

from bot.coach.deliveries import held_by
from bot.rules.domain import ERROR_MAX, NudgeKind, NudgeStatus
from bot.store.db import Database
from bot.store.id_lists import ids_in
from bot.store.models import Nudge


@dataclass(frozen=True)
class Claim:
    """A nudge this worker now holds until `lease_until`."""

    nudge_id: int
    kind: NudgeKind
    due_at: datetime
    attempts: int  # tries Slack answered "try again" to; a claim alone is no attempt
    lease_until: datetime
    first_due_at: datetime  # lateness counts from here: due_at moves with each retry
    post_started_at: datetime | None  # an earlier post may have reached Slack


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
    with db.transaction(immediate=True) as session:
        return _claim(session, db, now=now, worker_id=worker_id, limit=limit, lease=lease)


def requeue_and_claim(
    db: Database, *, now: datetime, worker_id: str, limit: int, lease: timedelta
) -> tuple[int, list[Claim]]:
    """`requeue_expired`, then `claim_due`, in one transaction: how many leases ran out, and
    the claims. An idle tick is these two statements; one transaction spares it a pool
    checkout (PostgreSQL's pre-ping) and a BEGIN/COMMIT, most of its cost on PostgreSQL."""
    with db.transaction(immediate=True) as session:
        requeued = int(session.execute(_requeue_statement(now)).rowcount or 0)
        if limit < 1:
            return requeued, []
        claims = _claim(session, db, now=now, worker_id=worker_id, limit=limit, lease=lease)
        return requeued, claims


def _claim(
    session: Session,
    db: Database,
    *,
    now: datetime,
    worker_id: str,
    limit: int,
    lease: timedelta,
) -> list[Claim]:
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
        .values(status=NudgeStatus.CLAIMED, lease_until=lease_until, claimed_by=worker_id)
        .returning(
            Nudge.id,
            Nudge.kind,
            Nudge.due_at,
            Nudge.attempts,
            Nudge.first_due_at,
            Nudge.post_started_at,
        )
        .execution_options(synchronize_session=False)
    )
    rows = session.execute(statement).all()
    claims = [
        Claim(
            row.id,
            row.kind,
            row.due_at,
            row.attempts,
            lease_until,
            first_due_at=row.first_due_at or row.due_at,
            post_started_at=row.post_started_at,
        )
        for row in rows
    ]
    # RETURNING promises no order.
    return sorted(claims, key=lambda c: (c.due_at, c.nudge_id))


def requeue_expired(db: Database, now: datetime) -> int:
    """Give nudges whose lease ran out back to pending; returns how many.

    Their worker died or hung, maybe after posting; that is no attempt of theirs, and the
    nudge's `post_started_at` makes the next worker look in the DM before posting again.
    """
    with db.transaction(immediate=True) as session:
        return int(session.execute(_requeue_statement(now)).rowcount or 0)


def _requeue_statement(now: datetime) -> Update:
    return (
        update(Nudge)
        .where(Nudge.status == NudgeStatus.CLAIMED, Nudge.lease_until < now)
        .values(status=NudgeStatus.PENDING, lease_until=None, claimed_by=None)
        .execution_options(synchronize_session=False, preserve_rowcount=True)
    )


# `release`'s default: leave post_started_at as it is.
KEEP: Final = "keep"


def release(
    db: Database,
    nudge_id: int,
    worker_id: str,
    *,
    due_at: datetime,
    count_attempt: bool,
    error: str | None,
    post_started_at: datetime | Literal["keep"] | None = KEEP,
) -> bool:
    """Hand a claimed nudge back as pending, due at `due_at`; False if the claim was lost.

    `count_attempt=True` when Slack was called and answered "try again"; a rate limit,
    pacing or a shutdown is no try. The first due time is kept, so lateness still counts
    from the plan however often the nudge is put off. `post_started_at`, when given, puts
    back what it was at the claim: the batch noted a post it then never made.
    """
    values: dict[str, Any] = {
        "status": NudgeStatus.PENDING,
        "due_at": due_at,
        "first_due_at": func.coalesce(Nudge.first_due_at, Nudge.due_at),
        "lease_until": None,
        "claimed_by": None,
    }
    if count_attempt:
        values["attempts"] = Nudge.attempts + 1
    if error is not None:  # pacing is no error: the last real one stays on record
        values["last_error"] = error[:ERROR_MAX]
    if post_started_at != KEEP:
        values["post_started_at"] = post_started_at
    statement = (
        update(Nudge)
        .where(Nudge.id == nudge_id, held_by(worker_id))
        .values(values)
        .execution_options(synchronize_session=False, preserve_rowcount=True)
    )
    with db.transaction(immediate=True) as session:
        return bool(session.execute(statement).rowcount)


def renew(db: Database, worker_id: str, nudge_ids: list[int], lease_until: datetime) -> int:
    """The heartbeat: extend this worker's claims on `nudge_ids`; returns how many it holds."""
    if not nudge_ids:
        return 0
    with db.transaction(immediate=True) as session:
        statement = (
            update(Nudge)
            .where(ids_in(session, Nudge.id, nudge_ids), held_by(worker_id))
            .values(lease_until=lease_until)
            .execution_options(synchronize_session=False, preserve_rowcount=True)
        )
        return int(session.execute(statement).rowcount or 0)


def mark_post_started(db: Database, nudge_id: int, worker_id: str, now: datetime) -> bool:
    """Note, before calling Slack, that this nudge's post may reach it; False if the claim
    was lost (then nothing may be posted)."""
    statement = (
        update(Nudge)
        .where(Nudge.id == nudge_id, held_by(worker_id))
        .values(post_started_at=now)
        .execution_options(synchronize_session=False, preserve_rowcount=True)
    )
    with db.transaction(immediate=True) as session:
        return bool(session.execute(statement).rowcount)


def mark_posts_started(
    db: Database, nudge_ids: list[int], worker_id: str, now: datetime
) -> set[int]:
    """`mark_post_started` for a whole batch in one statement, before its first post: the
    ids this worker still holds, the only ones it may post."""
    if not nudge_ids:
        return set()
    with db.transaction(immediate=True) as session:
        statement = (
            update(Nudge)
            .where(ids_in(session, Nudge.id, nudge_ids), held_by(worker_id))
            .values(post_started_at=now)
            .returning(Nudge.id)
            .execution_options(synchronize_session=False)
        )
        return set(session.scalars(statement))
