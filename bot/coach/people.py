"""The people the coach works with: who they are in Slack, their time zone, their DM."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.models import SlackUser
from bot.store.upsert import insert_ignoring_conflicts


def known_zone(name: str | None) -> ZoneInfo:
    """The person's zone, or UTC when Slack gave none or one this machine doesn't know."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def ensure_person(session: Session, team_id: str, user_id: str, now: datetime) -> SlackUser:
    """The person's row, created on first contact; safe when two requests race."""
    insert_ignoring_conflicts(
        session,
        SlackUser,
        {
            "team_id": team_id,
            "user_id": user_id,
            "tz": "UTC",
            "waking_start_hour": 8,
            "waking_end_hour": 20,
            "paused": False,
            "created_at": now,
            "updated_at": now,
        },
        ["team_id", "user_id"],
    )
    return session.scalars(
        select(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)
    ).one()


def remember_profile(
    session: Session,
    team_id: str,
    user_id: str,
    now: datetime,
    *,
    tz: str | None = None,
    dm_channel_id: str | None = None,
) -> SlackUser:
    person = ensure_person(session, team_id, user_id, now)
    if tz is not None and known_zone(tz).key == tz and person.tz != tz:
        person.tz = tz
        person.updated_at = now
    if dm_channel_id is not None and person.dm_channel_id != dm_channel_id:
        person.dm_channel_id = dm_channel_id
        person.updated_at = now
    # A person who comes back after an uninstall is coached again.
    if person.paused:
        person.paused = False
        person.updated_at = now
    return person


def find_person(session: Session, team_id: str, user_id: str) -> SlackUser | None:
    return session.scalars(
        select(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)
    ).one_or_none()


def pause_workspace(session: Session, team_id: str, now: datetime) -> int:
    """Stop coaching everyone in a workspace that removed the app; returns how many."""
    result = session.execute(
        update(SlackUser)
        .where(SlackUser.team_id == team_id, SlackUser.paused.is_(False))
        .values(paused=True, updated_at=now)
    )
    return result.rowcount
