"""The people the coach works with: who they are in Slack, their time zone, their DM, and
what is theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from bot.coach.mappers import working_days_of
from bot.coach.reconciler import cancel_pending_for, reconcile
from bot.rules.calendar import WEEKDAYS
from bot.rules.domain import PERSON_MAX, InterviewStatus, NudgeStatus
from bot.rules.person_settings import PersonSettings
from bot.rules.playbook import Playbook
from bot.rules.public_holidays import country_of_zone
from bot.rules.zones import known_zone
from bot.store.db import Database
from bot.store.models import Interview, Nudge, SlackUser, WorkspaceRemoval
from bot.store.upsert import insert_ignoring_conflicts


def find_person(session: Session, team_id: str, user_id: str) -> SlackUser | None:
    """The person Slack knows as `user_id` in `team_id`, if the coach has met them."""
    return session.scalars(
        select(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)
    ).one_or_none()


def ensure_person(session: Session, team_id: str, user_id: str, now: datetime) -> SlackUser:
    """The person's row, created on first contact; safe when two requests race."""
    insert_ignoring_conflicts(
        session,
        SlackUser,
        # Zone, waking hours and flags come from the model's column defaults.
        {"team_id": team_id, "user_id": user_id, "created_at": now, "updated_at": now},
        ["team_id", "user_id"],
    )
    person = find_person(session, team_id, user_id)
    assert person is not None  # inserted above, or already there
    return person


def is_owner(interview: Interview, team_id: str, user_id: str) -> bool:
    """The one ownership rule: only the person who logged an interview may press its buttons,
    answer its reflection or submit its modals; anyone else changes nothing."""
    owner = interview.owner
    return (owner.team_id, owner.user_id) == (team_id, user_id)


def note_profile(
    db: Database,
    team_id: str,
    user_id: str,
    now: datetime,
    *,
    playbook: Playbook,
    tz: str | None = None,
    dm_channel_id: str | None = None,
    display_name: str | None = None,
) -> None:
    """Remember what Slack told us about a person; hearing from them reactivates them, and
    their workspace, if it had removed the app, is back.

    A new zone or a return re-plans their interviews: local hours moved, or nudges were
    cancelled while they were gone.
    """
    with db.transaction(immediate=True) as session:
        person = ensure_person(session, team_id, user_id, now)
        changed = replan = False
        if tz is not None and known_zone(tz).key == tz and person.tz != tz:
            person.tz, changed, replan = tz, True, True
        if dm_channel_id is not None and person.dm_channel_id != dm_channel_id:
            person.dm_channel_id, changed = dm_channel_id, True
        if display_name is not None and person.display_name != display_name:
            person.display_name, changed = display_name[:PERSON_MAX], True
        if person.deactivated_at is not None:
            person.deactivated_at, changed, replan = None, True, True
            # Slack delivers requests only from workspaces that have the app: theirs is back,
            # so its people's data is no longer due to go (bot.coach.personal_data).
            session.execute(delete(WorkspaceRemoval).where(WorkspaceRemoval.team_id == team_id))
        if changed:
            person.updated_at = now
        if replan:
            session.flush()
            for interview in person.interviews:
                if interview.status is InterviewStatus.ACTIVE:
                    reconcile(session, interview, now, playbook)


def follow_zone(
    db: Database, team_id: str, user_id: str, tz: str, now: datetime, *, playbook: Playbook
) -> int | None:
    """Slack says the person's zone is now `tz` (a `user_change` event): re-plan their
    pending nudges in it at once. Only people the coach knows; a zone this machine doesn't
    know is ignored. Returns how many nudges changed, or None when nothing applied. Unlike
    note_profile, a profile change is not the person writing: it never reactivates."""
    if known_zone(tz).key != tz:
        return None
    with db.transaction(immediate=True) as session:
        person = find_person(session, team_id, user_id)
        if person is None or person.tz == tz:
            return None
        person.tz, person.updated_at = tz, now
        if person.deactivated_at is not None:
            return 0
        return _replan_person(session, person, now, playbook)


