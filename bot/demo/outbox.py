"""What the demo reads from the bot's outbox (the nudge table): when the next nudge is due,
and whether one is being sent. Read only: the bot alone writes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.domain import NudgeStatus
from bot.store.db import Database
from bot.store.models import Nudge


def next_due(db: Database) -> datetime | None:
    """When the earliest pending nudge is due, or None when nothing is planned."""
    with db.transaction() as session:
        return session.scalar(
            select(func.min(Nudge.due_at)).where(Nudge.status == NudgeStatus.PENDING)
        )


def count(db: Database, status: NudgeStatus) -> int:
    with db.transaction() as session:
        found = session.scalar(
            select(func.count()).select_from(Nudge).where(Nudge.status == status)
        )
        return int(found or 0)
