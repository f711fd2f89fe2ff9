"""Pruning the nudge history, so the outbox holds roughly what is live.

Sent, cancelled and failed nudges older than the retention are deleted, a small batch per
transaction, unless their interview is still active: the planner reads an active interview's
whole history (how many follow-ups went out, which (kind, sequence) rows exist), while a closed
interview is never planned again. The pacing rules read `contact_log`, which is never pruned.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Delete, delete, exists, select, text

from bot.rules.domain import InterviewStatus
from bot.store.db import Database
from bot.store.models import SETTLED_STATUSES_SQL, Interview, Nudge

logger = logging.getLogger(__name__)

# Short transactions: on SQLite each one holds the write lock while it deletes.
PRUNE_BATCH = 500


def prune_batch_statement(
    *, cutoff: datetime, since: datetime | None, limit: int, skip_locked: bool
) -> Delete:
    """One batch: the oldest `limit` settled nudges due before `cutoff` (and at or after
    `since`, where the previous batch stopped) whose interview is not active.

    The status test is written as the partial index `ix_nudge_settled_due_at` is, so both
    databases walk that index in due_at order and stop after `limit` rows. It is repeated on
    the DELETE itself: a row changed since the subquery read it is then left alone.
    """
    settled = text(SETTLED_STATUSES_SQL)
    active = exists().where(
        Interview.id == Nudge.interview_id, Interview.status == InterviewStatus.ACTIVE
    )
    oldest = (
        select(Nudge.id)
        .where(settled, Nudge.due_at < cutoff, ~active)
        .order_by(Nudge.due_at)
        .limit(limit)
    )
    if since is not None:
        oldest = oldest.where(Nudge.due_at >= since)
    if skip_locked:
        # Two pruners at once take different rows instead of queueing behind each other.
        oldest = oldest.with_for_update(skip_locked=True, of=Nudge)
    return (
        delete(Nudge)
        .where(Nudge.id.in_(oldest.scalar_subquery()), settled, Nudge.due_at < cutoff)
        .returning(Nudge.due_at)
        .execution_options(synchronize_session=False)
    )


def prune_history(
    db: Database, now: datetime, keep_days: int, *, batch_size: int = PRUNE_BATCH
) -> int:
    """Delete settled nudges of closed interviews due more than `keep_days` ago; how many.

    Batch after batch, each in its own transaction, until a batch finds fewer than
    `batch_size`. Safe to run in several replicas at once: each row is deleted once, and a
    row another pruner deleted first is simply not there any more.
    """
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    cutoff = now - timedelta(days=keep_days)
    since: datetime | None = None
    total = 0
    while True:
        statement = prune_batch_statement(
            cutoff=cutoff, since=since, limit=batch_size, skip_locked=not db.is_sqlite
        )
        with db.transaction(immediate=True) as session:
            due_ats = list(session.scalars(statement))
        total += len(due_ats)
        if len(due_ats) < batch_size:
            break
        # Everything before this batch's last row is gone or kept (an active interview's):
        # the next batch starts here instead of walking past the kept rows again.
        since = max(due_ats)
    if total:
        logger.info("pruned %d settled nudge(s) due before %s", total, cutoff.isoformat())
    return total