def zone_of(db: Database, team_id: str, user_id: str) -> ZoneInfo:
    """The person's zone as last seen in Slack; UTC for someone we have not met."""
    with db.transaction() as session:
        person = find_person(session, team_id, user_id)
        return known_zone(person.tz if person else None)


def dm_channel_of(db: Database, team_id: str, user_id: str) -> str | None:
    """The person's DM channel with the bot, as last opened; None before the first."""
    with db.transaction() as session:
        person = find_person(session, team_id, user_id)
        return person.dm_channel_id if person else None


def remember_dm_channel(
    db: Database, team_id: str, user_id: str, channel_id: str, now: datetime
) -> None:
    """Keep the DM channel Slack just opened, so the next DM need not open it again.

    Opening a DM is not hearing from the person: unlike note_profile, this never reactivates.
    """
    with db.transaction(immediate=True) as session:
        person = ensure_person(session, team_id, user_id, now)
        if person.dm_channel_id != channel_id:
            person.dm_channel_id, person.updated_at = channel_id, now


def forget_dm_channel(db: Database, team_id: str, user_id: str, now: datetime) -> None:
    """Drop a cached DM channel Slack no longer knows, so the next DM opens a fresh one."""
    with db.transaction() as session:
        session.execute(
            update(SlackUser)
            .where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)
            .values(dm_channel_id=None, updated_at=now)
        )


@dataclass(frozen=True)
class Deactivated:
    people: int  # newly deactivated
    nudges: int  # pending nudges cancelled


def deactivate_person(db: Database, team_id: str, user_id: str, now: datetime) -> Deactivated:
    """Slack says this person cannot be reached: stop coaching them, pending nudges included.
    Hearing from them again reactivates them (note_profile)."""
    return _deactivate(
        db,
        select(SlackUser.id).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id),
        now,
    )


def deactivate_workspace(db: Database, team_id: str, now: datetime) -> Deactivated:
    """The workspace removed the app or revoked its token: stop coaching everyone there, and
    note when, so their data can go after the grace period (the first removal counts)."""
    stopped = _deactivate(db, select(SlackUser.id).where(SlackUser.team_id == team_id), now)
    with db.transaction() as session:
        insert_ignoring_conflicts(
            session, WorkspaceRemoval, {"team_id": team_id, "removed_at": now}, ["team_id"]
        )
    return stopped


def workspace_returned(db: Database, team_id: str) -> bool:
    """The workspace installed the app again: its people's data is no longer due to go.
    True when it had been removed."""
    with db.transaction() as session:
        result = session.execute(
            delete(WorkspaceRemoval).where(WorkspaceRemoval.team_id == team_id)
        )
        return bool(result.rowcount)


