"""Every statement of the dispatcher's tick, the pruner and the hot per-press, per-nudge and
per-request reads uses an index: EXPLAIN, on a database holding a large history, shows no
full scan.

The statements are not listed here: they are captured (a `before_cursor_execute` listener)
while the real code runs, an idle tick, a tick with a due nudge, the heartbeat, a hand-back,
logging an interview, a press, an answer by DM, the interview list and a pruning run, so a
statement added later is checked too. The planner is asked after ANALYZE on 20,000 nudges,
with the parameters each statement ran with; PostgreSQL is not told to avoid sequential
scans, it is shown data where they cost more.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from bot.clock import FixedClock
from bot.coach.choices import record_choice
from bot.coach.history import prune_history
from bot.coach.interviews import active_interviews
from bot.coach.reflections import answer_for_prompt
from bot.dispatch.claims import release, renew, requeue_expired
from bot.dispatch.dispatcher import Dispatcher
from bot.dispatch.job import dispatch_tick
from bot.rules.domain import Choice, NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.rules.view_models import AnswerStatus, ChoiceStatus
from bot.slack.clients import DISPATCH, single_workspace
from bot.store.db import Database
from tests.coach_helpers import DANA, TEAM, WORKER, deliver_kind, dm, log, nudges
from tests.harness import test_settings
from tests.history_rows import Row, plant, plant_history

# The tables that hold history; a scan of any of them grows with every interview ever logged.
LARGE_TABLES = ("nudge", "contact_log", "reflection", "interview")
KEEP_DAYS = 180
# Partial indexes on the pending and claimed states: their size is what is live.
LIVE_INDEXES = ("ix_nudge_pending_due_at", "ix_nudge_claimed_lease_until")


@dataclass(frozen=True)
class Statement:
    stage: str
    sql: str
    parameters: Any


class Recorder:
    """The SQL statements the engine runs, tagged with the stage that ran them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.statements: list[Statement] = []
        self._stage: str | None = None
        event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(
        self, _conn: Connection, _cursor: Any, sql: str, parameters: Any, _ctx: Any, many: bool
    ) -> None:
        if self._stage is None:
            return
        if many and isinstance(parameters, list | tuple) and parameters:
            parameters = parameters[0]  # one row's parameters stand for all
        self.statements.append(Statement(self._stage, sql, parameters))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._stage = name
        try:
            yield
        finally:
            self._stage = None

    def close(self) -> None:
        event.remove(self.db.engine, "before_cursor_execute", self._seen)


def explainable(sql: str) -> bool:
    """Statements that read a table (BEGIN, SAVEPOINT and plain INSERT … VALUES do not)."""
    head = sql.lstrip().split(None, 1)[0].upper()
    return head in {"SELECT", "UPDATE", "DELETE", "WITH"} or (
        head == "INSERT" and "SELECT" in sql.upper()
    )


def plan_of(db: Database, statement: Statement) -> list[str]:
    """The planner's plan for the statement, one line per node (nothing is executed)."""
    with db.engine.connect() as connection:
        if db.is_sqlite:
            rows = connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters
            ).all()
            return [row[-1] for row in rows]
        rows = connection.exec_driver_sql(f"EXPLAIN {statement.sql}", statement.parameters).all()
        return [row[0] for row in rows]


def full_scans(db: Database, plan: list[str]) -> list[str]:
    """The plan's lines that read a large table whole (its rows, or all of one of its
    indexes), except the partial indexes of the live states: those hold only what is
    pending or claimed now, however long the history grows."""
    tables = "|".join(LARGE_TABLES)
    if db.is_sqlite:
        # SQLite says SEARCH for an index lookup and SCAN for reading all of a table or index.
        pattern = re.compile(rf"^SCAN ({tables})\b")
    else:
        pattern = re.compile(rf"Seq Scan on ({tables})\b")
    live = re.compile(rf"USING (COVERING )?INDEX ({'|'.join(LIVE_INDEXES)})\b")
    lines = [line.strip() for line in plan]
    return [line for line in lines if pattern.search(line) and not live.search(line)]


