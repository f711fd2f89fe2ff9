"""The auto-close: an interview closes itself as "no reply" when its auto-close DM has been
settled (bot.rules.outcomes says when it is planned)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.rules.domain import InterviewStatus, NudgeKind, NudgeStatus, Outcome
from bot.store.models import Interview, Nudge


def close_auto_closed(session: Session, nudge_ids: Collection[int], now: datetime) -> set[int]:
    """Close, as "no reply", the interviews whose auto-close nudge among `nudge_ids` has just
    been settled (its DM says so); the caller re-plans them. Returns their ids."""
    if not nudge_ids:
        return set()
    closing = set(
        session.scalars(
            select(Nudge.interview_id).where(
                Nudge.id.in_(list(nudge_ids)),
                Nudge.kind == NudgeKind.AUTO_CLOSE,
                Nudge.status.in_([NudgeStatus.SENT, NudgeStatus.FAILED]),
            )
        )
    )
    if closing:
        session.execute(
            update(Interview)
            .where(Interview.id.in_(sorted(closing)), Interview.status == InterviewStatus.ACTIVE)
            .values(
                status=InterviewStatus.CLOSED,
                outcome=Outcome.NO_REPLY,
                closed_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session="fetch")
        )
    return closing
