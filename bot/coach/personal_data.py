"""A person's data: what the coach keeps about them and why, and how it leaves.

Everything about a person hangs from their `slack_user` row:

- `slack_user`: their Slack ids, time zone, display name (it signs their drafts), DM channel,
  settings and pause, so the coach writes at hours that suit them.
- `application`: the jobs they applied for (company, role, their link and note), which hold
  their interviews as rounds.
- `interview`: what they logged, so the coach can plan around it.
- `reflection`: their answers, quoted back in the thank-you DM and the drafts.
- `nudge`: the messages planned and sent, with their Slack channel and ts, so a message is
  sent once, updated in place and found again.
- `contact_log`: what they pressed (email sent, snoozed, heard back), which paces follow-ups.
- `draft`: the drafts they edited and saved.

`event_receipt` (Slack event ids) and `workspace_removal` (a team id and a date) name nobody.
Export reads all of it; deletion removes all of it in one transaction; retention removes a
removed workspace's people after the grace period and closed interviews' notes after
NOTES_RETENTION_DAYS. Nothing here logs an answer or a draft.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.orm import Session

from bot.coach.mappers import working_days_of
from bot.coach.people import find_person
from bot.coach.removal import delete_interviews
from bot.rules.domain import InterviewStatus, NudgeStatus
from bot.rules.personal_export import (
    DataCounts,
    ExportedApplication,
    ExportedDraft,
    ExportedInterview,
    ExportedNudge,
    ExportedPerson,
    ExportedPress,
    ExportedReflection,
    ExportedSettings,
    PersonalExport,
)
from bot.rules.retention import RetentionPolicy
from bot.store.db import Database
from bot.store.models import (
    Application,
    ContactLog,
    Draft,
    Interview,
    Nudge,
    Reflection,
    SlackUser,
    WorkspaceRemoval,
)

logger = logging.getLogger(__name__)

# The tables that hang from an interview.
_Child = TypeVar("_Child", Reflection, ContactLog, Nudge, Draft)
# What is still to be sent: the coach's plan for the person.
PLANNED = (NudgeStatus.PENDING, NudgeStatus.CLAIMED)


# -- export ----------------------------------------------------------------------------------


def export_person(db: Database, team_id: str, user_id: str, now: datetime) -> PersonalExport:
    """Everything the coach holds about the person, in the documented export shape."""
    with db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return PersonalExport(exported_at=now, person=None, interviews=[])
        interviews = session.scalars(
            select(Interview).where(Interview.owner_id == person.id).order_by(Interview.id)
        ).all()
        applications = session.scalars(
            select(Application).where(Application.owner_id == person.id).order_by(Application.id)
        ).all()
        ids = [i.id for i in interviews]
        reflections = _by_interview(session, Reflection, ids)
        presses = _by_interview(session, ContactLog, ids)
        nudges = _by_interview(session, Nudge, ids)
        drafts = _by_interview(session, Draft, ids)
        return PersonalExport(
            exported_at=now,
            person=_person(person),
            applications=[_application(a) for a in applications],
            interviews=[
                ExportedInterview(
                    id=i.id,
                    application_id=i.application_id,
                    round_number=i.round_number,
                    company=i.company,
                    role=i.role,
                    interviewers=i.interviewers,
                    hiring_manager=i.hiring_manager,
                    format=i.format,
                    traditional_org=i.traditional_org,
                    happened_at=i.happened_at,
                    duration_minutes=i.duration_minutes,
                    employer_timeline=i.employer_timeline,
                    direct_contact_ok=i.direct_contact_ok,
                    status=i.status,
                    outcome=i.outcome,
                    created_at=i.created_at,
                    updated_at=i.updated_at,
                    closed_at=i.closed_at,
                    reflections=[_reflection(r) for r in reflections.get(i.id, [])],
                    presses=[_press(p) for p in presses.get(i.id, [])],
                    nudges=[_nudge(n) for n in nudges.get(i.id, [])],
                    drafts=[_draft(d) for d in drafts.get(i.id, [])],
                )
                for i in interviews
            ],
        )


def _by_interview(session: Session, model: type[_Child], ids: list[int]) -> dict[int, list[_Child]]:
    """The rows of `model` under each of the interviews `ids`, oldest first."""
    grouped: dict[int, list[_Child]] = {}
    if not ids:
        return grouped
    query = select(model).where(model.interview_id.in_(ids)).order_by(model.id)
    for row in session.scalars(query):
        grouped.setdefault(row.interview_id, []).append(row)
    return grouped


def _person(p: SlackUser) -> ExportedPerson:
    return ExportedPerson(
        team_id=p.team_id,
        user_id=p.user_id,
        display_name=p.display_name,
        dm_channel_id=p.dm_channel_id,
        deactivated_at=p.deactivated_at,
        created_at=p.created_at,
        updated_at=p.updated_at,
        settings=ExportedSettings(
            tz=p.tz,
            waking_start_hour=p.waking_start_hour,
            waking_end_hour=p.waking_end_hour,
            working_days=sorted(working_days_of(p.working_days)),
            holiday_country=p.holiday_country,
            follow_up_hour=p.follow_up_hour,
            paused=p.paused,
            paused_at=p.paused_at,
            paused_until=p.paused_until,
        ),
    )


def _application(a: Application) -> ExportedApplication:
    return ExportedApplication(
        id=a.id,
        company=a.company,
        role=a.role,
        link=a.link,
        note=a.note,
        status=a.status,
        created_at=a.created_at,
        updated_at=a.updated_at,
        closed_at=a.closed_at,
    )


def _reflection(r: Reflection) -> ExportedReflection:
    return ExportedReflection(
        question_key=r.question_key,
        answer=r.answer,
        answered_at=r.answered_at,
        updated_at=r.updated_at,
        message_ts=r.message_ts,
    )


def _press(c: ContactLog) -> ExportedPress:
    return ExportedPress(kind=c.kind, channel=c.channel, occurred_at=c.occurred_at, until=c.until)


def _nudge(n: Nudge) -> ExportedNudge:
    return ExportedNudge(
        kind=n.kind,
        sequence=n.sequence,
        status=n.status,
        due_at=n.due_at,
        first_due_at=n.first_due_at,
        sent_at=n.sent_at,
        attempts=n.attempts,
        last_error=n.last_error,
        channel_id=n.channel_id,
        message_ts=n.message_ts,
        created_at=n.created_at,
    )


def _draft(d: Draft) -> ExportedDraft:
    return ExportedDraft(
        draft_key=d.draft_key, subject=d.subject, body=d.body, updated_at=d.updated_at
    )


# -- deletion --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeletedPerson:
    """What `delete_person` removed, and where the coach's messages to them are in Slack."""

    found: bool
    counts: DataCounts = field(default_factory=DataCounts)
    dm_channel_id: str | None = None
    # The Slack ts of every message the database knew it sent them, by channel.
    sent_messages: dict[str, list[str]] = field(default_factory=dict)


