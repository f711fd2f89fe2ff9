"""What the dispatcher asks of the coach: who a nudge goes to, what it shows, and how it
ended. Every write is fenced on the claim, so a worker whose lease ran out changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Update, and_, case, func, or_, select, update
from sqlalchemy.orm import Bundle, Session

from bot.coach.auto_close import close_auto_closed
from bot.coach.mappers import InterviewRow, NudgeRow, PersonRow, is_coached, summary_of
from bot.coach.reconciler import reconcile_people
from bot.rules.domain import (
    ERROR_MAX,
    ContactKind,
    InterviewStatus,
    NudgeKind,
    NudgeStatus,
    Outcome,
    ReflectionQuestion,
)
from bot.rules.kinds import KINDS
from bot.rules.outcomes import reopen_until
from bot.rules.planning import (
    MAX_REMINDERS,
    card_advised,
    follow_up_number,
    reminder_sequence,
)
from bot.rules.playbook import Playbook
from bot.rules.press_keys import CONTACT_OF, PER_MESSAGE, press_key
from bot.rules.view_models import HEARD_BACK_OUTCOMES, Choice, Done, NudgeView
from bot.store.db import Database
from bot.store.id_lists import ids_in
from bot.store.models import ContactLog, Interview, Nudge, Reflection, SlackUser


def held_by(worker_id: str) -> ColumnElement[bool]:
    """The fence: the row is still claimed, and by this worker. Every write a worker makes
    to a claimed nudge carries it, so one whose lease ran out changes nothing."""
    return and_(Nudge.status == NudgeStatus.CLAIMED, Nudge.claimed_by == worker_id)


@dataclass(frozen=True)
class Recipient:
    team_id: str
    user_id: str
    dm_channel_id: str | None
    kind: NudgeKind
    due_at: datetime
    # Why it should not go out after all (interview closed, person gone), or None.
    undeliverable: str | None


@dataclass(frozen=True)
class Delivery:
    """Everything the dispatcher needs to send one nudge: to whom, and what it shows."""

    recipient: Recipient
    view: NudgeView
    interview_id: int


def _columns(name: str, model: type[Nudge | Interview | SlackUser]) -> Bundle[Any]:
    """Every column of `model`, read as one named row: the batch's read builds no ORM
    object (building them cost more than the rest of the read)."""
    return Bundle(name, *(getattr(model, a.key) for a in model.__mapper__.column_attrs))


_NUDGE_COLUMNS = _columns("nudge", Nudge)
_INTERVIEW_COLUMNS = _columns("interview", Interview)
_OWNER_COLUMNS = _columns("owner", SlackUser)


def delivery_of(db: Database, nudge_id: int, playbook: Playbook) -> Delivery | None:
    """The nudge's recipient and message, read in one transaction; None if it is gone."""
    return deliveries_of(db, [nudge_id], playbook).get(nudge_id)


def deliveries_of(
    db: Database, nudge_ids: Sequence[int], playbook: Playbook
) -> dict[int, Delivery]:
    """Each nudge's recipient and message, by nudge id (a nudge gone is left out).

    One transaction and a fixed number of statements however many nudges: the nudges with
    their interviews and owners, then the interviews' answers, contact history and (only if a
    follow-up is among them) reminders, each for all the interviews at once.
    """
    if not nudge_ids:
        return {}
    with db.transaction() as session:
        rows = session.execute(
            select(_NUDGE_COLUMNS, _INTERVIEW_COLUMNS, _OWNER_COLUMNS)
            .join_from(Nudge, Interview, Nudge.interview_id == Interview.id)
            .join(SlackUser, Interview.owner_id == SlackUser.id)
            .where(ids_in(session, Nudge.id, nudge_ids))
        ).all()
        interview_ids = {interview.id for _, interview, _ in rows}
        answers = _by_interview(
            session.scalars(
                select(Reflection).where(ids_in(session, Reflection.interview_id, interview_ids))
            )
        )
        contacts = _by_interview(
            session.scalars(
                select(ContactLog)
                .where(ids_in(session, ContactLog.interview_id, interview_ids))
                .order_by(ContactLog.occurred_at, ContactLog.id)
            )
        )
        follow_ups = {
            nudge.interview_id
            for nudge, _, _ in rows
            if follow_up_number(nudge.kind, nudge.sequence) != 0
        }
        reminders = _by_interview(
            session.scalars(
                select(Nudge).where(
                    ids_in(session, Nudge.interview_id, follow_ups),
                    Nudge.kind == NudgeKind.REMINDER,
                    Nudge.status != NudgeStatus.CANCELLED,
                )
            )
            if follow_ups
            else []
        )
        found: dict[int, Delivery] = {}
        for nudge, interview, person in rows:
            view = _view(
                nudge,
                interview,
                person,
                answers.get(interview.id, []),
                contacts.get(interview.id, []),
                _brought_back_from(nudge, reminders.get(interview.id, [])),
                playbook,
            )
            found[nudge.id] = Delivery(_recipient(nudge, interview, person), view, interview.id)
        return found


