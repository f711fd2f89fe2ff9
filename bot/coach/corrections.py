"""Correcting an interview after it was logged: editing its facts, entering a new timeline
the employer gave, deleting it. Each change is re-planned at once, in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.coach.interviews import active_interviews
from bot.coach.mappers import summary_of
from bot.coach.people import is_owner, zone_of
from bot.coach.reconciler import lock_interview, reconcile, reconcile_people
from bot.coach.removal import delete_interviews
from bot.rules.application_form import ApplicationExtras, check_application_extras
from bot.rules.domain import InterviewStatus, NudgeKind, NudgeStatus
from bot.rules.interview_form import (
    FieldErrors,
    InterviewForm,
    check_new_timeline,
    validate_interview_form,
)
from bot.rules.playbook import Playbook
from bot.rules.view_models import InterviewSummary
from bot.rules.zones import known_zone
from bot.store.db import Database
from bot.store.models import Application, Interview, Nudge

NOT_YOURS = "Only the person who logged this interview can change it; this one isn't yours."
GONE = "I can't find that interview any more (deleted?), so nothing changed."
CLOSED = "This interview is closed, so there is no follow-up left to re-pace."
NOT_A_FOLLOW_UP = "That message can't take a new timeline, so nothing changed."

# The messages that offer "They gave a new timeline…".
TIMELINE_KINDS = frozenset({NudgeKind.FOLLOW_UP, NudgeKind.REMINDER, NudgeKind.CHECK_IN})


def _owned(session: Session, interview_id: int, team_id: str, user_id: str) -> Interview | str:
    """The interview, locked, if it is the person's; or why not."""
    interview = lock_interview(session, interview_id)
    if interview is None:
        return GONE
    if not is_owner(interview, team_id, user_id):
        return NOT_YOURS
    return interview


def interview_to_correct(
    db: Database, *, interview_id: int, team_id: str, user_id: str
) -> InterviewSummary | str:
    """The interview as saved, to prefill a correction; or why it cannot be corrected."""
    with db.transaction() as session:
        interview = session.get(Interview, interview_id)
        if interview is None:
            return GONE
        if not is_owner(interview, team_id, user_id):
            return NOT_YOURS
        return summary_of(interview, interview.owner)


def interviews_to_edit(
    db: Database, team_id: str, user_id: str, search: str = ""
) -> list[InterviewSummary]:
    """The person's interviews in progress, newest first; with `search`, those whose company
    or role contains it (any case), or all of them when none does."""
    interviews = active_interviews(db, team_id, user_id)
    needle = search.strip().casefold()
    if not needle:
        return interviews
    found = [i for i in interviews if needle in f"{i.company} {i.role or ''}".casefold()]
    return found or interviews


def edit_interview(
    db: Database,
    *,
    interview_id: int,
    team_id: str,
    user_id: str,
    form: InterviewForm,
    now: datetime,
    playbook: Playbook,
    extras: tuple[object, object] | None = None,
) -> FieldErrors | InterviewSummary | str:
    """Replace every fact of the interview with the form's and re-plan its nudges at once.

    The form's problems (as logging names them), the interview as it now stands, or why it
    cannot be changed (someone else's, deleted). The checks are logging's, except that the
    age limit counts from when it was logged: correcting an old interview is always allowed.
    What was already sent stays sent; what is still to come follows the new facts.

    `extras`: the application's link and note as typed (None: unchanged); their problems
    come keyed "link" and "note", with the form's.
    """
    tz = zone_of(db, team_id, user_id)
    with db.transaction(immediate=True) as session:
        interview = _owned(session, interview_id, team_id, user_id)
        if isinstance(interview, str):
            return interview
        checked = validate_interview_form(form, now=now, tz=tz, logged_at=interview.created_at)
        extra = None if extras is None else check_application_extras(*extras)
        if isinstance(checked, dict) or isinstance(extra, dict):
            return {
                **(checked if isinstance(checked, dict) else {}),
                **(extra if isinstance(extra, dict) else {}),
            }
        application_values: dict[str, object] = {}
        if extra is not None:
            application_values = {"link": extra.link, "note": extra.note}
        # The company and role are the application's: a correction on one round is one for
        # all its rounds, so the list, the Home tab and the drafts never disagree.
        session.execute(
            update(Application)
            .where(Application.id == interview.application_id)
            .values(
                company=checked.company, role=checked.role, updated_at=now, **application_values
            )
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(Interview)
            .where(Interview.application_id == interview.application_id)
            .values(company=checked.company, role=checked.role)
            .execution_options(synchronize_session=False)
        )
        interview.company = checked.company
        interview.role = checked.role
        interview.happened_at = checked.happened_at
        interview.duration_minutes = checked.length_minutes
        interview.format = checked.format
        interview.traditional_org = checked.traditional_org
        interview.interviewers = checked.interviewers
        interview.hiring_manager = checked.hiring_manager
        interview.employer_timeline = checked.employer_timeline
        interview.direct_contact_ok = checked.direct_contact_ok
        interview.updated_at = now
        session.flush()
        reconcile(session, interview, now, playbook)
        return _with_next(session, interview)


