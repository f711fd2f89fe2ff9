"""The auto-close: an interview closes itself as "no reply" when its auto-close DM has been
settled (bot.rules.outcomes says when it is planned)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.rules.domain import InterviewStatus, Outcome
from bot.store.models import Interview


def close_auto_closed(session: Session, interview_ids: Collection[int], now: datetime) -> None:
    """Close, as "no reply", the interviews among `interview_ids` still active: each has just
    had its auto-close nudge settled (its DM says so); the caller re-plans them."""
    if not interview_ids:
        return
    session.execute(
        update(Interview)
        .where(Interview.id.in_(sorted(interview_ids)), Interview.status == InterviewStatus.ACTIVE)
        .values(
            status=InterviewStatus.CLOSED,
            outcome=Outcome.NO_REPLY,
            closed_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session="fetch")
    )
