"""The store: connection setup, UTC instants, units of work, idempotent inserts, integrity."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, StatementError

from bot.clock import FixedClock
from bot.coach.event_receipts import first_delivery
from bot.coach.people import ensure_person
from bot.rules.domain import InterviewFormat, NudgeKind
from bot.store.db import SQLITE_BUSY_TIMEOUT_MS, Database
from bot.store.models import Application, EventReceipt, Interview, Nudge, SlackUser
from bot.store.upsert import insert_ignoring_conflicts

T0 = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def person(user_id: str = "U0456EFGH", when: datetime = T0) -> SlackUser:
    return SlackUser(team_id="T0123ABCD", user_id=user_id, created_at=when, updated_at=when)


def interview(owner_id: int, when: datetime = T0) -> Interview:
    """Round 1 of an application of its own."""
    return Interview(
        owner_id=owner_id,
        application=Application(
            owner_id=owner_id, company="Acme", created_at=when, updated_at=when
        ),
        company="Acme",
        format=InterviewFormat.VIDEO,
        happened_at=when,
        created_at=when,
        updated_at=when,
    )


def count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def sqlite_path(db: Database) -> str:
    path = make_url(db.url).database
    assert path
    return path


# -- connection setup ---------------------------------------------------------------------------


def test_connections_are_set_up_for_the_backend(db: Database) -> None:
    # The setup runs on connect: two connections open at once both have it.
    with db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            if db.is_sqlite:
                pragma = connection.exec_driver_sql
                assert pragma("PRAGMA journal_mode").scalar() == "wal"
                assert pragma("PRAGMA foreign_keys").scalar() == 1
                assert pragma("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS == 2000
                assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
            else:
                version = connection.execute(text("SHOW server_version_num")).scalar_one()
                assert int(version) >= 120000
                # The test database lives in its own schema, and the tables are there.
                schema = connection.execute(text("SELECT current_schema()")).scalar_one()
                assert schema.startswith("ic_test_")
                assert "slack_user" in inspect(connection).get_table_names(schema=schema)
    assert db.ping() is True


# -- UTC instants -------------------------------------------------------------------------------


def test_an_aware_time_in_another_zone_comes_back_as_the_same_instant_in_utc(
    db: Database,
) -> None:
    tokyo = datetime(2026, 11, 27, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    with db.transaction() as session:
        session.add(person(when=tokyo))

    with db.transaction() as session:
        stored = session.scalars(select(SlackUser)).one()
        raw = session.execute(text("SELECT created_at FROM slack_user")).scalar_one()

    assert stored.created_at == tokyo
    assert stored.created_at.tzinfo is UTC
    assert stored.created_at == datetime(2026, 11, 27, 0, 30, tzinfo=UTC)
    # Stored as naive UTC, so SQL comparisons agree on every backend.
    if isinstance(raw, str):
        raw = datetime.fromisoformat(raw)
    assert raw == datetime(2026, 11, 27, 0, 30)


def test_comparisons_use_the_instant_not_the_wall_time(db: Database) -> None:
    los_angeles = ZoneInfo("America/Los_Angeles")
    with db.transaction() as session:
        # 17:00 in Los Angeles is 01:00 UTC the next day: later than 20:00 UTC.
        session.add(person("U_LATE", datetime(2026, 11, 26, 17, 0, tzinfo=los_angeles)))
        session.add(person("U_EARLY", datetime(2026, 11, 26, 19, 0, tzinfo=UTC)))

    cutoff = datetime(2026, 11, 27, 5, 0, tzinfo=ZoneInfo("Asia/Kolkata"))  # 23:30 UTC
    with db.transaction() as session:
        before = session.scalars(
            select(SlackUser.user_id).where(SlackUser.created_at <= cutoff)
        ).all()

    assert before == ["U_EARLY"]


def test_a_naive_datetime_is_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.transaction() as session:
        session.add(person(when=datetime(2026, 11, 26, 18, 0)))
        session.flush()

    assert count(db, SlackUser) == 0


# -- units of work ------------------------------------------------------------------------------


def test_transaction_commits_on_success(db: Database) -> None:
    with db.transaction() as session:
        session.add(person())

    assert count(db, SlackUser) == 1


def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"), db.transaction() as session:
        session.add(person())
        session.flush()  # the row reached the database inside the transaction
        assert session.scalar(select(func.count()).select_from(SlackUser)) == 1
        raise RuntimeError("boom")

    assert count(db, SlackUser) == 0


def test_immediate_transaction_commits_on_both_backends(db: Database) -> None:
    with db.transaction(immediate=True) as session:
        session.add(person())

    with pytest.raises(RuntimeError), db.transaction(immediate=True) as session:
        session.add(person("U_ROLLED_BACK"))
        session.flush()
        raise RuntimeError("roll back")

    with db.transaction() as session:
        assert session.scalars(select(SlackUser.user_id)).all() == ["U0456EFGH"]


def test_immediate_transaction_takes_the_write_lock_at_begin(db: Database) -> None:
    """On SQLite another writer cannot start while an IMMEDIATE transaction is open,
    even before it wrote anything; a deferred one that only read does not block it."""
    if not db.is_sqlite:
        # PostgreSQL has row locks and needs no hint: two writers proceed side by side.
        with db.transaction(immediate=True) as first, db.transaction(immediate=True) as second:
            first.add(person("U_FIRST"))
            first.flush()
            second.add(person("U_SECOND"))
            second.flush()
        assert count(db, SlackUser) == 2
        return

    other = sqlite3.connect(sqlite_path(db), timeout=0, isolation_level=None)
    try:
        with db.transaction() as session:
            session.execute(select(SlackUser)).all()
            other.execute("BEGIN IMMEDIATE")  # a deferred reader leaves writing free
            other.execute("ROLLBACK")

        with db.transaction(immediate=True) as session:
            session.execute(select(SlackUser)).all()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            session.add(person())

        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert count(db, SlackUser) == 1


# -- idempotent inserts -------------------------------------------------------------------------


def test_insert_ignoring_conflicts_inserts_once(db: Database) -> None:
    values = {
        "team_id": "T0123ABCD",
        "user_id": "U0456EFGH",
        "tz": "UTC",
        "waking_start_hour": 8,
        "waking_end_hour": 20,
        "paused": False,
        "created_at": T0,
        "updated_at": T0,
    }
    key = ["team_id", "user_id"]

    with db.transaction() as session:
        assert insert_ignoring_conflicts(session, SlackUser, values, key) is True
    with db.transaction() as session:
        again = {**values, "tz": "Europe/Berlin"}
        assert insert_ignoring_conflicts(session, SlackUser, again, key) is False
        other = {**values, "user_id": "U0SAM0001"}
        assert insert_ignoring_conflicts(session, SlackUser, other, key) is True

    with db.transaction() as session:
        rows = session.execute(select(SlackUser.user_id, SlackUser.tz).order_by("user_id")).all()
    assert [tuple(r) for r in rows] == [("U0456EFGH", "UTC"), ("U0SAM0001", "UTC")]


def test_an_event_is_a_first_delivery_only_once(db: Database, clock: FixedClock) -> None:
    assert first_delivery(db, "Ev0001", clock.now()) is True
    assert first_delivery(db, "Ev0001", clock.now()) is False  # Slack's retry
    assert first_delivery(db, "Ev0002", clock.now()) is True

    assert count(db, EventReceipt) == 2


def test_ensure_person_twice_gives_one_row(db: Database, clock: FixedClock) -> None:
    with db.transaction() as session:
        first = ensure_person(session, "T0123ABCD", "U0456EFGH", clock.now())
        again = ensure_person(session, "T0123ABCD", "U0456EFGH", clock.now())
        assert again.id == first.id
    later = clock.advance(timedelta(days=1))
    with db.transaction() as session:
        third = ensure_person(session, "T0123ABCD", "U0456EFGH", later)

    assert third.id == first.id
    assert third.created_at == clock.now() - timedelta(days=1)
    assert count(db, SlackUser) == 1


# -- integrity ----------------------------------------------------------------------------------


def stored_interview(db: Database, kind: NudgeKind) -> tuple[int, int]:
    """A person with one interview and one nudge of `kind`; returns (owner id, interview id)."""
    with db.transaction() as session:
        owner = person()
        session.add(owner)
        session.flush()
        logged = interview(owner.id)
        session.add(logged)
        session.flush()
        session.add(Nudge(interview_id=logged.id, kind=kind, due_at=T0, created_at=T0))
        return owner.id, logged.id


def test_an_interview_needs_an_existing_owner(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(interview(owner_id=424242))
        session.flush()

    assert count(db, Interview) == 0


def test_deleting_a_person_deletes_their_interviews_and_nudges(db: Database) -> None:
    owner_id, _ = stored_interview(db, NudgeKind.DISTANCE)

    with db.transaction() as session:
        session.execute(text("DELETE FROM slack_user WHERE id = :id"), {"id": owner_id})

    assert count(db, Interview) == 0
    assert count(db, Nudge) == 0


def test_a_nudge_is_planned_once_per_interview_kind_and_sequence(db: Database) -> None:
    _, interview_id = stored_interview(db, NudgeKind.FOLLOW_UP)

    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(
            Nudge(interview_id=interview_id, kind=NudgeKind.FOLLOW_UP, due_at=T0, created_at=T0)
        )
        session.flush()

    with db.transaction() as session:
        session.add(
            Nudge(
                interview_id=interview_id,
                kind=NudgeKind.FOLLOW_UP,
                sequence=1,
                due_at=T0 + timedelta(weeks=1),
                created_at=T0,
            )
        )
    assert count(db, Nudge) == 2
