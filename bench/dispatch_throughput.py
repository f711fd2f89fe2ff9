"""How fast the dispatcher delivers due nudges, against a bare loop of chat.postMessage calls.

Three measurements, each a ratio against a baseline taken in the same run:

1. Throughput: N people, each with a logged interview whose first nudge is due now (one per
   person, so pacing never holds a message back), on SQLite and on PostgreSQL, for each N of
   --sizes. The real Dispatcher delivers them to the local Slack stand-in until every one is
   sent (after a first batch, untimed: a new process compiles its statements and loads its
   holiday tables once); then the baseline: N `chat.postMessage` calls with the same message
   from the same client, one after another. The ratio is what claiming, checking, rendering
   and recording cost per message, less what the dispatcher gains by posting
   POST_CONCURRENCY people's DMs at once; so a second ratio is printed beside it, against
   the same posts made that many at once from as many threads. Each size runs --repeats
   times (5: a single run's ratio ranged from 0.50x to 0.96x on one day's runs of one
   size), the sizes and databases taking turns, and the goals read the median ratio. The
   stand-in runs in a process of its own, as Slack is elsewhere: in this one its threads
   took the GIL from the dispatcher between posts (not from the bare loop, which only
   waits), and the ratio measured that.
2. Per-nudge CPU: a dispatcher in a process of its own (no stand-in in it) delivering
   --pool nudges on PostgreSQL: its `time.process_time()` over the run, per nudge.
3. Scale-out: 1, 2 and 3 such processes on PostgreSQL delivering the same pool (reseeded
   each time), started together, --scale-repeats times. Each worker talks to a Slack
   stand-in process of its own: one shared Python stand-in serialises the workers behind
   its lock (and its interpreter's GIL), which measured the stand-in, not the dispatcher.
   These stand-ins are `coach_devkit.slack_standin.lean`: Slack's answer to a post and
   nothing more, on one asyncio loop, at about 0.2 ms of CPU a post where the tests' full
   stand-in (a thread a connection, every call checked and kept) costs 0.7 ms: that is
   Slack's work, done here on the cores the dispatchers are measured on, and with the full
   one three stand-ins took a third of them. A run is timed from "go" to the last worker's
   last tick, not to the processes' exit. Every stand-in records every nudge posted, so
   duplicates and losses are counted across them. Beside the workers' CPU the run measures
   the stand-ins' and PostgreSQL's (from /proc: its live processes and the backends the
   postmaster reaped), and prints the ceiling the cores allow: cores ÷ (one process's rate ×
   all the CPU a nudge costs), the most any number of processes could reach here. A stand-in
   answering at once leaves nothing to overlap: one process keeps more than a core busy (its
   own CPU, most of a core under its GIL, then its stand-in's and PostgreSQL's), so on two
   cores the ceiling is under 2x. Then the same with Slack's latency: each stand-in answers
   a post after --slack-latency-ms (30 by default: a round trip to Slack's API and its work),
   1 and 3 processes on --latency-pool nudges. That is what replicas are for: a process
   waiting on Slack leaves the cores to the others, and what must show is that they do not
   wait on each other (claims, locks), with no duplicate and no loss.

Then each goal of issue 13 with PASS or MISS. PostgreSQL is BENCH_DATABASE_URL, else
TEST_DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test; each run gets a
schema of its own, dropped afterwards. If it cannot be reached its figures say "not run".

    .venv/bin/python bench/dispatch_throughput.py [--sizes 100,1000] [--with-10k]
        [--pool 1000] [--batch-size 50] [--repeats 5] [--scale-repeats 3] [--no-postgres]
        [--profile]
        [--slack-latency-ms 30] [--latency-pool 600]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.lean import lean_slack_running
from slack_sdk import WebClient
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Mapper

from bot.clock import FixedClock
from bot.coach.deliveries import nudge_view
from bot.coach.interviews import LogResult, submit_interview
from bot.coach.people import note_profile
from bot.config import load_settings
from bot.dispatch.dispatcher import POST_CONCURRENCY, Dispatcher, DispatchReport
from bot.dispatch.job import dispatch_tick, dispatch_until_idle, new_worker_id
from bot.rules.domain import NudgeStatus
from bot.rules.interview_form import InterviewForm
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, single_workspace
from bot.store import migrate
from bot.store.db import Database
from bot.store.models import Interview, Nudge, SlackUser
from bot.ui.nudges import render_nudge

TEAM = "T0123ABCD"
ZONE = "America/Los_Angeles"
SECRET = "bench-signing-secret"
# 10:00 in Los Angeles, so the nudges are due in waking hours whenever the bench runs. The
# clock stands still; timings are wall time.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHUNK = 1000  # rows per seeding INSERT

# The goals of issue 13 this bench checks.
GOAL_SQLITE = 0.6  # dispatcher ÷ bare loop
GOAL_PG = 0.5
GOAL_CPU_MS = 2.0  # per nudge
GOAL_SCALE = 2.0  # 3 processes ÷ 1
# Slack's answer to a post, for the scale-out's second measurement: a round trip to Slack's
# API from a cloud region takes tens of milliseconds, and chat.postMessage itself some more.
DEFAULT_LATENCY_MS = 30.0


# -- seeding -------------------------------------------------------------------------------------


def _columns(mapper: Mapper[Any], row: object) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in mapper.column_attrs if c.key != "id"}


def seed(db: Database, people: int) -> set[int]:
    """`people` people with an interview each, logged now, whose first nudge is due now;
    returns the due nudges' ids.

    The first person is logged through the coach (note_profile, submit_interview: the real
    plan); the others are copies of their rows (person, interview, every planned nudge)
    inserted in bulk, so 10,000 take seconds, not minutes.
    """
    playbook = default_playbook()
    note_profile(db, TEAM, "U0B000000", NOW, tz=ZONE, dm_channel_id="D0B000000", playbook=playbook)
    result = submit_interview(
        db,
        team_id=TEAM,
        user_id="U0B000000",
        form=InterviewForm(
            company="Company 0", format="video", happened_at=NOW - timedelta(minutes=30)
        ),
        now=NOW,
        source_view_id="V0",
        playbook=playbook,
    )
    assert isinstance(result, LogResult), result
    with db.transaction() as session:
        interview = session.get_one(Interview, result.interview.id)
        person = session.get_one(SlackUser, interview.owner_id)
        planned = session.scalars(select(Nudge).where(Nudge.interview_id == interview.id)).all()
        person_row = _columns(SlackUser.__mapper__, person)
        interview_row = _columns(Interview.__mapper__, interview)
        nudge_rows = [_columns(Nudge.__mapper__, n) for n in planned]
    for start in range(1, people, CHUNK):
        numbers = range(start, min(start + CHUNK, people))
        with db.transaction() as session:
            owners = session.scalars(
                insert(SlackUser).returning(SlackUser.id, sort_by_parameter_order=True),
                [
                    {**person_row, "user_id": f"U0B{n:06d}", "dm_channel_id": f"D0B{n:06d}"}
                    for n in numbers
                ],
            ).all()
            interviews = session.scalars(
                insert(Interview).returning(Interview.id, sort_by_parameter_order=True),
                [
                    {
                        **interview_row,
                        "owner_id": owner,
                        "company": f"Company {n}",
                        "source_view_id": f"V{n}",
                    }
                    for n, owner in zip(numbers, owners, strict=True)
                ],
            ).all()
            session.execute(
                insert(Nudge),
                [{**row, "interview_id": i} for i in interviews for row in nudge_rows],
            )
    with db.transaction() as session:
        return set(
            session.scalars(
                select(Nudge.id).where(Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= NOW)
            )
        )


def sent_ids(db: Database) -> set[int]:
    with db.transaction() as session:
        return set(session.scalars(select(Nudge.id).where(Nudge.status == NudgeStatus.SENT)))


# -- databases -----------------------------------------------------------------------------------


def postgres_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG


def postgres_reachable(url: str) -> bool:
    db = Database(url)
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        db.dispose()


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[str]:
    """A migrated, empty database: a new SQLite file, or a new schema on the PostgreSQL."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        _migrate(url)
        yield url
        return
    base = postgres_url()
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = Database(base)
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = (
        make_url(base)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    try:
        _migrate(url)
        yield url
    finally:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrate(url: str) -> None:
    db = Database(url)
    try:
        migrate.upgrade(db.engine)
    finally:
        db.dispose()


# -- 1. throughput, in this process ----------------------------------------------------------


@dataclass
class Throughput:
    nudges: int
    dispatch_seconds: float
    bare_seconds: float
    thread_cpu_ms: float  # the dispatching thread's CPU per nudge
    bare_thread_cpu_ms: float  # the bare loop's, per post
    # The same posts from POST_CONCURRENCY threads at once, as the dispatcher makes them.
    bare_together_seconds: float
    # The dispatcher's first batch, untimed above: a new engine compiles each statement once
    # (SQLAlchemy caches them per engine) and the holidays package builds a country's year on
    # its first question (70 ms for one). A process pays that once; counted in a 100-due run
    # it was a third of the time.
    first_batch_seconds: float

    @property
    def ratio(self) -> float:
        return self.bare_seconds / self.dispatch_seconds

    @property
    def ratio_together(self) -> float:
        return self.bare_together_seconds / self.dispatch_seconds


def throughput(kind: str, people: int, batch_size: int, workdir: Path) -> Throughput:
    clock = FixedClock(NOW)
    playbook = default_playbook()
    # Slack's impersonator in a process of its own, as Slack is in production: sharing this
    # interpreter, its threads took the GIL from the dispatcher between posts (not from the
    # bare loop, which only waits), and the ratio measured that contention.
    standin = _start([sys.executable, __file__, "--standin"], dict(os.environ))
    address = json.loads(_first_line(standin, "stand-in"))
    with fresh_database(kind, workdir) as url:
        settings = load_settings(
            _env_file=None,
            slack_bot_token=address["token"],
            slack_signing_secret=SECRET,
            slack_api_url=address["url"],
            database_url=url,
        )
        db = Database(url)
        try:
            # One batch more than is timed: the first, untimed, warms what a long-running
            # process pays once (see Throughput.first_batch_seconds).
            due = seed(db, people + batch_size)
            if len(due) != people + batch_size:
                raise SystemExit(f"seeded {len(due)} due nudges, expected {people + batch_size}")
            view = nudge_view(db, min(due), playbook)
            assert view is not None
            text_, blocks = render_nudge(view, playbook)
            clients = single_workspace(settings).with_profile(DISPATCH)  # auth.test warms up
            client = clients.client_for(TEAM)
            dispatcher = Dispatcher(
                db, clock, clients, playbook, new_worker_id(), batch_size=batch_size
            )
            before_seconds, before_cpu = bare_loop(client, people, text_, blocks)
            started = time.perf_counter()
            first = dispatcher.run_once(requeue=True)
            first_seconds = time.perf_counter() - started
            if first.sent != batch_size:
                raise SystemExit(f"{kind}: the first batch sent {first.sent} of {batch_size}")
            cpu, started = time.thread_time(), time.perf_counter()
            report = dispatch_until_idle(dispatcher, max_ticks=people)
            dispatch_seconds = time.perf_counter() - started
            dispatch_cpu = time.thread_time() - cpu
            # The bare loop runs twice, before and after the dispatcher, and counts once as
            # their mean: the machine is shared, and its load drifts within a run.
            bare_seconds, bare_cpu = bare_loop(client, people, text_, blocks)
            together = bare_together(client, people, text_, blocks, POST_CONCURRENCY)
            _say(standin, "report")
            posted = _last_json(standin, "stand-in")["posted"]
            if sent_ids(db) != due or report.sent != people or sorted(posted) != sorted(due):
                raise SystemExit(f"{kind}: only {report.sent} of {people} nudges were sent")
        finally:
            db.dispose()
            if standin.poll() is None:
                standin.kill()
    return Throughput(
        people,
        dispatch_seconds,
        (before_seconds + bare_seconds) / 2,
        dispatch_cpu * 1000 / people,
        (before_cpu + bare_cpu) / 2 * 1000 / people,
        together,
        first_seconds,
    )


def bare_loop(client: WebClient, people: int, text_: str, blocks: Any) -> tuple[float, float]:
    """`people` chat.postMessage calls, one after another: wall and thread CPU seconds."""
    cpu, started = time.thread_time(), time.perf_counter()
    for n in range(people):
        client.chat_postMessage(channel=f"D0B{n:06d}", text=text_, blocks=blocks)
    return time.perf_counter() - started, time.thread_time() - cpu


def bare_together(client: WebClient, people: int, text_: str, blocks: Any, threads: int) -> float:
    """The same posts from `threads` threads at once: wall seconds."""
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(
            lambda n: client.chat_postMessage(channel=f"D0B{n:06d}", text=text_, blocks=blocks),
            range(people),
        ):
            pass
    return time.perf_counter() - started


# -- 2 and 3. dispatcher processes on PostgreSQL -----------------------------------------------


def worker_main(args: argparse.Namespace) -> int:
    """A dispatcher in this process: says "ready", waits for a line on stdin, ticks until
    a tick claims nothing, then prints its report, CPU and wall seconds as JSON."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    settings = load_settings(_env_file=None)
    db = Database(settings.database_url)
    dispatcher = Dispatcher(
        db,
        FixedClock(NOW),
        single_workspace(settings).with_profile(DISPATCH),
        default_playbook(),
        new_worker_id(),
        batch_size=args.batch_size,
    )
    profiler = cProfile.Profile() if args.profile_to else None
    print("ready", flush=True)
    sys.stdin.readline()
    total, failed = DispatchReport(), 0
    cpu, started = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    while True:
        report = dispatch_tick(dispatcher)
        if report is None:
            failed += 1
            if failed > 20:
                break
            continue
        total.add(report)
        if report.claimed == 0:
            break
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile_to)
    # The system's monotonic clock (CLOCK_MONOTONIC on Linux), which the parent reads too:
    # the run ends here, before this interpreter's teardown, which is not dispatching.
    finished_at = time.monotonic()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    db.dispose()
    print(
        json.dumps({**asdict(total), "cpu": cpu, "wall": wall, "finished_at": finished_at}),
        flush=True,
    )
    return 0


def standin_main(latency_ms: float) -> int:
    """A stand-in in this process: prints its URL and token as JSON, serves until a line on
    stdin, then prints the nudge ids it was posted and its CPU seconds. `latency_ms`: each
    chat.postMessage is answered that long after it arrives (Slack is not on loopback)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    with SlackStandIn() as standin:
        if latency_ms:
            standin.slow("chat.postMessage", latency_ms / 1000)
        print(json.dumps({"url": standin.api_url, "token": standin.bot_token}), flush=True)
        cpu = time.process_time()
        sys.stdin.readline()
        cpu = time.process_time() - cpu
        posted = [
            int(call.params["metadata"]["event_payload"]["nudge_id"])
            for call in standin.calls_to("chat.postMessage")
            if call.params.get("metadata")
        ]
    print(json.dumps({"posted": posted, "cpu": cpu}), flush=True)
    return 0


def lean_standin_main(latency_ms: float) -> int:
    """The same with `LeanSlack`: Slack's answer to a post and nothing more, on one loop."""
    with lean_slack_running(latency_ms / 1000) as (slack, url):
        print(json.dumps({"url": url, "token": slack.token}), flush=True)
        cpu = time.process_time()
        sys.stdin.readline()
        cpu = time.process_time() - cpu
        posted = list(slack.posted)
    print(json.dumps({"posted": posted, "cpu": cpu}), flush=True)
    return 0


def postgres_cpu_seconds() -> float | None:
    """PostgreSQL's CPU so far on this machine: every live postgres process's user+system time,
    plus what the postmaster's reaped children (closed backends) used. None where /proc or the
    server cannot be read (another machine, another user)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    found = False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        if not name.startswith("postgres"):
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        # fields[11..14] are utime, stime, cutime, cstime (proc(5), counted from the state).
        utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
        total += utime + stime + cutime + cstime
        found = True
    return total / tick if found else None


@dataclass
class ScaleRun:
    processes: int
    nudges: int
    seconds: float
    cpu_per_nudge_ms: float  # all the workers' CPU, per nudge
    standin_cpu_ms: float  # all the stand-ins' CPU, per nudge
    postgres_cpu_ms: float | None  # PostgreSQL's CPU, per nudge
    duplicates: int
    lost: int

    @property
    def rate(self) -> float:
        return self.nudges / self.seconds

    @property
    def all_cpu_ms(self) -> float:
        """Everything a nudge costs the machine: dispatcher, stand-in, database."""
        return self.cpu_per_nudge_ms + self.standin_cpu_ms + (self.postgres_cpu_ms or 0.0)


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _first_line(process: subprocess.Popen[str], what: str) -> str:
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline().strip()
    if not line:
        raise SystemExit(f"a {what} did not start: {process.stderr.read()}")
    return line


def _say(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


def _last_json(process: subprocess.Popen[str], what: str) -> dict[str, Any]:
    out, err = process.communicate(timeout=600)
    if process.returncode != 0:
        raise SystemExit(f"a {what} failed: {err}")
    return json.loads(out.strip().splitlines()[-1])


def processes_run(
    processes: int,
    pool: int,
    batch_size: int,
    workdir: Path,
    profile_to: Path | None = None,
    latency_ms: float = 0.0,
    lean: bool = False,
) -> ScaleRun:
    with fresh_database("postgresql", workdir) as url:
        db = Database(url)
        try:
            due = seed(db, pool)
        finally:
            db.dispose()
        standins = [
            _start(
                [sys.executable, __file__, "--standin", "--latency-ms", str(latency_ms)]
                + (["--lean"] if lean else []),
                dict(os.environ),
            )
            for _ in range(processes)
        ]
        addresses = [json.loads(_first_line(s, "stand-in")) for s in standins]
        command = [sys.executable, __file__, "--worker", "--batch-size", str(batch_size)]
        if profile_to is not None:
            command += ["--profile-to", str(profile_to)]
        workers = [
            _start(
                command,
                {
                    **os.environ,
                    "DATABASE_URL": url,
                    "SLACK_API_URL": address["url"],
                    "SLACK_BOT_TOKEN": address["token"],
                    "SLACK_SIGNING_SECRET": SECRET,
                },
            )
            for address in addresses
        ]
        for worker in workers:
            if (line := _first_line(worker, "worker")) != "ready":
                raise SystemExit(f"a worker did not start: {line!r}")
        postgres_before = postgres_cpu_seconds()
        started = time.monotonic()
        for worker in workers:  # go, all together
            _say(worker, "go")
        results = [_last_json(worker, "worker") for worker in workers]
        # From "go" to the last worker's last tick. Not to the processes' exit: three
        # interpreters tearing down at once on two cores took 0.2-0.5 s, a third of a run.
        seconds = max(r["finished_at"] for r in results) - started
        postgres_after = postgres_cpu_seconds()
        for standin in standins:
            _say(standin, "report")
        reports = [_last_json(standin, "stand-in") for standin in standins]
        db = Database(url)
        try:
            sent = sent_ids(db)
        finally:
            db.dispose()
    posted = Counter(n for report in reports for n in report["posted"])
    duplicates = sum(count - 1 for count in posted.values() if count > 1)
    lost = len([n for n in due if posted[n] == 0 or n not in sent])
    cpu = sum(r["cpu"] for r in results)
    standin_cpu = sum(r["cpu"] for r in reports)
    postgres_cpu = (
        (postgres_after - postgres_before) * 1000 / pool
        if postgres_before is not None and postgres_after is not None
        else None
    )
    return ScaleRun(
        processes,
        pool,
        seconds,
        cpu * 1000 / pool,
        standin_cpu * 1000 / pool,
        postgres_cpu,
        duplicates,
        lost,
    )


# -- report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="due nudges per throughput run")
    parser.add_argument(
        "--with-10k", action="store_true", help="add 10,000 due (about 4 more minutes)"
    )
    parser.add_argument("--pool", type=int, default=1000, help="nudges for the process runs")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5, help="throughput runs of each size")
    parser.add_argument(
        "--scale-repeats", type=int, default=3, help="scale-out runs of each process count"
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile one worker's run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    parser.add_argument("--standin", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--lean", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help=argparse.SUPPRESS,  # the stand-in's; the scale-out sets it with --slack-latency-ms
    )
    parser.add_argument(
        "--slack-latency-ms",
        type=float,
        default=DEFAULT_LATENCY_MS,
        help="the scale-out's second measurement: Slack answering each post after this long",
    )
    parser.add_argument(
        "--latency-pool", type=int, default=600, help="nudges for the runs with latency"
    )
    args = parser.parse_args()
    if args.worker:
        sys.exit(worker_main(args))
    if args.standin:
        sys.exit((lean_standin_main if args.lean else standin_main)(args.latency_ms))
    logging.basicConfig(level=logging.WARNING)
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([10_000] if args.with_10k else [])
    kinds = ["sqlite"]
    if not args.no_postgres:
        if postgres_reachable(postgres_url()):
            kinds.append("postgresql")
        else:
            print(f"PostgreSQL not reachable at {postgres_url()}: its figures are not run")

    ratios: dict[str, list[Throughput]] = {kind: [] for kind in ("sqlite", "postgresql")}
    scale: dict[int, list[ScaleRun]] = {1: [], 2: [], 3: []}
    slow: dict[int, list[ScaleRun]] = {1: [], 3: []}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print("1. dispatcher vs a bare chat.postMessage loop, same stand-in over HTTP")
        print("   (ratio = dispatcher rate ÷ bare rate; higher is better)")
        # The runs take turns (each size on each database, then again), so the machine's
        # drift within the bench weighs on them alike; the goals read each one's median.
        for _ in range(args.repeats):
            for kind, people in ((kind, people) for kind in kinds for people in sizes):
                result = throughput(kind, people, args.batch_size, workdir)
                ratios[kind].append(result)
                print(
                    f"   {kind:<10} {people:>6} due:"
                    f" dispatcher {people / result.dispatch_seconds:7.1f}/s,"
                    f" bare {people / result.bare_seconds:7.1f}/s, ratio {result.ratio:.2f}x;"
                    f" dispatching thread {result.thread_cpu_ms:.2f} ms CPU/nudge"
                    f" (bare loop {result.bare_thread_cpu_ms:.2f} ms/post);"
                    f" bare posting {POST_CONCURRENCY} at once"
                    f" {people / result.bare_together_seconds:.1f}/s, ratio to that"
                    f" {result.ratio_together:.2f}x; first batch (untimed)"
                    f" {result.first_batch_seconds * 1000:.0f} ms",
                    flush=True,
                )
        if "postgresql" in kinds:
            print(
                f"2./3. dispatcher processes on PostgreSQL, {args.pool} due, started together,"
                f" median of {args.scale_repeats}; lean Slack stand-ins"
            )
            for _ in range(args.scale_repeats):
                for processes in (1, 2, 3):
                    run = processes_run(processes, args.pool, args.batch_size, workdir, lean=True)
                    scale[processes].append(run)
                    postgres = (
                        f"{run.postgres_cpu_ms:.2f} ms"
                        if run.postgres_cpu_ms is not None
                        else "not measured"
                    )
                    print(
                        f"   {processes} process(es): {run.rate:7.1f} nudges/s"
                        f" ({run.seconds:.2f} s),"
                        f" {run.cpu_per_nudge_ms:.2f} ms CPU/nudge"
                        f" (stand-ins {run.standin_cpu_ms:.2f} ms, PostgreSQL {postgres}),"
                        f" {run.duplicates} duplicate(s), {run.lost} lost",
                        flush=True,
                    )
            print(
                f"   the same with Slack answering each post after {args.slack_latency_ms:g} ms,"
                f" {args.latency_pool} due, median of {args.scale_repeats}"
            )
            for _ in range(args.scale_repeats):
                for processes in (1, 3):
                    run = processes_run(
                        processes,
                        args.latency_pool,
                        args.batch_size,
                        workdir,
                        latency_ms=args.slack_latency_ms,
                        lean=True,
                    )
                    slow[processes].append(run)
                    print(
                        f"   {processes} process(es): {run.rate:7.1f} nudges/s"
                        f" ({run.seconds:.2f} s), {run.duplicates} duplicate(s), {run.lost} lost",
                        flush=True,
                    )
            if args.profile:
                profile_path = workdir / "worker.prof"
                processes_run(1, args.pool, args.batch_size, workdir, profile_path, lean=True)
                out = io.StringIO()
                stats = pstats.Stats(str(profile_path), stream=out)
                stats.sort_stats("cumulative").print_stats(15)
                # Where a batch's time goes: claim, read, note, post, record.
                stats.print_callees(r"dispatcher.py:\d+\(_run_once\)")
                print(f"cProfile of one process delivering {args.pool} nudges (top 15, cumulative)")
                print(out.getvalue())

    print("goals of issue 13 (this bench's part)")
    for kind, goal in (("sqlite", GOAL_SQLITE), ("postgresql", GOAL_PG)):
        for people in sizes:
            runs_of = sorted(r.ratio for r in ratios[kind] if r.nudges == people)
            if not runs_of:
                continue
            median = statistics.median(runs_of)
            spread = f" (runs {runs_of[0]:.2f}-{runs_of[-1]:.2f})" if len(runs_of) > 1 else ""
            print(
                f"   dispatcher ÷ bare, {kind}, {people} due: {median:.2f}x median of"
                f" {len(runs_of)}{spread} (goal ≥ {goal}x) {verdict(median >= goal)}"
            )
        if not ratios[kind]:
            print(f"   dispatcher ÷ bare, {kind}: not run")
    if scale[1]:
        cpu = statistics.median(r.cpu_per_nudge_ms for r in scale[1])
        bare = [r.bare_thread_cpu_ms for r in ratios["postgresql"]]
        relative = f", {cpu / statistics.median(bare):.1f}x a bare post's CPU above" if bare else ""
        print(
            f"   CPU per nudge, one dispatcher process: {cpu:.2f} ms{relative}"
            f" (goal ≤ {GOAL_CPU_MS} ms) {verdict(cpu <= GOAL_CPU_MS)}"
        )
        one = statistics.median(r.rate for r in scale[1])
        for processes in (2, 3):
            rate = statistics.median(r.rate for r in scale[processes])
            print(f"   {processes} processes ÷ 1, Slack answering at once: {rate / one:.2f}x")
        three = statistics.median(r.rate for r in scale[3]) / one
        # What the cores allow: at most `cores` seconds of CPU a second, and a nudge costs
        # all_cpu_ms of it (dispatcher, stand-in, database), so no number of processes can go
        # past cores ÷ all_cpu_ms nudges a second; over one process's rate, the best ratio.
        cores = os.cpu_count() or 1
        budget = statistics.median(r.all_cpu_ms for r in scale[1])
        ceiling = cores / (budget / 1000) / one
        busy = one * budget / 1000  # cores one process keeps busy, with its stand-in and database
        own = one * statistics.median(r.cpu_per_nudge_ms for r in scale[1]) / 1000
        print(
            f"   the cores' ceiling with Slack answering at once: one process keeps {busy:.2f}"
            f" cores busy ({own:.2f} its own, the rest its stand-in's and PostgreSQL's), so"
            f" {cores} cores allow at most {ceiling:.2f}x it, however many processes"
        )
        # Duplicates and losses of these runs only: the runs with latency have a line of their own.
        dup = sum(r.duplicates for group in scale.values() for r in group)
        lost = sum(r.lost for group in scale.values() for r in group)
        reach = (
            f"out of reach: above the cores' ceiling, {ceiling:.2f}x"
            if ceiling < GOAL_SCALE
            else f"the cores' ceiling: {ceiling:.2f}x"
        )
        print(
            f"   3 processes ÷ 1 on PostgreSQL, Slack answering at once: {three:.2f}x; {dup}"
            f" duplicate(s), {lost} lost (goal ≥ {GOAL_SCALE}x; {reach})"
            f" {verdict(three >= GOAL_SCALE and not dup and not lost)}"
        )
        if slow[1]:
            slow_three = statistics.median(r.rate for r in slow[3]) / statistics.median(
                r.rate for r in slow[1]
            )
            slow_dup = sum(r.duplicates for group in slow.values() for r in group)
            slow_lost = sum(r.lost for group in slow.values() for r in group)
            ok = slow_three >= GOAL_SCALE and not slow_dup and not slow_lost
            print(
                f"   3 processes ÷ 1 on PostgreSQL, Slack answering after"
                f" {args.slack_latency_ms:g} ms: {slow_three:.2f}x; {slow_dup} duplicate(s),"
                f" {slow_lost} lost in its runs (goal ≥ {GOAL_SCALE}x, 0, 0) {verdict(ok)}"
            )
    else:
        print("   CPU per nudge and 3 processes ÷ 1: not run (no PostgreSQL)")


if __name__ == "__main__":
    main()