def _deactivate(db: Database, people: Select[tuple[int]], now: datetime) -> Deactivated:
    with db.transaction(immediate=True) as session:
        result = session.execute(
            update(SlackUser)
            .where(SlackUser.id.in_(people), SlackUser.deactivated_at.is_(None))
            .values(deactivated_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return Deactivated(people=result.rowcount, nudges=cancel_pending_for(session, people))


@dataclass(frozen=True)
class PauseState:
    """What the person is told of their pause, and what the Home tab shows."""

    paused: bool
    until: datetime | None  # None: until they resume
    tz: str
    moved: int = 0  # pending nudges the change moved
    was_paused: bool = False
    next_due: datetime | None = None  # the planner's next time for them, after the change


def pause_state(person: SlackUser, now: datetime) -> PauseState:
    """Whether the person is paused at `now`, and until when."""
    until = person.paused_until
    active = person.paused and (until is None or until > now)
    return PauseState(paused=active, until=until if active else None, tz=person.tz)


def current_pause(db: Database, team_id: str, user_id: str, now: datetime) -> PauseState:
    """The person's pause at `now`, for the Home tab; not paused for someone not yet met."""
    with db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return PauseState(paused=False, until=None, tz="UTC")
        return pause_state(person, now)


def pause_coaching(
    db: Database,
    team_id: str,
    user_id: str,
    now: datetime,
    *,
    until: datetime | None,
    playbook: Playbook,
) -> PauseState:
    """Pause the coach for the person from `now` until `until` (None: until they resume).

    Nothing is cancelled: the pause is a fact of their calendar, and re-planning moves what
    falls inside it to the first suitable slot after it, in order and spaced as before.
    Pausing while paused keeps the pause's start and changes only its end.
    """
    with db.transaction(immediate=True) as session:
        person = ensure_person(session, team_id, user_id, now)
        if not pause_state(person, now).paused:
            person.paused_at = now
        person.paused, person.paused_until, person.updated_at = True, until, now
        moved = _replan_person(session, person, now, playbook)
        return PauseState(paused=True, until=until, tz=person.tz, moved=moved)


def resume_coaching(
    db: Database, team_id: str, user_id: str, now: datetime, *, playbook: Playbook
) -> PauseState:
    """End the person's pause now: what fell inside it comes at the next suitable slots."""
    with db.transaction(immediate=True) as session:
        person = ensure_person(session, team_id, user_id, now)
        was_paused = pause_state(person, now).paused
        person.paused = False
        if was_paused:
            # The pause keeps its start and ends now, so what fell inside it is planned
            # after now, not dropped as late.
            person.paused_until, person.updated_at = now, now
        moved = _replan_person(session, person, now, playbook) if was_paused else 0
        return PauseState(
            paused=False,
            until=None,
            tz=person.tz,
            moved=moved,
            was_paused=was_paused,
            next_due=_next_due(session, person),
        )


def _next_due(session: Session, person: SlackUser) -> datetime | None:
    """When the coach next writes to the person, as planned: the earliest pending nudge."""
    return session.scalar(
        select(func.min(Nudge.due_at))
        .join(Interview, Nudge.interview_id == Interview.id)
        .where(Interview.owner_id == person.id, Nudge.status == NudgeStatus.PENDING)
    )


def _replan_person(session: Session, person: SlackUser, now: datetime, playbook: Playbook) -> int:
    """Re-plan every active interview of the person; how many nudges changed."""
    session.flush()
    changed = 0
    for interview in person.interviews:
        if interview.status is InterviewStatus.ACTIVE:
            report = reconcile(session, interview, now, playbook)
            changed += report.moved + report.inserted + report.revived + report.cancelled
    return changed


def settings_of(db: Database, team_id: str, user_id: str) -> tuple[PersonSettings, str | None]:
    """The person's settings as they stand, and the country their zone suggests."""
    with db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return PersonSettings(8, 20, WEEKDAYS, None, None), None
        return (
            PersonSettings(
                waking_start_hour=person.waking_start_hour,
                waking_end_hour=person.waking_end_hour,
                working_days=working_days_of(person.working_days),
                holiday_country=person.holiday_country,
                follow_up_hour=person.follow_up_hour,
            ),
            country_of_zone(person.tz),
        )


def save_settings(
    db: Database,
    team_id: str,
    user_id: str,
    settings: PersonSettings,
    now: datetime,
    *,
    playbook: Playbook,
) -> int:
    """Store the person's settings and re-plan their pending nudges by them at once;
    returns how many nudges changed."""
    with db.transaction(immediate=True) as session:
        person = ensure_person(session, team_id, user_id, now)
        person.waking_start_hour = settings.waking_start_hour
        person.waking_end_hour = settings.waking_end_hour
        person.working_days = "".join(str(d) for d in sorted(settings.working_days))
        person.holiday_country = settings.holiday_country
        person.follow_up_hour = settings.follow_up_hour
        person.updated_at = now
        return _replan_person(session, person, now, playbook)
