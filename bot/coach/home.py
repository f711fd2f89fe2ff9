"""The Home tab's data and actions: the person's applications that are over, for its
"Closed" section (those in progress come from bot.coach.application_list), and closing an
application's latest round from its menu (Heard back, Withdraw)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.coach.corrections import GONE, NOT_YOURS
from bot.coach.mappers import summary_of
from bot.coach.people import is_owner
from bot.coach.reconciler import lock_interview, reconcile
from bot.rules.applications import awaits_rounds
from bot.rules.domain import ContactKind, InterviewStatus, Outcome
from bot.rules.outcomes import can_reopen
from bot.rules.playbook import Playbook
from bot.rules.stage import PastApplication
from bot.rules.view_models import HEARD_BACK_OUTCOMES, InterviewSummary
from bot.store.db import Database
from bot.store.models import Application, ContactLog, Interview, SlackUser

ALREADY_CLOSED = "{name} is already closed ({outcome}), so nothing changed."

# The most the Closed section lists (newest first); older ones stay in the person's export.
CLOSED_LIMIT = 100


def past_applications(
    db: Database, team_id: str, user_id: str, now: datetime
) -> list[PastApplication]:
    """The person's applications that are over (no round coached, and not waiting for a next
    round), latest close first, each with its outcome, dates and whether Reopen still works."""
    with db.transaction() as session:
        person = session.scalars(
            select(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)
        ).one_or_none()
        if person is None:
            return []
        applications = {
            a.id: a
            for a in session.scalars(select(Application).where(Application.owner_id == person.id))
        }
        rounds = session.scalars(
            select(Interview)
            .where(Interview.owner_id == person.id)
            .order_by(Interview.application_id, Interview.round_number, Interview.id)
        ).all()
        by_application: dict[int, list[Interview]] = {}
        for round_ in rounds:
            by_application.setdefault(round_.application_id, []).append(round_)
        past: list[PastApplication] = []
        for application_id, its_rounds in by_application.items():
            application = applications.get(application_id)
            if application is None:
                continue
            states = [(r.status, r.outcome) for r in its_rounds]
            if awaits_rounds(application.status, states):
                continue
            latest = its_rounds[-1]
            past.append(
                PastApplication(
                    application_id=application_id,
                    company=application.company,
                    role=application.role,
                    outcome=latest.outcome,
                    rounds=len(its_rounds),
                    first_at=its_rounds[0].happened_at,
                    closed_at=latest.closed_at,
                    latest_interview_id=latest.id,
                    reopenable=can_reopen(latest.status, latest.closed_at, now),
                    owner_tz=person.tz,
                )
            )
        past.sort(key=lambda p: (p.closed_at or p.first_at, p.application_id), reverse=True)
        return past[:CLOSED_LIMIT]


def close_round(
    db: Database,
    *,
    interview_id: int,
    team_id: str,
    user_id: str,
    outcome: Outcome,
    now: datetime,
    playbook: Playbook,
) -> InterviewSummary | str:
    """Close a round as "Heard back" (or Withdraw) from the Home tab, confirmed in a dialog:
    as the same press on a follow-up would, it logs the heard-back contact, closes the round
    and re-plans (its pending nudges stop). Or why not: someone else's, gone, already closed
    (a dialog submitted twice changes nothing the second time)."""
    if outcome not in HEARD_BACK_OUTCOMES:
        return GONE
    with db.transaction(immediate=True) as session:
        interview = lock_interview(session, interview_id)
        if interview is None:
            return GONE
        if not is_owner(interview, team_id, user_id):
            return NOT_YOURS
        if interview.status is not InterviewStatus.ACTIVE:
            said = interview.outcome.value.replace("_", " ") if interview.outcome else "closed"
            return ALREADY_CLOSED.format(name=interview.company, outcome=said)
        session.add(
            ContactLog(
                interview_id=interview.id,
                kind=ContactKind.HEARD_BACK,
                occurred_at=now,
                source_key=f"home:{interview.id}:{now.isoformat()}",
            )
        )
        interview.status = InterviewStatus.CLOSED
        interview.outcome = outcome
        interview.closed_at = now
        interview.updated_at = now
        reconcile(session, interview, now, playbook)
        return summary_of(interview, interview.owner)