_Row = TypeVar("_Row", Reflection, ContactLog, Nudge)


def _by_interview(rows: Iterable[_Row]) -> dict[int, list[_Row]]:
    grouped: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        grouped[row.interview_id].append(row)
    return grouped


def _recipient(nudge: NudgeRow, interview: InterviewRow, person: PersonRow) -> Recipient:
    reason = None
    if interview.status is not InterviewStatus.ACTIVE:
        reason = "interview closed"
    elif not is_coached(person):
        reason = "person gone"
    return Recipient(
        team_id=person.team_id,
        user_id=person.user_id,
        dm_channel_id=person.dm_channel_id,
        kind=nudge.kind,
        due_at=nudge.due_at,
        undeliverable=reason,
    )


def view_of(session: Session, nudge: Nudge, playbook: Playbook) -> NudgeView:
    interview = session.get_one(Interview, nudge.interview_id)
    answers = session.scalars(
        select(Reflection).where(Reflection.interview_id == interview.id)
    ).all()
    contacts = session.scalars(
        select(ContactLog)
        .where(ContactLog.interview_id == interview.id)
        .order_by(ContactLog.occurred_at, ContactLog.id)
    ).all()
    return _view(
        nudge,
        interview,
        interview.owner,
        answers,
        contacts,
        _brought_back_at(session, nudge),
        playbook,
    )


def _view(
    nudge: NudgeRow,
    interview: InterviewRow,
    owner: PersonRow,
    answers: Sequence[Reflection],
    contacts: Sequence[ContactLog],
    brought_back_at: datetime | None,
    playbook: Playbook,
) -> NudgeView:
    """The message of `nudge`, from rows already read (contacts oldest first)."""
    kept_going = any(c.kind is ContactKind.KEPT_GOING for c in contacts)
    return NudgeView(
        nudge_id=nudge.id,
        kind=nudge.kind,
        follow_up_number=follow_up_number(nudge.kind, nudge.sequence),
        interview=summary_of(interview, owner),
        answers={ReflectionQuestion(a.question_key): a.answer for a in answers},
        card_advised=card_advised(interview.format, interview.traditional_org),
        follow_ups_max=playbook.timing.max_follow_ups,
        weekly=interview.direct_contact_ok or kept_going,
        done=_done(nudge, interview, contacts, brought_back_at),
        due_at=nudge.due_at,
        reopen_until=reopen_until(interview.status, interview.closed_at),
        follow_up_marked_sent=any(c.kind is ContactKind.FOLLOW_UP for c in contacts),
        # An auto-close's sequence counts the reopens before it: one more, and it was undone.
        reopened_since=nudge.kind is NudgeKind.AUTO_CLOSE
        and sum(1 for c in contacts if c.kind is ContactKind.REOPENED) > nudge.sequence,
    )


# The choices that close the interview, and the outcomes each closes it with.
_CLOSING: dict[Choice, tuple[Outcome, ...]] = {
    Choice.HEARD_BACK: HEARD_BACK_OUTCOMES,
    Choice.STOP: (Outcome.STOPPED,),
    Choice.CLOSE_IT: (Outcome.NO_REPLY,),
}


def _brought_back_at(session: Session, nudge: Nudge) -> datetime | None:
    """When the planner brings this follow-up back after a snooze: its latest reminder's
    due time. The honest answer to "I'll bring it back …": a snooze's own end may fall on a
    weekend, a holiday or in a pause, and the reminder then waits for the next slot."""
    if follow_up_number(nudge.kind, nudge.sequence) == 0:
        return None
    reminders = session.scalars(
        select(Nudge).where(
            Nudge.interview_id == nudge.interview_id,
            Nudge.kind == NudgeKind.REMINDER,
            Nudge.status != NudgeStatus.CANCELLED,
        )
    ).all()
    return _brought_back_from(nudge, reminders)


