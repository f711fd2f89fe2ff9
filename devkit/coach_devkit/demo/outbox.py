"""What the demo reads from the bot's outbox (the nudge table): when the next nudge is due,
and whether one is due or being sent now. Read only: the bot alone writes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.rules.domain import NudgeStatus
from bot.store.db import Database
from bot.store.models import Nudge


def next_due(db: Database) -> datetime | None:
    """When the earliest pending nudge is due, or None when nothing is planned."""
    with db.transaction() as session:
        return session.scalar(
            select(func.min(Nudge.due_at)).where(Nudge.status == NudgeStatus.PENDING)
        )


def due_or_in_flight(db: Database, now: datetime) -> bool:
    """Whether a nudge is due at `now` and not yet sent, or being sent."""
    with db.transaction() as session:
        found = session.scalar(
            select(Nudge.id)
            .where(
                (Nudge.status == NudgeStatus.CLAIMED)
                | ((Nudge.status == NudgeStatus.PENDING) & (Nudge.due_at <= now))
            )
            .limit(1)
        )
        return found is not None
