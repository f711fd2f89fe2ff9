"""Pruning the nudge history on the test's database: what goes, what stays, in batches, once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.coach.choices import record_choice
from bot.coach.history import prune_history
from bot.dispatch.pruning import JOB_ID as PRUNE_JOB_ID
from bot.dispatch.pruning import prune_tick
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.rules.view_models import Choice, ChoiceStatus
from bot.runner import build_scheduler
from bot.store.db import Database
from bot.store.models import Nudge
from tests.coach_helpers import DANA, TEAM, log
from tests.harness import RunningBot
from tests.history_rows import Row, close, plant

KEEP_DAYS = 180


def interview(db: Database, now: datetime, view_id: str) -> int:
    """A logged interview; its planned nudges are due from now on, too young to prune."""
    return log(db, now, view_id=view_id).interview.id


def statuses_left(db: Database, interview_id: int) -> list[tuple[int, NudgeStatus]]:
    with db.transaction() as session:
        rows = session.execute(
            select(Nudge.sequence, Nudge.status)
            .where(Nudge.interview_id == interview_id, Nudge.kind == NudgeKind.CHECK_IN)
            .order_by(Nudge.sequence)
        ).all()
        return [(r.sequence, r.status) for r in rows]


def nudge_count(db: Database) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Nudge)) or 0)


def test_settled_nudges_of_closed_interviews_past_the_retention_go_the_rest_stay(
    db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    old = now - timedelta(days=KEEP_DAYS, minutes=1)
    young = now - timedelta(days=KEEP_DAYS) + timedelta(minutes=1)
    closed = interview(db, now, "V-closed")
    active = interview(db, now, "V-active")
    every_status = list(NudgeStatus)
    plant(
        db,
        [Row(closed, s, old, 100 + i) for i, s in enumerate(every_status)]
        + [Row(closed, s, young, 200 + i) for i, s in enumerate(every_status)]
        + [Row(active, s, old, 100 + i) for i, s in enumerate(every_status)],
        now,
    )
    close(db, closed, now)

    pruned = prune_history(db, now, KEEP_DAYS)

    assert pruned == 3  # the closed interview's old sent, cancelled and failed nudges
    left = statuses_left(db, closed)
    assert [s for seq, s in left if seq < 200] == [NudgeStatus.PENDING, NudgeStatus.CLAIMED]
    assert [s for seq, s in left if seq >= 200] == every_status  # younger than the retention
    # An active interview's history is what its plan reads: all of it stays, however old.
    assert [s for _, s in statuses_left(db, active)] == every_status
    assert prune_history(db, now, KEEP_DAYS) == 0  # idempotent


def test_a_large_history_goes_in_batches_and_all_of_it(db: Database, clock: FixedClock) -> None:
    now = clock.now()
    closed = interview(db, now, "V-closed")
    active = interview(db, now, "V-active")
    before = nudge_count(db)
    settled = [NudgeStatus.SENT, NudgeStatus.CANCELLED, NudgeStatus.FAILED]
    # Kept rows of an active interview among the old ones: batches must walk past them.
    plant(
        db,
        [
            Row(
                active if n % 5 == 0 else closed,
                settled[n % 3],
                now - timedelta(days=KEEP_DAYS + 1, minutes=n),
                1000 + n,
            )
            for n in range(95)
        ],
        now,
    )
    close(db, closed, now)

    assert prune_history(db, now, KEEP_DAYS, batch_size=7) == 76

    assert nudge_count(db) == before + 19
    assert {s for _, s in statuses_left(db, closed)} == set()
    assert len(statuses_left(db, active)) == 19


def test_two_pruners_at_once_delete_each_row_once_without_error(
    db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    closed = interview(db, now, "V-closed")
    plant(
        db,
        [
            Row(closed, NudgeStatus.SENT, now - timedelta(days=KEEP_DAYS + 2, seconds=n), 1000 + n)
            for n in range(600)
        ],
        now,
    )
    close(db, closed, now)
    counts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def prune() -> None:
        start.wait()
        try:
            # Each pruner runs until it finds nothing: whatever the other took, all goes.
            total = 0
            while went := prune_history(db, now, KEEP_DAYS, batch_size=25):
                total += went
            counts.append(total)
        except BaseException as exc:  # pragma: no cover - the assertion shows it
            errors.append(exc)

    threads = [threading.Thread(target=prune) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(counts) == 600
    assert statuses_left(db, closed) == []


def test_a_press_on_a_pruned_message_says_it_cannot_find_it(
    db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    closed = interview(db, now, "V-closed")
    plant(db, [Row(closed, NudgeStatus.SENT, now - timedelta(days=KEEP_DAYS + 1), 100)], now)
    close(db, closed, now)
    with db.transaction() as session:
        pruned_id = session.scalar(select(Nudge.id).where(Nudge.sequence == 100))
    assert pruned_id is not None
    assert prune_history(db, now, KEEP_DAYS) == 1

    result = record_choice(
        db,
        nudge_id=pruned_id,
        team_id=TEAM,
        user_id=DANA,
        choice=Choice.STOP,
        option=None,
        now=now,
        playbook=default_playbook(),
    )

    assert result.status is ChoiceStatus.UNKNOWN


def test_the_retention_must_be_at_least_a_day(db: Database, clock: FixedClock) -> None:
    for keep_days in (0, -1):
        try:
            prune_history(db, clock.now(), keep_days)
        except ValueError as exc:
            assert "at least 1" in str(exc)
        else:  # pragma: no cover
            raise AssertionError(f"keep_days={keep_days} was accepted")


def test_the_job_survives_an_unreachable_database(tmp_path: Path, clock: FixedClock) -> None:
    gone = Database(f"sqlite:///{tmp_path / 'no-such-dir' / 'coach.db'}")

    assert prune_tick(gone, clock, KEEP_DAYS) is None
    gone.dispose()


def test_the_scheduler_prunes_hourly_with_the_configured_retention(running: RunningBot) -> None:
    scheduler = build_scheduler(running.bot)

    job = scheduler.get_job(PRUNE_JOB_ID)

    assert job is not None
    assert job.func is prune_tick
    assert job.trigger.interval == timedelta(hours=1)
    assert (job.max_instances, job.coalesce) == (1, True)
    assert job.args == (running.db, running.bot.services.clock, 180)
