"""The database reconciler: makes the nudge rows match what the playbook says should exist.

It runs after every change to an interview, inside the change's own transaction. It inserts
the missing nudges, moves or cancels pending ones, and revives nudges it cancelled earlier.
Nudges already sent, failed or in flight stay as they are. Running it twice changes nothing.
What to change is decided by the pure `reconcile_changes`, which bot.preview's in-memory
outbox applies as well.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, select, update
from sqlalchemy.orm import Session

from bot.coach.mappers import facts_of, history_from, hours_of, is_coached
from bot.rules.daily_limits import EMPLOYER_GAP, limit_daily
from bot.rules.domain import InterviewStatus, NudgeStatus
from bot.rules.planning import PlannedNudge, plan
from bot.rules.playbook import Playbook
from bot.rules.reconciling import Change, ChangeKind, Key, reconcile_changes
from bot.store.db import Database
from bot.store.id_lists import ids_in
from bot.store.models import ContactLog, Interview, Nudge, SlackUser

# Nudges that are history: the limits count them (failed ones on no day) and never move them.
_HISTORY = frozenset({NudgeStatus.SENT, NudgeStatus.CLAIMED, NudgeStatus.FAILED})
# Sent nudges of closed interviews older than this cannot share a day with a planned one,
# nor come within EMPLOYER_GAP (a week) of a later round's follow-up to the same employer.
RECENT = EMPLOYER_GAP + timedelta(days=1)


@dataclass(frozen=True)
class ReconcileReport:
    inserted: int = 0
    moved: int = 0
    cancelled: int = 0
    revived: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.moved or self.cancelled or self.revived)


def reconcile(
    session: Session,
    interview: Interview,
    now: datetime,
    playbook: Playbook,
    *,
    also: Collection[int] = (),
) -> ReconcileReport:
    """Bring the nudges of `interview`'s owner in line with the playbook and the daily
    limits, in the caller's transaction.

    The limits are per person, so one interview's change can move another's pending nudge:
    every active interview of the owner is planned, the limits are applied over all of them
    (bot.rules.daily_limits), and each interview's rows are made to match. The owner's row
    is locked (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises), so two processes
    reconciling one person take turns. Running it twice changes nothing. `also` names more
    of the owner's interviews to plan even if closed (a round the new one just ended).
    """
    report = reconcile_people(
        session, [interview.owner_id], now, playbook, also={interview.id, *also}
    )
    session.flush()
    return report


Settled = dict[int, dict[Key, datetime | None]]  # per interview: its nudges that are history


def reconcile_people(
    session: Session,
    owner_ids: Iterable[int],
    now: datetime,
    playbook: Playbook,
    *,
    also: Collection[int] = (),
) -> ReconcileReport:
    """`reconcile` for every active interview of several people at once (and for the
    interviews `also` names, active or not), in a fixed number of statements whatever their
    number: the dispatcher re-plans a whole batch this way. The owners are locked in id
    order; nothing is flushed (the caller flushes once).

    It reads columns, not objects: the dispatcher re-plans its whole batch after every
    batch, and building the ORM objects of a person's rows cost more than planning them.
    Only the rows a change touches are loaded as objects, in one more read."""
    owners = session.execute(
        select(*_PERSON)
        .where(ids_in(session, SlackUser.id, sorted(set(owner_ids))))
        .order_by(SlackUser.id)
        .with_for_update()
    ).all()
    if not owners:
        return ReconcileReport()
    interviews: list[Row[Any]] = []  # to plan
    others: list[Row[Any]] = []  # closed: their recent sends still count for the limits
    for interview in session.execute(
        select(*_INTERVIEW)
        .where(ids_in(session, Interview.owner_id, [owner.id for owner in owners]))
        .order_by(Interview.id)
    ):
        planned = interview.status is InterviewStatus.ACTIVE or interview.id in also
        (interviews if planned else others).append(interview)
    ids = [interview.id for interview in interviews]
    rows_of: dict[int, list[Row[Any]]] = defaultdict(list)
    contacts_of: dict[int, list[Row[Any]]] = defaultdict(list)
    if ids:
        for row in session.execute(select(*_NUDGE).where(ids_in(session, Nudge.interview_id, ids))):
            rows_of[row.interview_id].append(row)
        contacts = select(*_CONTACT).where(ids_in(session, ContactLog.interview_id, ids))
        for contact in session.execute(contacts):
            contacts_of[contact.interview_id].append(contact)
    settled, employers = _settled(session, interviews, others, rows_of, now)
    theirs: dict[int, list[Row[Any]]] = defaultdict(list)
    for interview in interviews:
        theirs[interview.owner_id].append(interview)
    changes: list[tuple[int, Change]] = []
    for owner in owners:
        hours, coaching = hours_of(owner), is_coached(owner)
        plans = {
            interview.id: plan(
                facts_of(interview),
                history_from(contacts_of[interview.id], rows_of[interview.id]),
                now,
                hours,
                playbook,
                coaching=coaching,
            )
            for interview in theirs[owner.id]
        }
        # Follow-ups to one employer keep a week apart across its rounds (applications).
        limited = limit_daily(plans, settled.get(owner.id, {}), hours, now, employers=employers)
        for interview in theirs[owner.id]:
            changes.extend(
                (interview.id, change)
                for change in _changes(rows_of[interview.id], limited[interview.id])
            )
    _apply(session, changes, rows_of, now)
    counts = Counter(change.kind for _, change in changes)
    return ReconcileReport(
        inserted=counts[ChangeKind.INSERT],
        moved=counts[ChangeKind.MOVE],
        cancelled=counts[ChangeKind.CANCEL],
        revived=counts[ChangeKind.REVIVE],
    )


# The columns the re-plan reads (see reconcile_people), named as the mappers read them.
_PERSON = (
    SlackUser.id,
    SlackUser.tz,
    SlackUser.waking_start_hour,
    SlackUser.waking_end_hour,
    SlackUser.working_days,
    SlackUser.holiday_country,
    SlackUser.follow_up_hour,
    SlackUser.paused_at,
    SlackUser.paused_until,
    SlackUser.deactivated_at,
)
_INTERVIEW = (
    Interview.id,
    Interview.owner_id,
    Interview.application_id,
    Interview.round_number,
    Interview.format,
    Interview.traditional_org,
    Interview.happened_at,
    Interview.duration_minutes,
    Interview.created_at,
    Interview.employer_timeline,
    Interview.direct_contact_ok,
    Interview.status,
)
_NUDGE = (
    Nudge.id,
    Nudge.interview_id,
    Nudge.kind,
    Nudge.sequence,
    Nudge.status,
    Nudge.due_at,
    Nudge.sent_at,
    Nudge.last_error,
    Nudge.first_due_at,
)
_CONTACT = (ContactLog.interview_id, ContactLog.kind, ContactLog.occurred_at, ContactLog.until)


def _settled(
    session: Session,
    planned: list[Row[Any]],
    others: list[Row[Any]],
    rows_of: dict[int, list[Row[Any]]],
    now: datetime,
) -> tuple[dict[int, Settled], dict[int, int]]:
    """Per owner, their nudges that are history, for the limits: each planned interview's,
    and the recent sent ones of their other (closed) interviews (a follow-up sent this
    morning still counts today after the interview closed; one sent to Acme last week still
    holds back the next round's). With it, each of those interviews' application.

    The other interviews are the ones the caller read with the planned ones, so their recent
    sends are one read by interview id, and none when there are no others."""
    settled: dict[int, Settled] = defaultdict(dict)
    employers = {interview.id: interview.application_id for interview in planned}
    for interview in planned:
        settled[interview.owner_id][interview.id] = {
            (row.kind, row.sequence): _reached(row)
            for row in rows_of[interview.id]
            if row.status in _HISTORY
        }
    if not others:
        return settled, employers
    closed = {interview.id: interview for interview in others}
    recent = session.execute(
        select(*_NUDGE).where(
            ids_in(session, Nudge.interview_id, list(closed)),
            Nudge.status.in_([NudgeStatus.SENT, NudgeStatus.CLAIMED]),
            Nudge.due_at >= now - RECENT,
        )
    )
    for row in recent:
        interview = closed[row.interview_id]
        settled[interview.owner_id].setdefault(row.interview_id, {})[(row.kind, row.sequence)] = (
            _reached(row)
        )
        employers[row.interview_id] = interview.application_id
    return settled, employers


def _reached(row: Row[Any]) -> datetime | None:
    """When a settled nudge reached the person (None: it never will)."""
    if row.status is NudgeStatus.FAILED:
        return None
    return row.sent_at or row.due_at


def _changes(rows: list[Row[Any]], planned: tuple[PlannedNudge, ...]) -> list[Change]:
    by_key = {(row.kind, row.sequence): row for row in rows}
    # A pending nudge the dispatcher put off keeps its later time: after a failed try it says
    # why in last_error; after pacing or a hand-back it has none, but its first_due_at is set
    # (the batch re-plans a person's other interviews after such a hand-back).
    put_off = {
        key
        for key, row in by_key.items()
        if row.last_error is not None or row.first_due_at is not None
    }
    return reconcile_changes(by_key, planned, put_off=put_off)


def _apply(
    session: Session,
    changes: list[tuple[int, Change]],
    rows_of: dict[int, list[Row[Any]]],
    now: datetime,
) -> None:
    """Make `changes` in the session: new rows added, changed ones loaded (one read for all
    of them; rows the caller holds come from its identity map) and changed."""
    # Rows to change, by interview and key; read only when some change is not an insert.
    touched = {(i, c.key) for i, c in changes if c.kind is not ChangeKind.INSERT}
    stored: dict[tuple[int, Key], Nudge] = {}
    if touched:
        ids = [
            row.id
            for i in {i for i, _ in touched}
            for row in rows_of[i]
            if (i, (row.kind, row.sequence)) in touched
        ]
        for row in session.scalars(select(Nudge).where(ids_in(session, Nudge.id, ids))):
            stored[(row.interview_id, (row.kind, row.sequence))] = row
    for interview_id, change in changes:
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
            continue
        row = stored[(interview_id, change.key)]
        if change.kind is ChangeKind.MOVE:
            row.due_at = change.due_at
            row.first_due_at = None  # a new plan: lateness counts afresh
        elif change.kind is ChangeKind.REVIVE:
            _rearm(row, change.due_at)
        else:
            row.status = NudgeStatus.CANCELLED
            row.lease_until = None


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
