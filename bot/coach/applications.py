"""Use cases about applications: which open ones a new round may join, what a next round's
form is prefilled with, and attaching a logged interview to its application as a round."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.rules.applications import ApplicationChoice, RoundPrefill, awaits_rounds, same_company
from bot.rules.domain import ApplicationStatus, InterviewStatus, Outcome
from bot.rules.interview_form import InterviewDraft
from bot.store.db import Database
from bot.store.models import Application, Interview, SlackUser


def _owner_filter(team_id: str, user_id: str) -> Select[tuple[int]]:
    return select(SlackUser.id).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)


def takes_rounds(application: Application) -> bool:
    """Whether a new round may join the application: open, and in progress (`awaits_rounds`:
    not over because its latest round ended in an offer, a rejection…)."""
    rounds = sorted(application.rounds, key=lambda r: (r.round_number, r.id))
    return application.status is ApplicationStatus.OPEN and awaits_rounds(
        application.status, [(r.status, r.outcome) for r in rounds]
    )


def next_round_of(session: Session, application_id: int) -> int:
    """The round a new interview of the application would be: one more than its last."""
    last = session.scalar(
        select(func.max(Interview.round_number)).where(Interview.application_id == application_id)
    )
    return (last or 0) + 1


def open_applications_at(
    db: Database, team_id: str, user_id: str, company: str | None
) -> list[ApplicationChoice]:
    """The person's open applications at `company` (case and spacing aside), newest first:
    what `/interview logged Acme` offers to add a round to. None for no company."""
    if not company:
        return []
    with db.transaction() as session:
        rows = session.scalars(
            select(Application)
            .where(
                Application.owner_id.in_(_owner_filter(team_id, user_id)),
                Application.status == ApplicationStatus.OPEN,
            )
            .order_by(Application.created_at.desc(), Application.id.desc())
        ).all()
        return [
            ApplicationChoice(row.id, row.company, row.role, next_round_of(session, row.id))
            for row in rows
            if same_company(row.company, company) and takes_rounds(row)
        ]


def round_prefill(
    db: Database, team_id: str, user_id: str, application_id: int
) -> RoundPrefill | None:
    """The next round's form, filled from the application and the people its rounds named
    (the latest round that named them); None unless it is the person's own open application."""
    with db.transaction() as session:
        application = session.get(Application, application_id)
        if application is None or not takes_rounds(application):
            return None
        owner = session.get(SlackUser, application.owner_id)
        if owner is None or (owner.team_id, owner.user_id) != (team_id, user_id):
            return None
        rounds = sorted(application.rounds, key=lambda r: r.round_number, reverse=True)
        return RoundPrefill(
            application_id=application.id,
            company=application.company,
            role=application.role,
            next_round=next_round_of(session, application.id),
            interviewers=next((r.interviewers for r in rounds if r.interviewers), None),
            hiring_manager=next((r.hiring_manager for r in rounds if r.hiring_manager), None),
        )


def application_for_round(
    session: Session,
    owner: SlackUser,
    draft: InterviewDraft,
    application_id: int | None,
    now: datetime,
) -> tuple[Application, int, list[Interview]]:
    """The application a newly logged interview joins, its round number, and the earlier
    rounds it ends (still active: the person moved on to this round, so their pending advice
    stops; they are closed as "next round").

    The chosen application must be the person's own and in progress (`awaits_rounds`);
    otherwise (gone, closed, over, or a forged id) the interview starts a new application, so
    nothing the person typed is lost.
    """
    application = None
    if application_id is not None:
        found = session.get(Application, application_id, with_for_update=True)
        if found is not None and found.owner_id == owner.id and takes_rounds(found):
            application = found
    if application is None:
        application = Application(
            owner_id=owner.id,
            company=draft.company,
            role=draft.role,
            status=ApplicationStatus.OPEN,
            created_at=now,
            updated_at=now,
        )
        session.add(application)
        session.flush()
        return application, 1, []
    application.updated_at = now
    earlier = [r for r in application.rounds if r.status is InterviewStatus.ACTIVE]
    for round_ in earlier:
        round_.status = InterviewStatus.CLOSED
        round_.outcome = Outcome.NEXT_ROUND
        round_.closed_at = now
        round_.updated_at = now
    return application, next_round_of(session, application.id), earlier
