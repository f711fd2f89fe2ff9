"""Moving an interview logged ahead to another time ("Change its time" on the evening-before
reminder), re-planned at once in the same transaction."""

from __future__ import annotations

from datetime import datetime

from bot.coach.mappers import summary_of
from bot.coach.people import is_owner
from bot.coach.reconciler import lock_interview, reconcile
from bot.rules.domain import InterviewStatus, NudgeKind
from bot.rules.interview_form import MAX_AHEAD
from bot.rules.playbook import Playbook
from bot.rules.view_models import InterviewSummary
from bot.store.db import Database
from bot.store.models import Interview, Nudge

NOT_YOURS = "Only the person who logged this interview can change its time."
GONE = "This interview is no longer in progress, so its time can't change."
NO_TIME = "When does the interview start?"
IN_THE_PAST = "Pick a time still ahead: once it has happened, the coach takes it from there."
TOO_FAR = "That's more than 60 days from now. Change it once the date is nearer."


def interview_for_change(
    db: Database, *, nudge_id: int, team_id: str, user_id: str
) -> InterviewSummary | str:
    """The interview an evening-before reminder is about, for the modal; or why not."""
    with db.transaction() as session:
        nudge = session.get(Nudge, nudge_id)
        if nudge is None or nudge.kind is not NudgeKind.EVENING_BEFORE:
            return GONE
        interview = session.get_one(Interview, nudge.interview_id)
        if not is_owner(interview, team_id, user_id):
            return NOT_YOURS
        if interview.status is not InterviewStatus.ACTIVE:
            return GONE
        return summary_of(interview, interview.owner)


def change_interview_time(
    db: Database,
    *,
    interview_id: int,
    team_id: str,
    user_id: str,
    starts_at: datetime | None,
    now: datetime,
    playbook: Playbook,
) -> InterviewSummary | str:
    """Move the interview to `starts_at` and re-plan its nudges; or say why not (in words
    for the modal's field). Its length stays; the reminder already sent stays sent."""
    if starts_at is None:
        return NO_TIME
    if starts_at <= now:
        return IN_THE_PAST
    if starts_at > now + MAX_AHEAD:
        return TOO_FAR
    # Reads, then writes: with SQLite's lock taken at BEGIN, so another writer between the
    # two cannot leave it a stale snapshot that fails at the write ("database is locked").
    with db.transaction(immediate=True) as session:
        interview = lock_interview(session, interview_id)
        if interview is None:
            return GONE
        if not is_owner(interview, team_id, user_id):
            return NOT_YOURS
        if interview.status is not InterviewStatus.ACTIVE:
            return GONE
        interview.happened_at = starts_at
        interview.updated_at = now
        session.flush()
        reconcile(session, interview, now, playbook)
        return summary_of(interview, interview.owner)
