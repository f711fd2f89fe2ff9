"""Driving a dispatcher batch from a test: people with a nudge due now, the batch run in a
thread of its own (so the test can act while it waits on a held Slack call), its rows."""

from __future__ import annotations

import threading

from sqlalchemy import select

from bot.clock import FixedClock
from bot.dispatch.dispatcher import Dispatcher, DispatchReport
from bot.rules.domain import NudgeKind
from bot.store.db import Database
from bot.store.models import Nudge
from tests.coach_helpers import log


def people_due(db: Database, clock: FixedClock, count: int) -> None:
    """`count` people, each with an interview whose "get some distance" nudge is due now."""
    for number in range(count):
        log(db, clock.now(), view_id=f"V{number}", user_id=f"U0PERSON{number}")


def distance_rows(db: Database) -> list[Nudge]:
    """Every "get some distance" nudge, detached, in id order."""
    with db.transaction() as session:
        rows = list(
            session.scalars(
                select(Nudge).where(Nudge.kind == NudgeKind.DISTANCE).order_by(Nudge.id)
            )
        )
        session.expunge_all()
    return rows


def in_thread(dispatcher: Dispatcher) -> tuple[threading.Thread, list[DispatchReport]]:
    """One batch (`run_once`) in a thread; its report lands in the list when it ends."""
    reports: list[DispatchReport] = []
    thread = threading.Thread(target=lambda: reports.append(dispatcher.run_once()))
    thread.start()
    return thread, reports
