"""Stored rows to the pure rules' own types: facts, hours, history and summaries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.calendar import PersonHours
from bot.rules.planning import Contact, History, InterviewFacts, NudgeRecord
from bot.rules.view_models import InterviewSummary
from bot.rules.zones import known_zone
from bot.store.models import ContactLog, Interview, Nudge, SlackUser


def facts_of(interview: Interview) -> InterviewFacts:
    return InterviewFacts(
        format=interview.format,
        traditional_org=interview.traditional_org,
        happened_at=interview.happened_at,
        logged_at=interview.created_at,
        employer_timeline=interview.employer_timeline,
        direct_contact_ok=interview.direct_contact_ok,
        status=interview.status,
    )


def hours_of(person: SlackUser) -> PersonHours:
    return PersonHours(
        tz=known_zone(person.tz),
        waking_start_hour=person.waking_start_hour,
        waking_end_hour=person.waking_end_hour,
    )


def is_coached(person: SlackUser) -> bool:
    """False when the person paused the coach or their workspace removed the app."""
    return not person.paused and person.deactivated_at is None


def history_of(session: Session, interview_id: int, nudges: list[Nudge]) -> History:
    contacts = session.scalars(
        select(ContactLog).where(ContactLog.interview_id == interview_id)
    ).all()
    return History(
        contacts=tuple(Contact(c.kind, c.occurred_at, c.until) for c in contacts),
        nudges=tuple(
            NudgeRecord(n.kind, n.sequence, n.status, n.due_at, n.sent_at) for n in nudges
        ),
    )


def summary_of(interview: Interview, owner: SlackUser) -> InterviewSummary:
    """What the UI is shown of an interview; no ORM object leaves the coach."""
    return InterviewSummary(
        id=interview.id,
        company=interview.company,
        role=interview.role,
        format=interview.format,
        traditional_org=interview.traditional_org,
        happened_at=interview.happened_at,
        interviewers=interview.interviewers,
        hiring_manager=interview.hiring_manager,
        employer_timeline=interview.employer_timeline,
        direct_contact_ok=interview.direct_contact_ok,
        status=interview.status,
        owner_tz=owner.tz,
        outcome=interview.outcome,
    )
