"""Use cases about interviews: log one from the form, list a person's open ones."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.coach.applications import application_for_round, next_round_of
from bot.coach.deliveries import view_of
from bot.coach.mappers import summary_of
from bot.coach.people import ensure_person, zone_of
from bot.coach.reconciler import reconcile
from bot.rules.domain import InterviewStatus, NudgeKind, NudgeStatus
from bot.rules.interview_form import (
    FieldErrors,
    InterviewDraft,
    InterviewForm,
    round_logged_meanwhile,
    validate_interview_form,
)
from bot.rules.playbook import Playbook
from bot.rules.view_models import InterviewSummary, NudgeView
from bot.store.db import Database
from bot.store.models import Interview, Nudge, SlackUser

# How long the confirmation DM holds "get some distance" while it posts: the dispatcher's
# own lease, so a listener that dies mid-post hands it back as a dead worker would.
CONFIRMATION_LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class CarriedNudge:
    """A due nudge claimed for the "Logged" DM to carry: post it with the confirmation,
    then record it sent (or hand it back) fenced on `worker_id`."""

    nudge_id: int
    worker_id: str
    view: NudgeView


@dataclass(frozen=True)
class LogResult:
    interview: InterviewSummary
    created: bool  # False when this submission had been stored already
    # "Get some distance", due now and claimed for the confirmation to carry (one DM).
    distance: CarriedNudge | None = None
    # Whether "get some distance" will come at all (carried, or planned for the interview's
    # end): the confirmation promises it only then.
    distance_coming: bool = False


def submit_interview(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    form: InterviewForm,
    now: datetime,
    source_view_id: str | None,
    playbook: Playbook,
    carry_distance: bool = False,
    application_id: int | None = None,
    expected_round: int | None = None,
) -> FieldErrors | LogResult:
    """Check the form in the person's own zone, then store it and plan its nudges: the
    problems, or the result.

    `carry_distance`: the caller will post the confirmation DM, and "get some distance",
    when due now, goes in it; it is claimed in the same transaction that plans it, so the
    dispatcher can never send it on its own as well. `application_id`: the open application
    this interview is the next round of (None: a new application). `expected_round`: the
    round the form offered to log ("Log round 2"); if that round was logged meanwhile (the
    same form opened twice, or on two devices), the form is refused rather than logging a
    round 3 that would close the real round 2.

    Raises StoreUnavailable when the database cannot be reached or stays locked.
    """
    checked = validate_interview_form(form, now=now, tz=zone_of(db, team_id, user_id))
    if isinstance(checked, dict):
        return checked
    with db.transaction(immediate=True) as session:
        if (
            application_id is not None
            and expected_round is not None
            and (source_view_id is None or _already_logged(session, source_view_id) is None)
            and next_round_of(session, application_id) > expected_round
        ):
            return {"company": round_logged_meanwhile(expected_round)}
        return log_interview(
            session,
            team_id=team_id,
            user_id=user_id,
            draft=checked,
            now=now,
            source_view_id=source_view_id,
            playbook=playbook,
            carry_distance=carry_distance,
            application_id=application_id,
        )


def log_interview(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    draft: InterviewDraft,
    now: datetime,
    source_view_id: str | None,
    playbook: Playbook,
    carry_distance: bool = False,
    application_id: int | None = None,
) -> LogResult:
    """Store a checked interview once per modal submission, with the nudges it should get.

    It is the next round of `application_id` when that is the person's open application
    (the earlier rounds' pending advice stops), else round 1 of a new application.
    """
    owner = ensure_person(session, team_id, user_id, now)
    if source_view_id is not None and (earlier := _already_logged(session, source_view_id)):
        return earlier
    application, round_number, ended = application_for_round(
        session, owner, draft, application_id, now
    )
    interview = Interview(
        owner_id=owner.id,
        application_id=application.id,
        round_number=round_number,
        company=draft.company,
        role=draft.role,
        interviewers=draft.interviewers,
        hiring_manager=draft.hiring_manager,
        format=draft.format,
        traditional_org=draft.traditional_org,
        happened_at=draft.happened_at,
        duration_minutes=draft.length_minutes,
        employer_timeline=draft.employer_timeline,
        direct_contact_ok=draft.direct_contact_ok,
        status=InterviewStatus.ACTIVE,
        source_view_id=source_view_id,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(interview)
    except IntegrityError:
        # Another process stored the same submission between our look and our insert.
        earlier = _already_logged(session, source_view_id or "")
        if earlier is None:
            raise
        return earlier
    # The rounds it ended are closed: planned with it, their pending nudges are cancelled.
    reconcile(session, interview, now, playbook, also=[r.id for r in ended])
    carried = _claim_distance(session, interview, now, playbook) if carry_distance else None
    coming = session.scalars(
        select(Nudge.id).where(
            Nudge.interview_id == interview.id,
            Nudge.kind == NudgeKind.DISTANCE,
            Nudge.status.in_((NudgeStatus.PENDING, NudgeStatus.CLAIMED)),
        )
    ).first()
    return LogResult(
        summary_of(interview, owner),
        created=True,
        distance=carried,
        distance_coming=coming is not None,
    )


def _claim_distance(
    session: Session, interview: Interview, now: datetime, playbook: Playbook
) -> CarriedNudge | None:
    """Claim the interview's "get some distance" if it is due now, for the confirmation."""
    distance = session.scalars(
        select(Nudge).where(
            Nudge.interview_id == interview.id,
            Nudge.kind == NudgeKind.DISTANCE,
            Nudge.status == NudgeStatus.PENDING,
            Nudge.due_at <= now,
        )
    ).one_or_none()
    if distance is None:
        return None
    worker_id = f"confirmation-{interview.id}"
    distance.status = NudgeStatus.CLAIMED
    distance.claimed_by = worker_id
    distance.lease_until = now + CONFIRMATION_LEASE
    # Its post may reach Slack: a dispatcher that takes it over looks in the DM first.
    distance.post_started_at = now
    session.flush()
    return CarriedNudge(distance.id, worker_id, view_of(session, distance, playbook))


def _already_logged(session: Session, source_view_id: str) -> LogResult | None:
    existing = session.scalars(
        select(Interview).where(Interview.source_view_id == source_view_id)
    ).one_or_none()
    if existing is None:
        return None
    return LogResult(summary_of(existing, existing.owner), created=False)


def active_interviews(db: Database, team_id: str, user_id: str) -> list[InterviewSummary]:
    with db.transaction() as session:
        rows = session.execute(
            select(Interview, SlackUser)
            .join(SlackUser, Interview.owner_id == SlackUser.id)
            .where(
                SlackUser.team_id == team_id,
                SlackUser.user_id == user_id,
                Interview.status == InterviewStatus.ACTIVE,
            )
            .order_by(Interview.happened_at.desc())
        ).all()
        upcoming = next_nudges(session, [interview.id for interview, _ in rows])
        return [
            replace(summary_of(interview, owner), **upcoming.get(interview.id, {}))
            for interview, owner in rows
        ]


def next_nudges(session: Session, interview_ids: list[int]) -> dict[int, dict[str, object]]:
    """Each interview's earliest pending nudge (its kind and when it is due), as the
    summaries' `next_kind` and `next_due`."""
    if not interview_ids:
        return {}
    pending = session.execute(
        select(Nudge.interview_id, Nudge.kind, Nudge.due_at)
        .where(Nudge.interview_id.in_(interview_ids), Nudge.status == NudgeStatus.PENDING)
        .order_by(Nudge.due_at.desc())
    ).all()
    # Latest first, so each interview keeps its earliest.
    return {row.interview_id: {"next_kind": row.kind, "next_due": row.due_at} for row in pending}
