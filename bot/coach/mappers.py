"""Stored rows to the pure rules' own types: facts, hours, history and summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from bot.rules.calendar import WEEKDAYS, Pause, PersonHours
from bot.rules.planning import Contact, History, InterviewFacts, NudgeRecord
from bot.rules.public_holidays import country_of_zone
from bot.rules.view_models import InterviewSummary
from bot.rules.zones import known_zone
from bot.store.models import HOLIDAYS_NONE, ContactLog, Interview, Nudge, SlackUser

# A stored row as the coach reads it: the ORM object (a listener's transaction) or the same
# columns selected by name (the dispatcher's reads: building the objects cost more than
# planning from them).
InterviewRow = Interview | Row[Any]
PersonRow = SlackUser | Row[Any]
NudgeRow = Nudge | Row[Any]
ContactRow = ContactLog | Row[Any]


def facts_of(interview: InterviewRow) -> InterviewFacts:
    return InterviewFacts(
        format=interview.format,
        traditional_org=interview.traditional_org,
        happened_at=interview.happened_at,
        length=timedelta(minutes=interview.duration_minutes),
        logged_at=interview.created_at,
        employer_timeline=interview.employer_timeline,
        direct_contact_ok=interview.direct_contact_ok,
        status=interview.status,
        application_id=interview.application_id,
        round_number=interview.round_number,
    )


def hours_of(person: PersonRow) -> PersonHours:
    """The person's calendar as the rules read it: zone, hours, days, holidays and pause."""
    return PersonHours(
        tz=known_zone(person.tz),
        waking_start_hour=person.waking_start_hour,
        waking_end_hour=person.waking_end_hour,
        working_days=working_days_of(person.working_days),
        holiday_country=holiday_country_of(person),
        follow_up_hour=person.follow_up_hour,
        pause=pause_of(person),
    )


def working_days_of(stored: str) -> frozenset[int]:
    """The stored digits ("01234") as weekday numbers; Monday to Friday if none are left."""
    days = frozenset(int(c) for c in stored if c in "0123456")
    return days or WEEKDAYS


def holiday_country_of(person: PersonRow) -> str | None:
    """The country whose holidays the person keeps: their choice, or their zone's."""
    if person.holiday_country == HOLIDAYS_NONE:
        return None
    return person.holiday_country or country_of_zone(person.tz)


def pause_of(person: PersonRow) -> Pause | None:
    """The person's last pause, over or not: what fell inside it stays after it."""
    if person.paused_at is None:
        return None
    return Pause(start=person.paused_at, until=person.paused_until)


def is_coached(person: PersonRow) -> bool:
    """False when the person's workspace removed the app. A pause is no reason: the plan
    keeps it as part of their calendar (see hours_of)."""
    return person.deactivated_at is None


def history_of(session: Session, interview_id: int, nudges: list[Nudge]) -> History:
    contacts = session.scalars(
        select(ContactLog).where(ContactLog.interview_id == interview_id)
    ).all()
    return history_from(contacts, nudges)


def history_from(contacts: Sequence[ContactRow], nudges: Sequence[NudgeRow]) -> History:
    """The planner's history from an interview's contact rows and nudge rows, already read."""
    return History(
        contacts=tuple(Contact(c.kind, c.occurred_at, c.until) for c in contacts),
        nudges=tuple(
            NudgeRecord(n.kind, n.sequence, n.status, n.due_at, n.sent_at) for n in nudges
        ),
    )


def summary_of(interview: InterviewRow, owner: PersonRow) -> InterviewSummary:
    """What the UI is shown of an interview; no ORM object leaves the coach."""
    return InterviewSummary(
        id=interview.id,
        company=interview.company,
        role=interview.role,
        format=interview.format,
        traditional_org=interview.traditional_org,
        happened_at=interview.happened_at,
        duration_minutes=interview.duration_minutes,
        interviewers=interview.interviewers,
        hiring_manager=interview.hiring_manager,
        employer_timeline=interview.employer_timeline,
        direct_contact_ok=interview.direct_contact_ok,
        status=interview.status,
        owner_tz=owner.tz,
        outcome=interview.outcome,
        application_id=interview.application_id,
        round_number=interview.round_number,
        closed_at=interview.closed_at,
    )
