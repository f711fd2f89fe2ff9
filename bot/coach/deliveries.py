"""What the dispatcher asks of the coach: who a nudge goes to, what it shows, and how it
ended. Every write is fenced on the claim, so a worker whose lease ran out changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from bot.coach.mappers import is_coached, summary_of
from bot.coach.reconciler import lock_interview, reconcile
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


def delivery_of(db: Database, nudge_id: int, playbook: Playbook) -> Delivery | None:
    """The nudge's recipient and message, read in one transaction; None if it is gone."""
    with db.transaction() as session:
        row = session.execute(
            select(Nudge, Interview, SlackUser)
            .join(Interview, Nudge.interview_id == Interview.id)
            .join(SlackUser, Interview.owner_id == SlackUser.id)
            .where(Nudge.id == nudge_id)
        ).one_or_none()
        if row is None:
            return None
        nudge, interview, person = row
        reason = None
        if interview.status is not InterviewStatus.ACTIVE:
            reason = "interview closed"
        elif not is_coached(person):
            reason = "person gone"
        recipient = Recipient(
            team_id=person.team_id,
            user_id=person.user_id,
            dm_channel_id=person.dm_channel_id,
            kind=nudge.kind,
            due_at=nudge.due_at,
            undeliverable=reason,
        )
        return Delivery(recipient, view_of(session, nudge, playbook))


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
    kept_going = any(c.kind is ContactKind.KEPT_GOING for c in contacts)
    return NudgeView(
        nudge_id=nudge.id,
        kind=nudge.kind,
        follow_up_number=follow_up_number(nudge.kind, nudge.sequence),
        interview=summary_of(interview, interview.owner),
        answers={ReflectionQuestion(a.question_key): a.answer for a in answers},
        card_advised=card_advised(interview.format, interview.traditional_org),
        follow_ups_max=playbook.timing.max_follow_ups,
        weekly=interview.direct_contact_ok or kept_going,
        done=_done(nudge, interview, contacts, _brought_back_at(session, nudge)),
        due_at=nudge.due_at,
    )


# The choices that close the interview, and the outcomes each closes it with.
_CLOSING: dict[Choice, tuple[Outcome, ...]] = {
    Choice.HEARD_BACK: HEARD_BACK_OUTCOMES,
    Choice.STOP: (Outcome.STOPPED,),
}


def _brought_back_at(session: Session, nudge: Nudge) -> datetime | None:
    """When the planner brings this follow-up back after a snooze: its latest reminder's
    due time. The honest answer to "I'll bring it back …": a snooze's own end may fall on a
    weekend, a holiday or in a pause, and the reminder then waits for the next slot."""
    number = follow_up_number(nudge.kind, nudge.sequence)
    if number == 0:
        return None
    reminders = session.scalars(
        select(Nudge)
        .where(
            Nudge.interview_id == nudge.interview_id,
            Nudge.kind == NudgeKind.REMINDER,
            Nudge.sequence > reminder_sequence(number, 0),
            Nudge.sequence <= reminder_sequence(number, MAX_REMINDERS),
            Nudge.status != NudgeStatus.CANCELLED,
        )
        .order_by(Nudge.sequence.desc())
    ).first()
    return reminders.due_at if reminders is not None else None


def _done(
    nudge: Nudge,
    interview: Interview,
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


def nudge_view(db: Database, nudge_id: int, playbook: Playbook) -> NudgeView | None:
    with db.transaction() as session:
        nudge = session.get(Nudge, nudge_id)
        return view_of(session, nudge, playbook) if nudge is not None else None


def _settle_claimed(
    db: Database,
    nudge_id: int,
    worker_id: str,
    now: datetime,
    playbook: Playbook,
    *,
    or_pending: bool = False,
    **values: object,
) -> bool:
    """Write the claimed nudge's outcome if this worker still holds it, then reconcile.

    `or_pending`: also if its lease ran out and it waits, unclaimed, for its next try.
    """
    held = held_by(worker_id)
    fence = or_(held, Nudge.status == NudgeStatus.PENDING) if or_pending else held
    with db.transaction(immediate=True) as session:
        interview_id = session.scalar(select(Nudge.interview_id).where(Nudge.id == nudge_id))
        interview = lock_interview(session, interview_id) if interview_id else None
        result = session.execute(
            update(Nudge)
            .where(Nudge.id == nudge_id, fence)
            .values(lease_until=None, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False  # the lease ran out and someone else took it, or it was settled
        if interview is not None:
            session.expire_all()
            reconcile(session, interview, now, playbook)
        return True


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
    return _settle_claimed(
        db,
        nudge_id,
        worker_id,
        now,
        playbook,
        or_pending=or_pending,
        status=NudgeStatus.SENT,
        channel_id=channel_id,
        message_ts=ts,
        sent_at=now,
        last_error=None,
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
    values: dict[str, object] = {"status": NudgeStatus.FAILED, "last_error": error[:ERROR_MAX]}
    if attempts is not None:
        values["attempts"] = attempts
    return _settle_claimed(db, nudge_id, worker_id, now, playbook, **values)