def data_counts(db: Database, team_id: str, user_id: str) -> DataCounts:
    """How many interviews, answers, drafts and planned messages the person has."""
    with db.transaction() as session:
        person = find_person(session, team_id, user_id)
        return DataCounts() if person is None else _counts(session, person.id)


def _counts(session: Session, person_id: int) -> DataCounts:
    theirs = select(Interview.id).where(Interview.owner_id == person_id)

    def count(model: type[_Child], *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(model).where(model.interview_id.in_(theirs))
        return int(session.scalar(query.where(*where)) or 0)

    return DataCounts(
        interviews=int(
            session.scalar(select(func.count()).where(Interview.owner_id == person_id)) or 0
        ),
        answers=count(Reflection),
        drafts=count(Draft),
        planned=count(Nudge, Nudge.status.in_(PLANNED)),
    )


def delete_person(db: Database, team_id: str, user_id: str) -> DeletedPerson:
    """Delete every row about the person, pending nudges included, in one transaction.

    Returns what went and where the coach's sent messages are, for deleting them in Slack
    afterwards (no Slack call is made while the transaction holds its locks).
    """
    with db.transaction(immediate=True) as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return DeletedPerson(found=False)
        counts = _counts(session, person.id)
        sent: dict[str, list[str]] = {}
        for channel, ts in session.execute(
            select(Nudge.channel_id, Nudge.message_ts)
            .join(Interview, Nudge.interview_id == Interview.id)
            .where(
                Interview.owner_id == person.id,
                Nudge.channel_id.is_not(None),
                Nudge.message_ts.is_not(None),
            )
        ):
            sent.setdefault(channel, []).append(ts)
        dm_channel = person.dm_channel_id
        _delete_people(session, select(SlackUser.id).where(SlackUser.id == person.id))
        return DeletedPerson(
            found=True, counts=counts, dm_channel_id=dm_channel, sent_messages=sent
        )


def _delete_people(session: Session, people: Select[tuple[int]]) -> int:
    """Delete the people `people` selects and everything theirs; how many people went.

    Children first, explicitly: the foreign keys cascade too, but this does not depend on
    SQLite's foreign_keys pragma being on for whoever runs it.
    """
    delete_interviews(session, select(Interview.id).where(Interview.owner_id.in_(people)))
    session.execute(
        delete(Application)
        .where(Application.owner_id.in_(people))
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        delete(SlackUser)
        .where(SlackUser.id.in_(people))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


# -- retention -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkspacePurge:
    workspaces: int = 0
    people: int = 0


def purge_removed_workspaces(
    db: Database, now: datetime, policy: RetentionPolicy
) -> WorkspacePurge:
    """Delete the people of every workspace removed longer than the grace period ago, then its
    `workspace_removal` row. Idempotent; safe with several replicas: each workspace goes in
    its own transaction that holds its removal row (SKIP LOCKED on PostgreSQL, the write lock
    on SQLite), and a workspace that returned meanwhile has no row left to hold."""
    cutoff = policy.workspace_cutoff(now)
    with db.transaction() as session:
        due = session.scalars(
            select(WorkspaceRemoval.team_id).where(WorkspaceRemoval.removed_at <= cutoff)
        ).all()
    workspaces = people = 0
    for team_id in due:
        with db.transaction(immediate=True) as session:
            still_due = session.scalar(
                select(WorkspaceRemoval.team_id)
                .where(WorkspaceRemoval.team_id == team_id, WorkspaceRemoval.removed_at <= cutoff)
                .with_for_update(skip_locked=True)
            )
            if still_due is None:
                continue  # returned, or another replica has it
            people += _delete_people(
                session, select(SlackUser.id).where(SlackUser.team_id == team_id)
            )
            session.execute(delete(WorkspaceRemoval).where(WorkspaceRemoval.team_id == team_id))
            workspaces += 1
    return WorkspacePurge(workspaces=workspaces, people=people)


@dataclass(frozen=True)
class NotesPurge:
    answers: int = 0
    drafts: int = 0


def purge_old_notes(db: Database, now: datetime, policy: RetentionPolicy) -> NotesPurge:
    """Delete the reflection answers and saved drafts of interviews closed longer than
    NOTES_RETENTION_DAYS ago; nothing when it is unset. Idempotent."""
    cutoff = policy.notes_cutoff(now)
    if cutoff is None:
        return NotesPurge()
    closed = select(Interview.id).where(
        Interview.status == InterviewStatus.CLOSED,
        Interview.closed_at.is_not(None),
        Interview.closed_at <= cutoff,
    )
    with db.transaction(immediate=True) as session:
        answers = session.execute(
            delete(Reflection)
            .where(Reflection.interview_id.in_(closed))
            .execution_options(synchronize_session=False)
        )
        drafts = session.execute(
            delete(Draft)
            .where(Draft.interview_id.in_(closed))
            .execution_options(synchronize_session=False)
        )
        return NotesPurge(answers=int(answers.rowcount or 0), drafts=int(drafts.rowcount or 0))