def interview_of_nudge(
    db: Database, *, nudge_id: int, team_id: str, user_id: str
) -> InterviewSummary | str:
    """The interview a follow-up message is about, for the new-timeline modal; or why not."""
    with db.transaction() as session:
        nudge = session.get(Nudge, nudge_id)
        if nudge is None:
            return GONE
        if nudge.kind not in TIMELINE_KINDS:
            return NOT_A_FOLLOW_UP
        interview = session.get_one(Interview, nudge.interview_id)
        if not is_owner(interview, team_id, user_id):
            return NOT_YOURS
        if interview.status is not InterviewStatus.ACTIVE:
            return CLOSED
        return summary_of(interview, interview.owner)


@dataclass(frozen=True)
class TimelineResult:
    """A new timeline stored: the interview as it stands, with its next nudge; `changed` is
    False when it was the timeline already saved (a second submission)."""

    interview: InterviewSummary
    changed: bool


def set_new_timeline(
    db: Database,
    *,
    interview_id: int,
    team_id: str,
    user_id: str,
    timeline: date | None,
    now: datetime,
    playbook: Playbook,
) -> TimelineResult | str:
    """Store the day the employer now says they will decide by and re-pace the follow-ups
    from it (bot.rules.planning.renewed_timeline); or why not, in words for the date picker.
    The same day twice changes nothing."""
    with db.transaction(immediate=True) as session:
        interview = _owned(session, interview_id, team_id, user_id)
        if isinstance(interview, str):
            return interview
        if interview.status is not InterviewStatus.ACTIVE:
            return CLOSED
        tz = known_zone(interview.owner.tz)
        problem = check_new_timeline(
            timeline,
            today=now.astimezone(tz).date(),
            interview_day=interview.happened_at.astimezone(tz).date(),
        )
        if problem is not None:
            return problem
        changed = interview.employer_timeline != timeline
        if changed:
            interview.employer_timeline = timeline
            interview.updated_at = now
            session.flush()
        reconcile(session, interview, now, playbook)
        return TimelineResult(_with_next(session, interview), changed)


def delete_interview(
    db: Database,
    *,
    interview_id: int,
    team_id: str,
    user_id: str,
    now: datetime,
    playbook: Playbook,
) -> InterviewSummary | str:
    """Delete the interview with its notes (reflections, drafts), its contacts and every
    nudge, sent or pending, so nothing is ever sent about it again; the person's other
    interviews are re-planned (a day's limits may have room now). The deleted interview as
    it was, or why not.

    A nudge being posted right now loses its row: the dispatcher's fenced update finds
    nothing and its message, if it reached Slack, is the last one.
    """
    with db.transaction(immediate=True) as session:
        interview = _owned(session, interview_id, team_id, user_id)
        if isinstance(interview, str):
            return interview
        deleted = summary_of(interview, interview.owner)
        owner_id = interview.owner_id
        delete_interviews(session, [interview_id])
        # Its application goes with its last round: an application with no rounds would be
        # an empty line on the list and an offer to "add round 1".
        application_id = interview.application_id
        rounds_left = session.scalar(
            select(func.count())
            .select_from(Interview)
            .where(Interview.application_id == application_id)
        )
        if not rounds_left:
            session.execute(
                delete(Application)
                .where(Application.id == application_id)
                .execution_options(synchronize_session=False)
            )
        session.expunge(interview)
        reconcile_people(session, [owner_id], now, playbook)
        session.flush()
        return deleted


