"""Whether the dispatcher's tick stays as cheap with a million nudges as with ten thousand.

For each database (SQLite in a temporary file; PostgreSQL at BENCH_DATABASE_URL, default the
local test database, in a schema of its own, skipped with a message if unreachable) and each
size (10,000 and 1,000,000 nudge rows: mostly sent, cancelled and failed history of closed
interviews, 100 pending in the future, 10 claimed by a live worker, and 1,000 people with a
nudge due soon), it times the real `dispatch_tick`:

- idle: nothing is due (the median of 200 ticks);
- 1k due: the clock moved past the 1,000 due nudges; each tick claims a batch of 50 and
  posts them to the local Slack stand-in (the median of 10 ticks; one batch a tick, though
  the scheduled tick goes on while batches come back full).

The sizes take turns, tick by tick, so other work on the machine weighs on them alike.

It prints the medians, the 1M ÷ 10k ratios and PASS/MISS against the goals of issue 13
(idle at 1M: at most 2 ms on SQLite, 3 ms on PostgreSQL, and at most 1.5x its 10k time).
`--schema 0008` measures the schema before the history indexes, for a before/after figure.
Rows are planted by INSERT … SELECT over a generated series, so a size takes seconds.

    .venv/bin/python bench/idle_tick.py [--sizes 10000,1000000] [--schema head|0008]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.config import load_settings
from bot.dispatch.dispatcher import Dispatcher
from bot.dispatch.job import dispatch_tick, new_worker_id
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, SlackClients, single_workspace
from bot.store import migrate
from bot.store.db import Database

TEAM = "T0123ABCD"
# 10:00 in Los Angeles; the clock stands still except to make the due nudges due.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
DUE_AT = NOW + timedelta(hours=1)
DUE_PEOPLE = 1000
FUTURE_PENDING = 100
LIVE_CLAIMS = 10
NUDGES_PER_INTERVIEW = 10
HISTORY_DAYS = 200
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GOALS_MS = {"sqlite": 2.0, "postgresql": 3.0}
GOAL_RATIO = 1.5


def series(dialect: str, count: int) -> str:
    """A FROM clause yielding n = 0 … count-1."""
    if dialect == "sqlite":
        return (
            f"(WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s "
            f"WHERE n < {count - 1}) SELECT n FROM s) AS s"
        )
    return f"generate_series(0, {count - 1}) AS s(n)"


def minus_seconds(dialect: str, base: datetime, seconds_sql: str) -> str:
    """SQL for `base` (UTC) minus an integer number of seconds, as the column type stores it."""
    stamp = base.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if dialect == "sqlite":
        # UTCDateTime on SQLite stores naive UTC text with microseconds.
        shifted = f"strftime('%Y-%m-%d %H:%M:%S', '{stamp}', (-({seconds_sql})) || ' seconds')"
        return f"({shifted} || '.000000')"
    return f"(TIMESTAMP '{stamp}' - ({seconds_sql}) * INTERVAL '1 second')"


def plant(db: Database, size: int) -> None:
    """`size` nudge rows in all: history, a few live ones, and the due people's nudges."""
    d = db.engine.dialect.name
    history = size - DUE_PEOPLE - FUTURE_PENDING - LIVE_CLAIMS
    interviews = -(-history // NUDGES_PER_INTERVIEW)
    owners = max(1, interviews // 10)
    now = minus_seconds(d, NOW, "0")
    due = minus_seconds(d, DUE_AT, "0")
    false = "0" if d == "sqlite" else "false"
    # From 0011 each interview is a round of an application (--schema 0008 has none).
    rounds = "application" in inspect(db.engine).get_table_names()
    app_col, old_app, new_app = (
        (", application_id", ", 1 + n", f", {interviews + 1} + n") if rounds else ("", "", "")
    )
    applications = [
        f"INSERT INTO application (id, owner_id, company, status, created_at, updated_at) "
        f"SELECT 1 + n, 1 + n % {owners}, 'Old Co', 'closed', {now}, {now} "
        f"FROM {series(d, interviews)}",
        f"INSERT INTO application (id, owner_id, company, status, created_at, updated_at) "
        f"SELECT {interviews + 1} + n, {owners + 1} + n, 'Now Co', 'open', {now}, {now} "
        f"FROM {series(d, DUE_PEOPLE)}",
    ]
    statements = [
        # The people: history owners first, then one per due nudge, with a cached DM.
        f"INSERT INTO slack_user (team_id, user_id, tz, dm_channel_id, waking_start_hour, "
        f"waking_end_hour, working_days, paused, created_at, updated_at) "
        f"SELECT '{TEAM}', 'U0I' || n, 'UTC', 'D0I' || n, 8, 20, '01234', {false}, {now}, {now} "
        f"FROM {series(d, owners + DUE_PEOPLE)}",
        # Each interview is round 1 of an application of its own, with the same id.
        *(applications if rounds else []),
        # Closed interviews hold the history; the due people's are active.
        f"INSERT INTO interview (owner_id{app_col}, company, format, traditional_org, "
        f"happened_at, direct_contact_ok, status, outcome, created_at, updated_at, closed_at) "
        f"SELECT 1 + n % {owners}{old_app}, 'Old Co', 'video', {false}, "
        f"{minus_seconds(d, NOW, str(HISTORY_DAYS * 86400))}, {false}, 'closed', 'rejected', "
        f"{now}, {now}, {now} FROM {series(d, interviews)}",
        f"INSERT INTO interview (owner_id{app_col}, company, format, traditional_org, "
        f"happened_at, direct_contact_ok, status, created_at, updated_at) "
        f"SELECT {owners + 1} + n{new_app}, 'Now Co', 'video', {false}, "
        f"{minus_seconds(d, NOW, '1800')}, {false}, 'active', {now}, {now} "
        f"FROM {series(d, DUE_PEOPLE)}",
        # History: 7 in 10 sent, the rest cancelled or failed, spread over 200 days.
        f"INSERT INTO nudge (interview_id, kind, sequence, due_at, status, attempts, "
        f"created_at, sent_at, channel_id, message_ts) "
        f"SELECT 1 + n / {NUDGES_PER_INTERVIEW}, 'check_in', n % {NUDGES_PER_INTERVIEW}, "
        f"{minus_seconds(d, NOW, f'(n * 17) % {HISTORY_DAYS * 86400}')}, "
        f"CASE WHEN n % 10 < 7 THEN 'sent' WHEN n % 10 < 9 THEN 'cancelled' ELSE 'failed' END, "
        f"1, {now}, CASE WHEN n % 10 < 7 THEN {now} END, "
        f"CASE WHEN n % 10 < 7 THEN 'D0I' || (n % {owners}) END, "
        f"CASE WHEN n % 10 < 7 THEN n || '.000100' END "
        f"FROM {series(d, history)}",
        # Live rows: pending a month ahead, and claimed by a worker whose lease runs.
        f"INSERT INTO nudge (interview_id, kind, sequence, due_at, status, attempts, created_at) "
        f"SELECT 1 + n, 'reminder', 1, {minus_seconds(d, NOW, '-2592000')}, 'pending', 0, {now} "
        f"FROM {series(d, FUTURE_PENDING)}",
        f"INSERT INTO nudge (interview_id, kind, sequence, due_at, status, attempts, "
        f"created_at, lease_until, claimed_by) "
        f"SELECT 1 + n, 'card', 0, {now}, 'claimed', 0, {now}, "
        f"{minus_seconds(d, NOW, '-86400')}, 'a-live-worker' FROM {series(d, LIVE_CLAIMS)}",
        # One nudge due in an hour for each due person ("get some distance").
        f"INSERT INTO nudge (interview_id, kind, sequence, due_at, status, attempts, created_at) "
        f"SELECT {interviews + 1} + n, 'distance', 0, {due}, 'pending', 0, {now} "
        f"FROM {series(d, DUE_PEOPLE)}",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    if d == "sqlite":
        # As a running bot's WAL is: checkpointed. A WAL holding the whole plant makes every
        # page read search its index, which is the plant's cost, not the tick's.
        with db.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def timed_ms(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """The median and the fastest of `repeats` runs, in ms (the fastest shows the cost with
    the least interference from other work on the machine)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


class Subject:
    """One planted database and a dispatcher on it, with its own standing clock."""

    def __init__(self, db: Database, clients: SlackClients, size: int, schema: str) -> None:
        self.size = size
        migrate.upgrade(db.engine, schema)
        started = time.perf_counter()
        plant(db, size)
        self.planted_seconds = time.perf_counter() - started
        self.clock = FixedClock(NOW)
        self.dispatcher = Dispatcher(db, self.clock, clients, default_playbook(), new_worker_id())
        self.idle_ms: list[float] = []
        self.due_ms: list[float] = []

    def tick(self, expect_claims: bool) -> float:
        started = time.perf_counter()
        # One batch a tick: a tick drains batch after batch while they come back full, and
        # the figure is what one batch costs beside the history.
        report = dispatch_tick(self.dispatcher, max_batches=1)
        elapsed = (time.perf_counter() - started) * 1000
        if report is None or (report.claimed > 0) != expect_claims:
            raise SystemExit(f"unexpected tick at {self.size} rows: {report}")
        return elapsed


def measure(subjects: list[Subject], repeats: int) -> None:
    """Idle ticks, then ticks with 1k due, taking turns between the sizes: a burst of other
    work on the machine then slows every size alike instead of skewing the ratio."""
    for subject in subjects:
        subject.tick(False)  # warm the connection and the statement caches
    for _ in range(repeats):
        for subject in subjects:
            subject.idle_ms.append(subject.tick(False))
    for subject in subjects:
        subject.clock.set(DUE_AT + timedelta(minutes=1))
        subject.tick(True)
    for _ in range(max(3, repeats // 20)):
        for subject in subjects:
            subject.due_ms.append(subject.tick(True))
    for subject in subjects:
        print(
            f"  {subject.size:>9,} rows (planted in {subject.planted_seconds:5.1f} s): "
            f"idle tick median {statistics.median(subject.idle_ms):6.2f} ms "
            f"(fastest {min(subject.idle_ms):5.2f}), 1k-due tick (a batch of 50 posted) "
            f"median {statistics.median(subject.due_ms):7.1f} ms"
        )


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            yield db
        finally:
            db.dispose()


@contextmanager
def postgres_database(url: str) -> Iterator[Database]:
    admin = Database(url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    db = Database(scoped.render_as_string(hide_password=False))
    try:
        yield db
    finally:
        db.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def postgres_reachable(url: str) -> str | None:
    """None if PostgreSQL at `url` answers, else why not."""
    db = Database(url)
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # any failure to connect means: skip, and say why
        return str(exc).splitlines()[0]
    finally:
        db.dispose()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--repeats", type=int, default=200, help="idle ticks per size")
    parser.add_argument(
        "--schema", default="head", help="migrate to this revision (0008: before the indexes)"
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    logging.basicConfig(level=logging.ERROR)
    pg_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)

    backends: list[tuple[str, Callable[[], contextlib.AbstractContextManager[Database]]]] = []
    if args.only in (None, "sqlite"):
        backends.append(("sqlite", sqlite_database))
    if args.only in (None, "postgresql"):
        problem = postgres_reachable(pg_url)
        if problem is None:
            backends.append(("postgresql", lambda: postgres_database(pg_url)))
        else:
            print(f"PostgreSQL skipped (BENCH_DATABASE_URL unreachable: {problem})")

    results: dict[str, dict[int, tuple[float, float]]] = {}
    with SlackStandIn() as standin:
        settings = load_settings(
            _env_file=None,
            slack_bot_token=standin.bot_token,
            slack_signing_secret="bench-signing-secret",
            slack_api_url=standin.api_url,
        )
        clients = single_workspace(settings).with_profile(DISPATCH)
        for name, open_database in backends:
            print(f"{name}, schema {args.schema}:")
            with contextlib.ExitStack() as stack:
                subjects = [
                    Subject(stack.enter_context(open_database()), clients, size, args.schema)
                    for size in sizes
                ]
                measure(subjects, args.repeats)
            results[name] = {
                s.size: (statistics.median(s.idle_ms), statistics.median(s.due_ms))
                for s in subjects
            }

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\ngoals (issue 13), schema {args.schema}; load average {load} on {os.cpu_count()} cores:"
    )
    small, large = min(sizes), max(sizes)
    for name, by_size in results.items():
        idle_large, due_large = by_size[large][0], by_size[large][1]
        idle_small, due_small = by_size[small][0], by_size[small][1]
        ratio = idle_large / idle_small
        goal = GOALS_MS[name]
        print(
            f"  {name:<10} idle tick at {large:,}: {idle_large:6.2f} ms (goal <= {goal} ms) "
            f"{verdict(idle_large <= goal)}"
        )
        print(
            f"  {name:<10} idle tick {large:,} / {small:,}: {ratio:5.2f}x "
            f"(goal <= {GOAL_RATIO}x) {verdict(ratio <= GOAL_RATIO)}"
        )
        print(f"  {name:<10} 1k-due tick {large:,} / {small:,}: {due_large / due_small:5.2f}x")


if __name__ == "__main__":
    main()
