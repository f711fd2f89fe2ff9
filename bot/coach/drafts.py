"""The person's drafts: built from their interview's facts and reflection when they open a
message's Draft button, and their edits saved per interview and draft. Nothing is ever sent.

Drafts hold what the person will write to someone: they never go into a log line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coach.people import is_owner
from bot.coach.reconciler import lock_interview
from bot.rules.domain import ContactKind, ReflectionQuestion
from bot.rules.draft_facts import DraftFacts, parse_interviewers
from bot.rules.draft_sheet import DraftEdit, DraftSheet, built_drafts, check_edit, draft_sheet
from bot.rules.kinds import KINDS
from bot.rules.planning import follow_up_number
from bot.rules.playbook import Playbook
from bot.rules.zones import known_zone
from bot.store.db import Database
from bot.store.models import ContactLog, Draft, Interview, Nudge, Reflection


class DraftStatus(StrEnum):
    SAVED = "saved"  # at least one edit stored, changed or dropped
    UNCHANGED = "unchanged"  # the same edits again (a double Save): nothing changed
    NOT_OWNER = "not_owner"  # someone else's interview: nothing shown, nothing stored
    UNKNOWN = "unknown"  # no such nudge, or a message without drafts (a forged value)


@dataclass(frozen=True)
class SavedDrafts:
    """What a Save did, and the drafts as they now stand (None when refused)."""

    status: DraftStatus
    sheet: DraftSheet | None = None


def _title(interview: Interview) -> str:
    return f"{interview.company} ({interview.role})" if interview.role else interview.company


def facts_for_drafts(session: Session, interview: Interview) -> DraftFacts:
    """The interview as its drafts see it: the reflection as it stands now, and the
    owner's Slack display name for the sign-off."""
    answers = {
        ReflectionQuestion(r.question_key): r.answer
        for r in session.scalars(select(Reflection).where(Reflection.interview_id == interview.id))
    }
    sent = session.scalars(
        select(ContactLog.occurred_at)
        .where(
            ContactLog.interview_id == interview.id,
            ContactLog.kind == ContactKind.THANK_YOU_EMAIL,
        )
        .order_by(ContactLog.occurred_at)
    ).first()
    owner = interview.owner
    return DraftFacts(
        company=interview.company,
        role=interview.role,
        format=interview.format,
        traditional_org=interview.traditional_org,
        interviewers=parse_interviewers(interview.interviewers),
        hiring_manager=interview.hiring_manager,
        employer_timeline=interview.employer_timeline,
        direct_contact_ok=interview.direct_contact_ok,
        said_well=answers.get(ReflectionQuestion.SAID_WELL),
        to_clarify=answers.get(ReflectionQuestion.TO_CLARIFY),
        sender=owner.display_name,
        # The day in the person's own zone, as they would say it.
        thank_you_date=sent.astimezone(known_zone(owner.tz)).date() if sent else None,
    )


def _owned(
    session: Session, nudge_id: int, team_id: str, user_id: str
) -> tuple[Nudge, Interview] | DraftStatus:
    nudge = session.get(Nudge, nudge_id)
    if nudge is None or not KINDS[nudge.kind].drafts:
        return DraftStatus.UNKNOWN
    interview = session.get_one(Interview, nudge.interview_id)
    if not is_owner(interview, team_id, user_id):
        return DraftStatus.NOT_OWNER
    return nudge, interview


def _edits(session: Session, interview_id: int) -> dict[str, DraftEdit]:
    rows = session.scalars(select(Draft).where(Draft.interview_id == interview_id))
    return {row.draft_key: DraftEdit(row.subject, row.body) for row in rows}


def _sheet(session: Session, nudge: Nudge, interview: Interview, playbook: Playbook) -> DraftSheet:
    return draft_sheet(
        nudge_id=nudge.id,
        title=_title(interview),
        kind=nudge.kind,
        follow_up_number=follow_up_number(nudge.kind, nudge.sequence),
        facts=facts_for_drafts(session, interview),
        playbook=playbook,
        edits=_edits(session, interview.id),
    )


def open_drafts(
    db: Database, *, nudge_id: int, team_id: str, user_id: str, playbook: Playbook
) -> DraftSheet | DraftStatus:
    """The drafts of the message `nudge_id` for its owner; or why they cannot see them.

    Open for a closed interview too: a draft is the person's to copy whenever they like.
    """
    with db.transaction() as session:
        owned = _owned(session, nudge_id, team_id, user_id)
        if isinstance(owned, DraftStatus):
            return owned
        return _sheet(session, *owned, playbook)


def save_drafts(
    db: Database,
    *,
    nudge_id: int,
    team_id: str,
    user_id: str,
    edits: Mapping[str, DraftEdit],
    now: datetime,
    playbook: Playbook,
) -> SavedDrafts:
    """Store the owner's edits of the message's drafts; EditProblem for one not to store.

    Only keys the message shows are read. An edit that is exactly the builder's text is not
    kept (a saved one is dropped), so that draft follows the facts again, a later answer
    included; any other is the person's own and stays as they wrote it. Stored under the
    interview's lock, so a double Save stores once.
    """
    with db.transaction(immediate=True) as session:
        owned = _owned(session, nudge_id, team_id, user_id)
        if isinstance(owned, DraftStatus):
            return SavedDrafts(owned)
        nudge, interview = owned
        lock_interview(session, interview.id)  # PostgreSQL: one writer per interview
        keyed, _, _ = built_drafts(
            nudge.kind,
            follow_up_number(nudge.kind, nudge.sequence),
            facts_for_drafts(session, interview),
            playbook,
        )
        given = {key: (edits[key], built) for key, built in keyed if key in edits}
        for key, (edit, _) in given.items():
            check_edit(key, edit)  # every one before any is stored: a refusal saves nothing
        saved = {
            row.draft_key: row
            for row in session.scalars(select(Draft).where(Draft.interview_id == interview.id))
        }
        changed = False
        for key, (edit, built) in given.items():
            # A card has no subject; an email's missing subject input keeps the built one.
            subject = None if built.subject is None else (edit.subject or built.subject)
            row = saved.get(key)
            if subject == built.subject and edit.body == built.body:
                if row is not None:
                    session.delete(row)
                    changed = True
            elif row is None:
                session.add(
                    Draft(
                        interview_id=interview.id,
                        draft_key=key,
                        subject=subject,
                        body=edit.body,
                        updated_at=now,
                    )
                )
                changed = True
            elif (row.subject, row.body) != (subject, edit.body):
                row.subject, row.body, row.updated_at = subject, edit.body, now
                changed = True
        session.flush()
        status = DraftStatus.SAVED if changed else DraftStatus.UNCHANGED
        return SavedDrafts(status, _sheet(session, nudge, interview, playbook))