def _with_next(session: Session, interview: Interview) -> InterviewSummary:
    """The interview's summary with its next pending nudge, for the answer to a change."""
    summary = summary_of(interview, interview.owner)
    upcoming = session.execute(
        select(Nudge.kind, Nudge.due_at)
        .where(Nudge.interview_id == interview.id, Nudge.status == NudgeStatus.PENDING)
        .order_by(Nudge.due_at)
        .limit(1)
    ).first()
    if upcoming is None:
        return summary
    return replace(summary, next_kind=upcoming.kind, next_due=upcoming.due_at)


@dataclass(frozen=True)
class ApplicationDeleted:
    """A whole application as it was before a delete: whom it was with, and its rounds."""

    company: str
    role: str | None
    rounds: int


def rounds_of_application(db: Database, *, interview_id: int, team_id: str, user_id: str) -> int:
    """How many rounds the application of the person's interview has (0: not theirs, or
    gone), for the delete dialog to offer the whole application when there are several."""
    with db.transaction() as session:
        interview = session.get(Interview, interview_id)
        if interview is None or not is_owner(interview, team_id, user_id):
            return 0
        return (
            session.scalar(
                select(func.count())
                .select_from(Interview)
                .where(Interview.application_id == interview.application_id)
            )
            or 0
        )


def delete_application(
    db: Database,
    *,
    interview_id: int,
    team_id: str,
    user_id: str,
    now: datetime,
    playbook: Playbook,
) -> ApplicationDeleted | str:
    """Delete the application of the person's interview with every round of it: their
    notes (reflections, drafts), contacts and every nudge, sent or pending, so nothing is
    ever sent about any of them again; the person's other interviews are re-planned. The
    application as it was, or why not (someone else's, gone)."""
    with db.transaction(immediate=True) as session:
        interview = _owned(session, interview_id, team_id, user_id)
        if isinstance(interview, str):
            return interview
        application_id, owner_id = interview.application_id, interview.owner_id
        # Every round locked: a press or a dispatch on another round waits for the delete,
        # then finds nothing.
        round_ids = list(
            session.scalars(
                select(Interview.id)
                .where(Interview.application_id == application_id)
                .order_by(Interview.id)
            )
        )
        for round_id in round_ids:
            if round_id != interview_id:
                lock_interview(session, round_id)
        application = session.get_one(Application, application_id)
        deleted = ApplicationDeleted(application.company, application.role, len(round_ids))
        delete_interviews(session, round_ids)
        session.execute(
            delete(Application)
            .where(Application.id == application_id)
            .execution_options(synchronize_session=False)
        )
        session.expunge_all()
        reconcile_people(session, [owner_id], now, playbook)
        session.flush()
        return deleted


def application_extras_of(
    db: Database, *, interview_id: int, team_id: str, user_id: str
) -> ApplicationExtras | None:
    """The link and note of the application of the person's interview, to prefill an edit;
    None when it is not theirs or gone."""
    with db.transaction() as session:
        interview = session.get(Interview, interview_id)
        if interview is None or not is_owner(interview, team_id, user_id):
            return None
        found = session.execute(
            select(Application.link, Application.note).where(
                Application.id == interview.application_id
            )
        ).first()
        return None if found is None else ApplicationExtras(found.link, found.note)
