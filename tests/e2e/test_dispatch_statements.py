"""What one batch of nudges costs the database: SQL statements counted at the driver (every
`cursor.execute`, BEGIN included) while the real dispatcher delivers a batch of several kinds
to the Slack stand-in, and no ORM object of an interview or a person built on the way."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import event, select, update

from bot.clock import FixedClock
from bot.dispatch.dispatcher import Dispatcher, DispatchReport
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, SlackClients, single_workspace
from bot.store.db import Database
from bot.store.models import Interview, Nudge, SlackUser
from tests.coach_helpers import log
from tests.harness import test_settings

PLAYBOOK = default_playbook()
# Every kind a logged interview plans, one per person, so pacing holds nothing back.
KINDS = (
    NudgeKind.DISTANCE,
    NudgeKind.REFLECTION,
    NudgeKind.THANK_YOU,
    NudgeKind.CARD,
    NudgeKind.FOLLOW_UP,
)
# Per batch, not per nudge: the claim, its reads, one statement noting every post as started,
# and one transaction writing every outcome and re-plan (its INSERTs batched by SQLAlchemy, a
# few more statements as the batch grows); BEGINs count on SQLite. Measured after the re-plan
# became per person (five reads for the batch): 19 for 5 nudges and 22 for 20 on SQLite, 15 and
# 15 on PostgreSQL. Before, a nudge cost 12: 240 for 20.
PER_NUDGE = 0.5
PER_BATCH = 20


@pytest.fixture
def clients(standin: SlackStandIn, database_url: str) -> SlackClients:
    return single_workspace(test_settings(standin, database_url)).with_profile(DISPATCH)


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The SQL the database's engine sends while the block runs, one entry a statement."""
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def due_batch(db: Database, clock: FixedClock, people: int, prefix: str) -> set[int]:
    """`people` people with a logged interview each, whose nudge of a kind taken in turn
    from KINDS is due now; every other pending nudge (earlier batches' too) a month off."""
    now = clock.now()
    chosen: set[int] = set()
    for n in range(people):
        interview = log(db, now, user_id=f"U0{prefix}{n:05d}", view_id=f"V{prefix}{n}").interview
        kind = KINDS[n % len(KINDS)]
        with db.transaction() as session:
            chosen.add(
                session.scalars(
                    select(Nudge.id).where(
                        Nudge.interview_id == interview.id,
                        Nudge.kind == kind,
                        Nudge.sequence <= 1,
                        Nudge.status == NudgeStatus.PENDING,
                    )
                ).one()
            )
    with db.transaction() as session:
        session.execute(
            update(Nudge)
            .where(Nudge.status == NudgeStatus.PENDING)
            .values(due_at=now + timedelta(days=30))
        )
        session.execute(update(Nudge).where(Nudge.id.in_(chosen)).values(due_at=now))
    return chosen


def statements_for_batch(
    db: Database, clock: FixedClock, clients: SlackClients, people: int, prefix: str
) -> tuple[int, DispatchReport]:
    due = due_batch(db, clock, people, prefix)
    dispatcher = Dispatcher(db, clock, clients, PLAYBOOK, f"worker-{prefix}", batch_size=people)
    with counted(db) as statements:
        report = dispatcher.run_once()
    with db.transaction() as session:
        sent = set(
            session.scalars(
                select(Nudge.id).where(Nudge.id.in_(due), Nudge.status == NudgeStatus.SENT)
            )
        )
    assert sent == due, report
    return len(statements), report


def test_a_batch_costs_a_few_statements_per_nudge_and_a_fixed_number_per_batch(
    db: Database,
    clock: FixedClock,
    standin: SlackStandIn,
    clients: SlackClients,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        small, small_report = statements_for_batch(db, clock, clients, 5, "A")
        large, large_report = statements_for_batch(db, clock, clients, 20, "B")

    assert (small_report.sent, large_report.sent) == (5, 20)
    # Each kind was rendered and sent: no bug on the way.
    assert "failed unexpectedly" not in caplog.text
    print(f"statements: 5 nudges {small}, 20 nudges {large}")
    assert small <= PER_BATCH + PER_NUDGE * 5, small
    assert large <= PER_BATCH + PER_NUDGE * 20, large
    assert len(standin.calls_to("chat.postMessage")) == 25


def test_a_batch_builds_no_interview_or_person_object(
    db: Database, clock: FixedClock, clients: SlackClients
) -> None:
    """The batch reads its interviews and people as columns (building ORM objects cost more
    than the rest of the read and the re-plan), so none is loaded, and none can lazy-load."""
    due_batch(db, clock, 10, "C")
    loaded: list[str] = []

    def note(target: object, _context: object) -> None:
        loaded.append(type(target).__name__)

    dispatcher = Dispatcher(db, clock, clients, PLAYBOOK, "worker-C", batch_size=10)
    for model in (Interview, SlackUser):
        event.listen(model, "load", note)
    try:
        report = dispatcher.run_once()
    finally:
        for model in (Interview, SlackUser):
            event.remove(model, "load", note)
    assert report.sent == 10, report
    assert loaded == []
