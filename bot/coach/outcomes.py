"""How interviews come back: Reopen within a day of the close, and the interviews closed
recently enough to reopen (for the Home tab). The auto-close is bot.coach.auto_close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Exists, exists, select
from sqlalchemy.orm import Session, aliased

from bot.coach.deliveries import view_of
from bot.coach.mappers import summary_of
from bot.coach.people import is_owner
from bot.coach.reconciler import lock_interview, reconcile
from bot.rules.domain import ContactKind, InterviewStatus
from bot.rules.outcomes import REOPEN_WINDOW, can_reopen
from bot.rules.playbook import Playbook
from bot.rules.view_models import InterviewSummary, NudgeView
from bot.store.db import Database
from bot.store.models import ContactLog, Interview, Nudge, SlackUser
from bot.store.upsert import insert_ignoring_conflicts


class ReopenStatus(StrEnum):
    REOPENED = "reopened"
    ALREADY_OPEN = "already_open"  # a second press, or it was never closed: nothing changed
    TOO_LATE = "too_late"  # closed more than a day ago: nothing changed
    LATER_ROUND = "later_round"  # a later round of its application is logged: stays closed
    NOT_OWNER = "not_owner"
    UNKNOWN = "unknown"  # no such interview or nudge (deleted, or a forged value)


@dataclass(frozen=True)
class ReopenResult:
    status: ReopenStatus
    interview: InterviewSummary | None = None
    # The pressed message as it now stands (a press on a DM); None from the Home tab.
    view: NudgeView | None = None


def reopen(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    playbook: Playbook,
    interview_id: int | None = None,
    nudge_id: int | None = None,
) -> ReopenResult:
    """Reopen the closed interview (named, or the one nudge `nudge_id` is about) for its
    owner, within a day of its close, and re-plan what is still due; in one transaction."""
    with db.transaction(immediate=True) as session:
        nudge = session.get(Nudge, nudge_id) if nudge_id is not None else None
        if nudge is not None:
            interview_id = nudge.interview_id
        if interview_id is None:
            return ReopenResult(ReopenStatus.UNKNOWN)
        interview = lock_interview(session, interview_id)
        if interview is None:
            return ReopenResult(ReopenStatus.UNKNOWN)
        if not is_owner(interview, team_id, user_id):
            return ReopenResult(ReopenStatus.NOT_OWNER)
        status = _reopen(session, interview, now, playbook)
        view = view_of(session, nudge, playbook) if nudge is not None else None
        return ReopenResult(status, summary_of(interview, interview.owner), view)


def _reopen(
    session: Session, interview: Interview, now: datetime, playbook: Playbook
) -> ReopenStatus:
    if interview.status is InterviewStatus.ACTIVE:
        return ReopenStatus.ALREADY_OPEN
    if not can_reopen(interview.status, interview.closed_at, now):
        return ReopenStatus.TOO_LATE
    if _later_round_logged(session, interview):
        # Logging the next round closed this one; both open would give the application two
        # rounds in progress, each planning its own follow-ups.
        return ReopenStatus.LATER_ROUND
    closed_at = interview.closed_at
    assert closed_at is not None  # can_reopen checked it
    # Keyed on the close it undoes: a double press logs once.
    insert_ignoring_conflicts(
        session,
        ContactLog,
        {
            "interview_id": interview.id,
            "kind": ContactKind.REOPENED,
            "channel": "slack",
            "occurred_at": now,
            "until": None,
            "source_key": f"reopen:{interview.id}:{closed_at.isoformat()}",
        },
        ["source_key"],
    )
    interview.status = InterviewStatus.ACTIVE
    interview.outcome = None
    interview.closed_at = None
    interview.updated_at = now
    reconcile(session, interview, now, playbook)
    return ReopenStatus.REOPENED


def _later_round_logged(session: Session, interview: Interview) -> bool:
    return bool(
        session.scalar(select(_has_later_round(Interview)).where(Interview.id == interview.id))
    )


def _has_later_round(round_: type[Interview]) -> Exists:
    """Whether a later round of `round_`'s application is logged: the one condition Reopen
    refuses on and Closed today leaves out, so the two cannot disagree."""
    later = aliased(Interview)
    return exists().where(
        later.application_id == round_.application_id,
        later.round_number > round_.round_number,
    )


def recently_closed(
    db: Database, team_id: str, user_id: str, now: datetime
) -> list[InterviewSummary]:
    """The person's interviews closed less than a day ago, newest first: Reopen is offered
    (not for a round whose application has a later round logged: that one goes on)."""
    with db.transaction() as session:
        rows = session.execute(
            select(Interview, SlackUser)
            .join(SlackUser, Interview.owner_id == SlackUser.id)
            .where(
                SlackUser.team_id == team_id,
                SlackUser.user_id == user_id,
                Interview.status == InterviewStatus.CLOSED,
                Interview.closed_at > now - REOPEN_WINDOW,
                ~_has_later_round(Interview),
            )
            .order_by(Interview.closed_at.desc())
        ).all()
        return [summary_of(interview, owner) for interview, owner in rows]