def analyze(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


@pytest.fixture
def clients(standin: SlackStandIn, database_url: str) -> Any:
    return single_workspace(test_settings(standin, database_url)).with_profile(DISPATCH)


def run_the_hot_paths(db: Database, clock: FixedClock, clients: Any, recorder: Recorder) -> None:
    """The tick (idle and with work), the heartbeat and hand-back, a press, an answer by
    DM and the pruner, each under its stage name."""
    now = clock.now()
    dispatcher = Dispatcher(db, clock, clients, default_playbook(), WORKER, rng=random.Random(7))
    # A few live rows beside the history: pending later, claimed by a live worker.
    # Logged yesterday for the day after tomorrow: nothing of it is due yet.
    waiting = log(
        db, now - timedelta(days=1), happened_at=now + timedelta(days=2), view_id="V-waiting"
    ).interview.id
    plant(
        db,
        [Row(waiting, NudgeStatus.PENDING, now + timedelta(days=3), 900 + n) for n in range(5)]
        + [Row(waiting, NudgeStatus.CLAIMED, now - timedelta(minutes=1), 950 + n) for n in range(3)]
        + [Row(waiting, NudgeStatus.CLAIMED, now - timedelta(hours=1), 990)],
        now + timedelta(seconds=30),  # their lease, still running
    )
    with db.transaction() as session:  # nothing of the logged interview is due yet
        session.execute(
            text("UPDATE nudge SET due_at = :later WHERE status = 'pending' AND due_at <= :now"),
            {"later": now + timedelta(hours=5), "now": now},
        )
    analyze(db)

    with recorder.stage("idle tick"):
        report = dispatch_tick(dispatcher)
    assert report is not None and report.claimed == 0

    with recorder.stage("logging an interview"):  # "get some distance" is due now
        interview_id = log(db, now, view_id="V-due").interview.id
    with recorder.stage("tick with a due nudge"):
        report = dispatch_tick(dispatcher)
    assert report is not None and report.sent == 1

    clock.advance(timedelta(minutes=2))  # the claims planted above have run out
    with recorder.stage("requeue of expired leases"):
        assert requeue_expired(db, clock.now()) == 4
    claimed = [n.id for n in nudges(db, waiting) if n.status is NudgeStatus.PENDING][:2]
    with db.transaction() as session:
        session.execute(
            text("UPDATE nudge SET status = 'claimed', claimed_by = :worker WHERE id IN (:a, :b)"),
            {"worker": WORKER, "a": claimed[0], "b": claimed[1]},
        )
    with recorder.stage("heartbeat and hand-back"):
        assert renew(db, WORKER, claimed, clock.now() + timedelta(minutes=1)) == 2
        assert release(
            db, claimed[0], WORKER, due_at=clock.now(), count_attempt=True, error="timeout"
        )

    thank_you = deliver_kind(db, interview_id, NudgeKind.THANK_YOU, clock.now(), "1.000200")
    with recorder.stage("press"):
        result = record_choice(
            db,
            nudge_id=thank_you,
            team_id=TEAM,
            user_id=DANA,
            choice=Choice.EMAIL_SENT,
            option=None,
            now=clock.now(),
            playbook=default_playbook(),
        )
    assert result.status is ChoiceStatus.RECORDED

    # A second interview's prompt is open too (the waiting one is ahead: it has none yet).
    other = log(db, clock.now() - timedelta(hours=3), view_id="V-other").interview.id
    deliver_kind(db, other, NudgeKind.REFLECTION, clock.now(), "1.000250")
    clock.advance(timedelta(minutes=1))  # the prompt is the last thing the coach sent
    deliver_kind(db, interview_id, NudgeKind.REFLECTION, clock.now(), "1.000300")
    with recorder.stage("answer by DM"):  # two prompts open (two interviews): it asks which
        asked = dm(db, clock, "I explained the migration plan clearly", thread_ts=None)
    assert asked.status is AnswerStatus.WHICH_INTERVIEW
    with recorder.stage("answer by press"):  # the person picks the interview
        answered = answer_for_prompt(
            db,
            nudge_id=asked.candidates[0].nudge_id,
            team_id=TEAM,
            user_id=DANA,
            message_ts=f"{clock.now().timestamp():.6f}",
            text="I explained the migration plan clearly",
            now=clock.now(),
            playbook=default_playbook(),
        )
    assert answered.status is AnswerStatus.SAVED

    with recorder.stage("listing interviews"):  # the Home tab and `/interview list`
        assert len(active_interviews(db, TEAM, DANA)) == 3

    with recorder.stage("pruning"):
        assert prune_history(db, clock.now(), KEEP_DAYS, batch_size=500) > 500  # two batches


def test_no_hot_statement_scans_a_large_table(
    db: Database, clock: FixedClock, clients: Any
) -> None:
    plant_history(db, clock.now(), people=200, interviews_each=10, nudges_each=10)
    recorder = Recorder(db)
    try:
        run_the_hot_paths(db, clock, clients, recorder)
    finally:
        recorder.close()
    analyze(db)

    checked = [s for s in recorder.statements if explainable(s.sql)]
    stages = {s.stage for s in checked}
    assert stages == {
        "idle tick",
        "tick with a due nudge",
        "requeue of expired leases",
        "heartbeat and hand-back",
        "press",
        "answer by DM",
        "answer by press",
        "logging an interview",
        "listing interviews",
        "pruning",
    }
    offenders = []
    for statement in checked:
        plan = plan_of(db, statement)
        scans = full_scans(db, plan)
        if scans:
            offenders.append(
                f"[{statement.stage}] {scans}\n  {statement.sql}\n  " + "\n  ".join(plan)
            )
    assert offenders == [], "\n\n".join(offenders)


def test_the_check_would_notice_a_full_scan(db: Database, clock: FixedClock) -> None:
    """Guards the test above: a statement on an unindexed column is reported."""
    plant_history(db, clock.now(), people=20, interviews_each=10, nudges_each=10)
    analyze(db)
    sql = "SELECT id FROM nudge WHERE message_ts = 'nowhere'"
    if not db.is_sqlite:
        sql = "SELECT id FROM nudge WHERE message_ts = %(ts)s"

    plan = plan_of(db, Statement("guard", sql, () if db.is_sqlite else {"ts": "nowhere"}))

    assert full_scans(db, plan) != [], plan
