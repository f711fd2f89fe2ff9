"""A use case that reads and then writes takes SQLite's write lock when it begins: a deferred
transaction whose read snapshot another writer moved on fails with "database is locked" at
its first write, at once (SQLite does not wait on a stale snapshot), and the person was told
"I couldn't save that just now" while the bot logged a database outage."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.clock import FixedClock
from bot.coach.rescheduling import change_interview_time
from bot.rules.playbook import default_playbook
from bot.store import migrate
from bot.store.db import Database
from bot.store.models import Interview
from tests.coach_helpers import DANA, TEAM, log


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A SQLite file whichever database the run uses: the lock is SQLite's."""
    db = Database(f"sqlite:///{tmp_path / 'coach.db'}")
    migrate.upgrade(db.engine)
    try:
        yield db
    finally:
        db.dispose()


def _another_writer_between_read_and_write(db: Database, path: Path) -> list[str]:
    """Just before the use case's first UPDATE, another connection tries to write and commit
    (as the dispatcher or a press does); what it met, in order."""
    met: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if met or not statement.lstrip().upper().startswith("UPDATE"):
            return
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute(
                "INSERT INTO event_receipt (event_id, received_at) VALUES ('Ev1', '2026-01-01')"
            )
            other.execute("COMMIT")
            met.append("wrote")
        except sqlite3.OperationalError as exc:
            met.append(str(exc))  # "database is locked": the use case holds the lock
        finally:
            other.close()

    event.listen(db.engine, "before_cursor_execute", before)
    return met


def test_changing_an_interviews_time_holds_the_write_lock_from_its_first_read(
    sqlite_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    now = clock.now()
    starts = now + timedelta(days=2)
    interview = log(sqlite_db, now, happened_at=starts).interview
    met = _another_writer_between_read_and_write(sqlite_db, tmp_path / "coach.db")

    moved = starts + timedelta(days=1)
    result = change_interview_time(
        sqlite_db,
        interview_id=interview.id,
        team_id=TEAM,
        user_id=DANA,
        starts_at=moved,
        now=now,
        playbook=default_playbook(),
    )

    assert met == ["database is locked"]  # the other writer waited its turn
    assert not isinstance(result, str), result
    with sqlite_db.transaction() as session:
        assert session.scalar(select(Interview.happened_at)) == moved