def _brought_back_from(nudge: NudgeRow, reminders: Sequence[Nudge]) -> datetime | None:
    """`_brought_back_at` from the interview's reminders not cancelled, already read."""
    number = follow_up_number(nudge.kind, nudge.sequence)
    if number == 0:
        return None
    low, high = reminder_sequence(number, 0), reminder_sequence(number, MAX_REMINDERS)
    own = [r for r in reminders if low < r.sequence <= high]
    return max(own, key=lambda r: r.sequence).due_at if own else None


def _done(
    nudge: NudgeRow,
    interview: InterviewRow,
    contacts: Sequence[ContactLog],
    brought_back_at: datetime | None = None,
) -> tuple[Done, ...]:
    """What was recorded of the choices this nudge's message offers, in the order offered;
    a snooze says when the planner scheduled the reminder, `brought_back_at`, when known."""
    number = follow_up_number(nudge.kind, nudge.sequence)
    found: list[Done] = []
    for choice in KINDS[nudge.kind].choices:
        closes_with = _CLOSING.get(choice)
        if closes_with is not None:
            # The interview's outcome says it, whichever message closed it.
            if interview.outcome in closes_with:
                at = interview.closed_at or interview.updated_at
                found.append(Done(choice, at, outcome=interview.outcome))
            continue
        if choice in PER_MESSAGE:
            key = press_key(
                choice, interview_id=interview.id, nudge_id=nudge.id, follow_up_number=number
            )
            row = next((c for c in contacts if c.source_key == key), None)
        else:
            row = next((c for c in contacts if c.kind is CONTACT_OF[choice]), None)
        if row is not None:
            until = row.until
            if choice is Choice.SNOOZE and brought_back_at is not None:
                until = brought_back_at
            found.append(Done(choice, row.occurred_at, until=until))
    return tuple(found)


def still_stored(db: Database, nudge_ids: Collection[int]) -> set[int]:
    """Which of `nudge_ids` are still stored: the others went with their person (delete my
    data) or their interview or application (deleted by the person)."""
    if not nudge_ids:
        return set()
    with db.transaction() as session:
        return set(session.scalars(select(Nudge.id).where(ids_in(session, Nudge.id, nudge_ids))))


def shares_its_message(db: Database, channel_id: str, message_ts: str) -> bool:
    """Whether more than one nudge went out in that message (a grouped DM): showing a change
    on one of them must keep the others' parts."""
    with db.transaction() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Nudge)
            .where(Nudge.channel_id == channel_id, Nudge.message_ts == message_ts)
        )
    return (count or 0) > 1


def nudge_view(db: Database, nudge_id: int, playbook: Playbook) -> NudgeView | None:
    with db.transaction() as session:
        nudge = session.get(Nudge, nudge_id)
        return view_of(session, nudge, playbook) if nudge is not None else None


@dataclass(frozen=True)
class Settlement:
    """How one claimed nudge ended, to be written back: sent (its channel and ts) or failed
    (why, and when given how many tries Slack answered "try again" to)."""

    nudge_id: int
    interview_id: int | None  # None: not known to the caller, looked up when settled
    status: NudgeStatus
    channel_id: str | None = None
    ts: str | None = None
    error: str | None = None
    attempts: int | None = None

    @classmethod
    def sent(cls, nudge_id: int, interview_id: int | None, channel_id: str, ts: str) -> Settlement:
        return cls(nudge_id, interview_id, NudgeStatus.SENT, channel_id=channel_id, ts=ts)

    @classmethod
    def failed(
        cls, nudge_id: int, interview_id: int | None, error: str, attempts: int | None = None
    ) -> Settlement:
        return cls(nudge_id, interview_id, NudgeStatus.FAILED, error=error, attempts=attempts)


