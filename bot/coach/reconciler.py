"""The database reconciler: makes the nudge rows match what the playbook says should exist.

It runs after every change to an interview, inside the change's own transaction. It inserts
the missing nudges, moves or cancels pending ones, and revives nudges it cancelled earlier.
Nudges already sent, failed or in flight stay as they are. Running it twice changes nothing.
What to change is decided by the pure `reconcile_changes`, which bot.preview's in-memory
outbox applies as well.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from bot.coach.mappers import facts_of, history_from, history_of, hours_of, is_coached
from bot.rules.domain import NudgeStatus
from bot.rules.planning import PlannedNudge, plan
from bot.rules.playbook import Playbook
from bot.rules.reconciling import ChangeKind, reconcile_changes
from bot.store.db import Database
from bot.store.models import ContactLog, Interview, Nudge, SlackUser


@dataclass(frozen=True)
class ReconcileReport:
    inserted: int = 0
    moved: int = 0
    cancelled: int = 0
    revived: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.moved or self.cancelled or self.revived)


def planned_for(
    session: Session, interview: Interview, now: datetime, playbook: Playbook
) -> tuple[list[Nudge], tuple[PlannedNudge, ...]]:
    rows = list(session.scalars(select(Nudge).where(Nudge.interview_id == interview.id)).all())
    owner = interview.owner
    planned = plan(
        facts_of(interview),
        history_of(session, interview.id, rows),
        now,
        hours_of(owner),
        playbook,
        coaching=is_coached(owner),
    )
    return rows, planned


def reconcile(
    session: Session, interview: Interview, now: datetime, playbook: Playbook
) -> ReconcileReport:
    """Bring `interview`'s nudges in line with the playbook, in the caller's transaction.

    The caller holds the interview's row lock (PostgreSQL) or the write lock (SQLite's
    BEGIN IMMEDIATE), so two processes reconciling one interview take turns.
    """
    rows, planned = planned_for(session, interview, now, playbook)
    report = _apply(session, interview.id, rows, planned, now)
    session.flush()
    return report


def reconcile_loaded(
    session: Session,
    interview: Interview,
    owner: SlackUser,
    rows: Sequence[Nudge],
    contacts: Sequence[ContactLog],
    now: datetime,
    playbook: Playbook,
) -> ReconcileReport:
    """`reconcile` for a caller that already read, under the interview's lock, the interview,
    its owner, all its nudges and its contacts (the dispatcher, a batch at a time). Nothing
    is read here and nothing flushed: the caller flushes once for all its interviews."""
    planned = plan(
        facts_of(interview),
        history_from(contacts, rows),
        now,
        hours_of(owner),
        playbook,
        coaching=is_coached(owner),
    )
    return _apply(session, interview.id, list(rows), planned, now)


def _apply(
    session: Session,
    interview_id: int,
    rows: list[Nudge],
    planned: tuple[PlannedNudge, ...],
    now: datetime,
) -> ReconcileReport:
    by_key = {(row.kind, row.sequence): row for row in rows}
    # The dispatcher records why it put a pending nudge off in last_error.
    put_off = {key for key, row in by_key.items() if row.last_error is not None}
    changes = reconcile_changes(by_key, planned, put_off=put_off)
    for change in changes:
        if change.kind is ChangeKind.INSERT:
            kind, sequence = change.key
            session.add(
                Nudge(
                    interview_id=interview_id,
                    kind=kind,
                    sequence=sequence,
                    due_at=change.due_at,
                    status=NudgeStatus.PENDING,
                    attempts=0,
                    created_at=now,
                )
            )
        elif change.kind is ChangeKind.MOVE:
            by_key[change.key].due_at = change.due_at
            by_key[change.key].first_due_at = None  # a new plan: lateness counts afresh
        elif change.kind is ChangeKind.REVIVE:
            _rearm(by_key[change.key], change.due_at)
        else:
            row = by_key[change.key]
            row.status = NudgeStatus.CANCELLED
            row.lease_until = None
    counts = Counter(change.kind for change in changes)
    return ReconcileReport(
        inserted=counts[ChangeKind.INSERT],
        moved=counts[ChangeKind.MOVE],
        cancelled=counts[ChangeKind.CANCEL],
        revived=counts[ChangeKind.REVIVE],
    )


def _rearm(row: Nudge, due_at: datetime) -> None:
    row.status = NudgeStatus.PENDING
    row.due_at = due_at
    row.attempts = 0
    row.first_due_at = None
    row.last_error = None
    row.lease_until = None
    row.claimed_by = None


def lock_interview(session: Session, interview_id: int) -> Interview | None:
    """The interview, locked for this transaction on PostgreSQL (SQLite is already
    serialised by BEGIN IMMEDIATE, and ignores FOR UPDATE)."""
    return session.get(Interview, interview_id, with_for_update=True)


def replan(db: Database, interview_id: int, now: datetime, playbook: Playbook) -> ReconcileReport:
    with db.transaction(immediate=True) as session:
        interview = lock_interview(session, interview_id)
        if interview is None:
            return ReconcileReport()
        return reconcile(session, interview, now, playbook)


def cancel_pending_for(session: Session, people: Select[tuple[int]]) -> int:
    """Cancel every pending nudge of the people `people` selects (their slack_user ids)."""
    result = session.execute(
        update(Nudge)
        .where(
            Nudge.status == NudgeStatus.PENDING,
            Nudge.interview_id.in_(select(Interview.id).where(Interview.owner_id.in_(people))),
        )
        .values(status=NudgeStatus.CANCELLED, last_error="recipient gone")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
