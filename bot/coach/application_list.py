"""`/interview list`: the person's applications in progress, each with its rounds."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coach.interviews import next_nudges
from bot.coach.mappers import summary_of
from bot.rules.applications import ApplicationProgress, awaits_rounds
from bot.rules.domain import ApplicationStatus, ContactKind, InterviewStatus
from bot.store.db import Database
from bot.store.models import Application, ContactLog, Interview, SlackUser


def applications_in_progress(db: Database, team_id: str, user_id: str) -> list[ApplicationProgress]:
    """The person's applications still in progress (`awaits_rounds`: a round still coached,
    or the latest one ended as "next round"), each with all its rounds and the coach's next
    message about each active one; the one with the latest round first."""
    with db.transaction() as session:
        person = session.scalars(
            select(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)
        ).one_or_none()
        if person is None:
            return []
        active = select(Interview.application_id).where(
            Interview.owner_id == person.id, Interview.status == InterviewStatus.ACTIVE
        )
        applications = session.scalars(
            select(Application).where(
                Application.owner_id == person.id,
                (Application.status == ApplicationStatus.OPEN) | Application.id.in_(active),
            )
        ).all()
        rounds = session.scalars(
            select(Interview)
            .where(Interview.application_id.in_([a.id for a in applications]))
            .order_by(Interview.application_id, Interview.round_number, Interview.id)
        ).all()
        upcoming = next_nudges(
            session, [r.id for r in rounds if r.status is InterviewStatus.ACTIVE]
        )
        by_application: dict[int, list[Interview]] = {}
        for round_ in rounds:
            by_application.setdefault(round_.application_id, []).append(round_)
        contacts = latest_contacts(session, [rs[-1].id for rs in by_application.values()])
        progress = [
            ApplicationProgress(
                application_id=a.id,
                company=a.company,
                role=a.role,
                rounds=tuple(
                    replace(summary_of(r, person), **upcoming.get(r.id, {}))  # type: ignore[arg-type]
                    for r in by_application.get(a.id, [])
                ),
                latest_contacts=contacts.get(by_application[a.id][-1].id, ())
                if a.id in by_application
                else (),
            )
            for a in applications
            if awaits_rounds(
                a.status, [(r.status, r.outcome) for r in by_application.get(a.id, [])]
            )
        ]
        return sorted(
            progress,
            key=lambda p: (max(r.happened_at for r in p.rounds), p.application_id),
            reverse=True,
        )


def latest_contacts(
    session: Session, interview_ids: list[int]
) -> dict[int, tuple[ContactKind, ...]]:
    """What each of these rounds' owner recorded on it (thank-you, follow-ups), oldest first:
    a stage line reads them."""
    if not interview_ids:
        return {}
    rows = session.execute(
        select(ContactLog.interview_id, ContactLog.kind)
        .where(ContactLog.interview_id.in_(interview_ids))
        .order_by(ContactLog.occurred_at, ContactLog.id)
    ).all()
    found: dict[int, list[ContactKind]] = {}
    for row in rows:
        found.setdefault(row.interview_id, []).append(row.kind)
    return {key: tuple(kinds) for key, kinds in found.items()}
