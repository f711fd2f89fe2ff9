"""The buttons on the coach's messages: what each press records, once, for the owner only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coach.deliveries import view_of
from bot.coach.people import is_owner
from bot.coach.reconciler import lock_interview, reconcile
from bot.rules.domain import ContactKind, InterviewStatus, NudgeKind, NudgeStatus, Outcome
from bot.rules.outcomes import CHECK_BACK_AFTER
from bot.rules.planning import card_advised, follow_up_number
from bot.rules.playbook import Playbook
from bot.rules.press_keys import CONTACT_OF, press_key
from bot.rules.view_models import CONTROLS, HEARD_BACK_OUTCOMES, Choice, ChoiceResult, ChoiceStatus
from bot.store.db import Database
from bot.store.models import ContactLog, Interview, Nudge
from bot.store.upsert import insert_ignoring_conflicts


@dataclass(frozen=True)
class _Press:
    """A validated press: the contact it records (if any) and how it closes the interview."""

    contact: ContactKind | None
    source_key: str | None
    until: datetime | None = None
    closes_with: Outcome | None = None


def record_choice(
    db: Database,
    *,
    nudge_id: int,
    team_id: str,
    user_id: str,
    choice: Choice,
    option: str | None,
    now: datetime,
    playbook: Playbook,
) -> ChoiceResult:
    """Record a button press on nudge `nudge_id`, then re-plan the interview's nudges.

    A second press of the same button (a double click, or Slack retrying) records nothing
    and answers ALREADY_RECORDED; a press by anyone but the owner changes nothing.
    """
    with db.transaction(immediate=True) as session:
        nudge = session.get(Nudge, nudge_id)
        if nudge is None:
            return ChoiceResult(ChoiceStatus.UNKNOWN, choice)
        interview = lock_interview(session, nudge.interview_id)
        assert interview is not None  # the foreign key guarantees it
        if not is_owner(interview, team_id, user_id):
            return ChoiceResult(ChoiceStatus.NOT_OWNER, choice)
        press = _validate(session, nudge, interview, choice, option, now, playbook)
        if press is None:
            return ChoiceResult(ChoiceStatus.INVALID, choice, view_of(session, nudge, playbook))
        if interview.status is not InterviewStatus.ACTIVE:
            same = press.closes_with is not None and press.closes_with == interview.outcome
            return ChoiceResult(
                ChoiceStatus.ALREADY_RECORDED if same else ChoiceStatus.CLOSED,
                choice,
                view_of(session, nudge, playbook),
            )
        fresh = True
        if press.contact is not None:
            fresh = _log_contact(session, interview.id, press, now)
        if press.closes_with is not None:
            interview.status = InterviewStatus.CLOSED
            interview.outcome = press.closes_with
            interview.closed_at = now
        if fresh or press.closes_with is not None:
            # A close always re-plans: after a Reopen, the same outcome pressed again logs
            # no second contact, and still closes.
            interview.updated_at = now
            reconcile(session, interview, now, playbook)
        changed = fresh or press.closes_with is not None  # a close after a Reopen is news
        return ChoiceResult(
            ChoiceStatus.RECORDED if changed else ChoiceStatus.ALREADY_RECORDED,
            choice,
            view_of(session, nudge, playbook),
        )


def _validate(
    session: Session,
    nudge: Nudge,
    interview: Interview,
    choice: Choice,
    option: str | None,
    now: datetime,
    playbook: Playbook,
) -> _Press | None:
    if choice not in CONTROLS[nudge.kind]:
        return None
    number = follow_up_number(nudge.kind, nudge.sequence)
    key = press_key(choice, interview_id=interview.id, nudge_id=nudge.id, follow_up_number=number)
    contact = CONTACT_OF.get(choice)
    advised = card_advised(interview.format, interview.traditional_org)
    if choice is Choice.CARD_MAILED and not advised:
        return None
    if choice is Choice.STOP:
        return _Press(contact, key, closes_with=Outcome.STOPPED)
    if choice is Choice.CLOSE_IT:
        return _Press(contact, key, closes_with=Outcome.NO_REPLY)
    if choice is Choice.CHECK_BACK:
        return _Press(contact, key, until=now + CHECK_BACK_AFTER)
    if choice is Choice.HEARD_BACK:
        outcome = next((o for o in HEARD_BACK_OUTCOMES if o.value == option), None)
        if outcome is None:
            return None
        return _Press(contact, key, closes_with=outcome)
    if choice is not Choice.SNOOZE:
        return _Press(contact, key)
    # SNOOZE: only the latest follow-up, once it has reached the person, may be snoozed.
    days = _snooze_days(option, playbook)
    later = session.scalar(
        select(Nudge.id).where(
            Nudge.interview_id == interview.id,
            Nudge.kind == NudgeKind.FOLLOW_UP,
            Nudge.sequence > number,
            Nudge.status.in_([NudgeStatus.SENT, NudgeStatus.CLAIMED]),
        )
    )
    if days is None or later is not None or nudge.status is not NudgeStatus.SENT:
        return None
    return _Press(contact, key, until=now + timedelta(days=days))


def _snooze_days(option: str | None, playbook: Playbook) -> int | None:
    # ASCII only: "²".isdigit() is True, and int() then fails.
    if option is None or not (option.isascii() and option.isdigit() and len(option) < 5):
        return None
    days = int(option)
    return days if days in playbook.timing.snooze_days else None


def _log_contact(session: Session, interview_id: int, press: _Press, now: datetime) -> bool:
    """Log the press; False when this very press was logged before."""
    assert press.contact is not None
    return insert_ignoring_conflicts(
        session,
        ContactLog,
        {
            "interview_id": interview_id,
            "kind": press.contact,
            "channel": "slack",
            "occurred_at": now,
            "until": press.until,
            "source_key": press.source_key,
        },
        ["source_key"],
    )