def settle(
    db: Database,
    worker_id: str,
    settlements: Sequence[Settlement],
    *,
    now: datetime,
    playbook: Playbook,
    or_pending: bool = False,
) -> set[int]:
    """Write the outcomes of nudges this worker still holds, then re-plan their interviews;
    returns the ids written (one whose claim ran out, or that was settled, is left alone).

    One transaction for the whole batch, and a fixed number of statements: lock the
    interviews (in id order, so two workers settling overlapping batches take turns instead
    of deadlocking), reading only their owners' ids; one fenced UPDATE for the sent nudges
    and one per distinct failure; then the reconciler re-plans the owners of what was
    written (all their active interviews, under the daily limits) from a fixed number of
    reads after the update, and its changes go out in one flush.

    `or_pending`: also a nudge whose lease ran out and that waits, unclaimed, for its next
    try (the post is known to have reached Slack).
    """
    if not settlements:
        return set()
    held = held_by(worker_id)
    fence = or_(held, Nudge.status == NudgeStatus.PENDING) if or_pending else held
    with db.transaction(immediate=True) as session:
        interview_of = {s.nudge_id: s.interview_id for s in settlements}
        unknown = [nudge_id for nudge_id, known in interview_of.items() if known is None]
        if unknown:
            found = session.execute(
                select(Nudge.id, Nudge.interview_id).where(Nudge.id.in_(unknown))
            )
            interview_of.update({row.id: row.interview_id for row in found})
        interview_ids = sorted({i for i in interview_of.values() if i is not None})
        # Ids only: the reconciler below loads the rows it plans from; hydrating them here
        # as well cost a tenth of a batch's record step.
        owner_of = dict(
            session.execute(
                select(Interview.id, Interview.owner_id)
                .where(ids_in(session, Interview.id, interview_ids))
                .order_by(Interview.id)
                .with_for_update()
            ).all()
        )
        written: dict[int, NudgeKind] = {}
        for statement in _outcome_updates(session, settlements, fence, now):
            written.update(session.execute(statement).all())
        replan = {interview_of[n] for n in written if interview_of[n] is not None}
        # An auto-close DM settled: its interview closes now (failed too: nothing is left
        # to send either way), and the re-plan below then cancels what it had pending.
        closing = [n for n, kind in written.items() if kind is NudgeKind.AUTO_CLOSE]
        close_auto_closed(session, {i for n in closing if (i := interview_of[n]) is not None}, now)
        if replan:
            # Per person, not per interview: the daily limits span all of a person's
            # interviews, so a sent nudge can move another interview's next one.
            owners = {owner_of[i] for i in replan if i in owner_of}
            reconcile_people(session, owners, now, playbook, also=replan)
            session.flush()
        return set(written)


def _outcome_updates(
    session: Session, settlements: Sequence[Settlement], fence: ColumnElement[bool], now: datetime
) -> list[Update]:
    """The fenced UPDATEs that write `settlements`, each RETURNING the ids (and kinds) it
    wrote: one for every sent nudge (channel and ts by id), one per distinct failure."""
    statements: list[Update] = []
    sent = [s for s in settlements if s.status is NudgeStatus.SENT]
    if sent:
        statements.append(
            update(Nudge)
            .where(ids_in(session, Nudge.id, [s.nudge_id for s in sent]), fence)
            .values(
                status=NudgeStatus.SENT,
                channel_id=case({s.nudge_id: s.channel_id for s in sent}, value=Nudge.id),
                message_ts=case({s.nudge_id: s.ts for s in sent}, value=Nudge.id),
                sent_at=now,
                last_error=None,
                lease_until=None,
            )
            .returning(Nudge.id, Nudge.kind)
            .execution_options(synchronize_session=False)
        )
    failures: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for s in settlements:
        if s.status is NudgeStatus.FAILED:
            failures[(s.error or "", s.attempts)].append(s.nudge_id)
    for (error, attempts), ids in failures.items():
        values: dict[str, object] = {
            "status": NudgeStatus.FAILED,
            "last_error": error[:ERROR_MAX],
            "lease_until": None,
        }
        if attempts is not None:
            values["attempts"] = attempts
        statements.append(
            update(Nudge)
            .where(ids_in(session, Nudge.id, ids), fence)
            .values(values)
            .returning(Nudge.id, Nudge.kind)
            .execution_options(synchronize_session=False)
        )
    return statements


def mark_sent(
    db: Database,
    nudge_id: int,
    worker_id: str,
    *,
    channel_id: str,
    ts: str,
    now: datetime,
    playbook: Playbook,
    or_pending: bool = False,
) -> bool:
    """Record a delivered nudge (its channel and Slack ts) and plan what follows it.

    `or_pending`: the post is known to have reached Slack, so a nudge whose claim ran out
    meanwhile (and that nobody has taken since) is recorded too.
    """
    settlement = Settlement.sent(nudge_id, None, channel_id, ts)
    return bool(
        settle(db, worker_id, [settlement], now=now, playbook=playbook, or_pending=or_pending)
    )


def mark_failed(
    db: Database,
    nudge_id: int,
    worker_id: str,
    *,
    error: str,
    now: datetime,
    playbook: Playbook,
    attempts: int | None = None,
) -> bool:
    """Give up on a nudge for good (too late, or Slack refused it for good); `attempts`, when
    given, is how many tries Slack answered "try again" to, the last one included."""
    settlement = Settlement.failed(nudge_id, None, error, attempts)
    return bool(settle(db, worker_id, [settlement], now=now, playbook=playbook))
