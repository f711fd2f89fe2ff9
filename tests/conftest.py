"""Shared fixtures: a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
a fixed clock, the Slack stand-in, and the bot serving HTTP on a free port."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from coach_devkit.slack_standin import SlackStandIn
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.store import migrate
from bot.store.db import Database
from bot.store.models import Base
from bot.store.oauth_tables import OAUTH_TABLES
from tests.harness import DANA, SAM, RunningBot, serving

# Property tests: a few examples each while working, so `pytest tests/unit` takes seconds;
# CI sets HYPOTHESIS_PROFILE=ci for the full 300, derandomized: a CI run must pass or fail
# the same way every time, never on a draw. Exploring new cases is the "explore" profile's
# job (many examples, fresh draws), run by hand; a failure it finds is replayed from
# .hypothesis/ and becomes an @example.
settings.register_profile("dev", max_examples=10)
settings.register_profile("ci", max_examples=300, derandomize=True)
settings.register_profile("explore", max_examples=3000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# 10:00 in Los Angeles, where Dana lives.
START = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def pytest_report_header() -> str:
    return f"database: {_backend()}"


def _backend() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return make_url(url).get_backend_name() if url else "sqlite"


@contextmanager
def private_schema(url: str, prefix: str) -> Iterator[str]:
    """A new, empty schema on the PostgreSQL at `url`, and a URL that works inside it."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = Database(url)
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A schema of its own on the PostgreSQL the environment names, dropped afterwards.

    An unreachable server is an error, never a skip: CI must not pass without its tests.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield None
        return
    with private_schema(url, "ic_test") as scoped:
        yield scoped


@pytest.fixture
def database_url(postgres_url: str | None, tmp_path: Path) -> str:
    return postgres_url or f"sqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
def fresh_database_url(postgres_url: str | None, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new schema on the test PostgreSQL.

    The session's shared schema already holds the tables other tests migrated, so it
    cannot show what migrating an empty database does.
    """
    if postgres_url is None:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with private_schema(os.environ["TEST_DATABASE_URL"], "ic_fresh") as scoped:
        yield scoped


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate.upgrade(database.engine)
    try:
        yield database
    finally:
        if database.engine.dialect.name == "postgresql":
            # One schema serves the whole session: leave it empty for the next test.
            with database.engine.begin() as connection:
                names = [t.name for t in Base.metadata.sorted_tables] + list(OAUTH_TABLES)
                tables = ", ".join(f'"{name}"' for name in names)
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.add_user(DANA.user_id, tz="America/Los_Angeles", name=DANA.name)
        server.add_user(SAM.user_id, tz="Europe/Berlin", name=SAM.name)
        yield server


@pytest.fixture
def running(standin: SlackStandIn, clock: FixedClock, db: Database) -> Iterator[RunningBot]:
    with serving(standin, clock, db) as bot:
        yield bot


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With REQUIRE_NO_SKIPS set (CI), a skipped test fails the run."""
    if not os.environ.get("REQUIRE_NO_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"REQUIRE_NO_SKIPS: {skipped} test(s) were skipped", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
