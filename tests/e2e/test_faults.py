"""Fault tests of issue 9: crashes, a long Slack outage, a database outage and a shutdown,
each counting Slack calls per nudge through the stand-in (every post names its nudge in its
message metadata). On SQLite, or on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.calls import RecordedCall
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.dispatch.dispatcher import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    BACKOFF_JITTER,
    LEASE,
    NUDGE_EVENT_TYPE,
    Dispatcher,
)
from bot.dispatch.job import dispatch_tick
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, SlackClients, single_workspace
from bot.store.db import Database
from bot.store.models import Nudge
from tests.coach_helpers import log
from tests.e2e.test_dispatch_processes import START_TIMEOUT, finished, worker
from tests.harness import SIGNING_SECRET, test_settings
from tests.processes import free_port, start_run
from tests.tcp_proxy import TcpProxy

POSTS = "chat.postMessage"
HISTORY = "conversations.history"
PLAYBOOK = default_playbook()


@pytest.fixture
def clients(standin: SlackStandIn, database_url: str) -> SlackClients:
    return single_workspace(test_settings(standin, database_url)).with_profile(DISPATCH)


def nudges_of(call: RecordedCall) -> list[int]:
    """The nudges a chat.postMessage call delivers, from its message metadata: one, or every
    part of a grouped DM."""
    metadata = call.params["metadata"]
    assert metadata["event_type"] == NUDGE_EVENT_TYPE
    payload = metadata["event_payload"]
    return [int(n) for n in payload.get("nudge_ids") or [payload["nudge_id"]]]


def due_distance_nudges(
    db: Database, people: int, now: datetime, prefix: str, tz: str = "America/Los_Angeles"
) -> set[int]:
    """`people` people, each with an interview whose "get some distance" nudge is due now."""
    for n in range(people):
        log(db, now, user_id=f"U0{prefix}{n:05d}", view_id=f"V{prefix}{n}", tz=tz)
    with db.transaction() as session:
        ids = set(
            session.scalars(
                select(Nudge.id).where(
                    Nudge.kind == NudgeKind.DISTANCE,
                    Nudge.status == NudgeStatus.PENDING,
                    Nudge.due_at <= now,
                )
            )
        )
    assert len(ids) == people
    return ids


def rows(db: Database, ids: set[int]) -> list[Nudge]:
    with db.transaction() as session:
        found = list(session.scalars(select(Nudge).where(Nudge.id.in_(ids))))
        session.expunge_all()
    return found


def delivered(standin: SlackStandIn) -> Counter[int]:
    """How many times Slack took a post of each nudge."""
    return Counter(nudge for call in standin.calls_to(POSTS) for nudge in nudges_of(call))


# -- crashes ---------------------------------------------------------------------------------

NUDGES = 200
KILLS = 20


@pytest.mark.timeout(600)
def test_twenty_kill_9s_during_200_nudges_lose_none_and_double_none(
    db: Database, clock: FixedClock, standin: SlackStandIn, database_url: str
) -> None:
    """Half the kills land while a post is on its way to Slack (held there, then let through
    after the worker is dead): the next worker must find it in the DM, not post it again."""
    ids = due_distance_nudges(db, NUDGES, clock.now(), "K")
    rng = random.Random(20)
    now = clock.now()
    mid_post = 0
    for kill in range(KILLS):
        with worker(standin, database_url, now, "--until-idle", "--batch-size", "10") as process:
            if kill % 2 == 0:
                standin.hold(POSTS)
                standin.wait_until_held(POSTS, timeout=START_TIMEOUT)
                mid_post += 1
            else:
                target = min(len(standin.calls_to(POSTS)) + rng.randint(1, 8), NUDGES)
                standin.wait_for(POSTS, count=target, timeout=START_TIMEOUT)
            process.kill()  # SIGKILL: no cleanup, no handing back
            process.wait(timeout=10)
        standin.release(POSTS)  # a held post reaches Slack now, its worker gone
        # The next worker starts once the dead one's lease has run out.
        now += LEASE + timedelta(seconds=1)
    with worker(standin, database_url, now, "--until-idle") as last:
        finished(last)

    sent = rows(db, ids)
    assert {r.status for r in sent} == {NudgeStatus.SENT}  # 0 lost
    per_nudge = delivered(standin)
    assert {nudge: per_nudge[nudge] for nudge in ids} == dict.fromkeys(ids, 1)  # 0 doubled
    # Kills were no attempts, and every stored ts is the one Slack gave.
    assert {r.attempts for r in sent} == {0}
    posted_ts = {n: c.response["ts"] for c in standin.calls_to(POSTS) for n in nudges_of(c)}
    assert {r.id: r.message_ts for r in sent} == {i: posted_ts[i] for i in ids}
    # Each post that reached Slack unanswered was found by a look in the DM.
    assert len(standin.calls_to(HISTORY)) >= mid_post


# -- a long Slack outage -----------------------------------------------------------------------


def backoff_steps(within: timedelta) -> int:
    """The most tries a nudge can make within `within` when every try fails: each wait is
    at least the shortest the jitter allows."""
    steps, waited = 1, timedelta(0)
    while True:
        wait = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(steps - 1, 10)) * (1 - BACKOFF_JITTER)
        if waited + wait > within:
            return steps
        waited += wait
        steps += 1


@pytest.mark.timeout(300)
def test_a_three_hour_slack_outage_loses_nothing_and_makes_no_retry_storm(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    # Advice that is still worth giving six hours late: the outage must not cost it.
    lateness = PLAYBOOK.max_lateness_hours.model_copy(update={"distance": 6})
    playbook = PLAYBOOK.model_copy(update={"max_lateness_hours": lateness})
    ids = due_distance_nudges(db, 10, clock.now(), "O")
    dispatcher = Dispatcher(db, clock, clients, playbook, "worker-a", rng=random.Random(3))
    outage = timedelta(hours=3)
    tick = timedelta(seconds=60)
    for method in (POSTS, HISTORY):
        standin.fail_all(method, "service_unavailable", status=503)

    end = clock.now() + outage
    while clock.now() < end:
        dispatch_tick(dispatcher)
        clock.advance(tick)
    during = standin.calls_to(POSTS, include_failed=True) + standin.calls_to(
        HISTORY, include_failed=True
    )
    tried = {r.id: r.attempts for r in rows(db, ids)}
    for method in (POSTS, HISTORY):
        standin.heal(method)
    for _ in range(7):  # recovery: within one backoff cap and a tick
        dispatch_tick(dispatcher)
        clock.advance(tick)

    sent = rows(db, ids)
    assert {r.status for r in sent} == {NudgeStatus.SENT}  # 0 lost
    per_nudge = delivered(standin)
    assert {nudge: per_nudge[nudge] for nudge in ids} == dict.fromkeys(ids, 1)
    # No storm: every call in the outage was one counted try, each after its backoff.
    assert all(call.failed for call in during)
    assert len(during) >= sum(tried.values())  # other kinds may have come due too
    assert max(tried.values()) <= backoff_steps(outage + tick)
    assert min(tried.values()) >= backoff_steps(outage) // 2  # it kept trying


# -- a database outage -------------------------------------------------------------------------


@contextmanager
def sqlite_locked(database_url: str) -> Iterator[None]:
    """Another process holds the SQLite file's write lock until the block ends."""
    path = database_url.removeprefix("sqlite:///")
    locker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
            path,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert locker.stdout is not None
        assert locker.stdout.readline().strip() == "locked"
        yield
    finally:
        locker.communicate(timeout=10)


@contextmanager
def store_outage(db: Database, database_url: str) -> Iterator[tuple[Database, Callable[[], Any]]]:
    """A Database for the bot, and how to make it unreachable for a while: SQLite's file
    locked by another process, or PostgreSQL reached through a proxy that is then cut."""
    if db.is_sqlite:
        yield db, lambda: sqlite_locked(database_url)
        return
    url = make_url(database_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = Database(
            url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        )
        try:
            yield proxied, proxy.cut
        finally:
            proxied.dispose()


def test_a_post_whose_sent_could_not_be_written_is_recorded_when_the_database_returns(
    db: Database,
    clock: FixedClock,
    standin: SlackStandIn,
    clients: SlackClients,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ids = due_distance_nudges(db, 3, clock.now(), "D")
    with store_outage(db, database_url) as (bot_db, outage):
        dispatcher = Dispatcher(bot_db, clock, clients, PLAYBOOK, "worker-a", batch_size=1)
        standin.hold(POSTS)
        results: list[object] = []
        ticking = threading.Thread(target=lambda: results.append(dispatch_tick(dispatcher)))
        ticking.start()
        standin.wait_until_held(POSTS, timeout=10)
        with outage():
            standin.release(POSTS)  # Slack takes the post; its `sent` cannot be written
            ticking.join(timeout=60)
            assert results == [None]  # the tick ended without a 5xx or a traceback
            assert dispatcher.unrecorded == 1
            assert not bot_db.ping()  # /healthz says 503 meanwhile
            assert dispatch_tick(dispatcher) is None  # backs off while it lasts
        assert bot_db.ping()
        clock.advance(LEASE * 2)  # long enough for any lease to have run out
        for _ in range(10):
            dispatch_tick(dispatcher)

        assert dispatcher.unrecorded == 0
    assert {r.status for r in rows(db, ids)} == {NudgeStatus.SENT}
    assert delivered(standin) == Counter(dict.fromkeys(ids, 1))  # the first not posted twice
    assert "Traceback" not in caplog.text


# -- shutdown -----------------------------------------------------------------------------------

GRACE_SECONDS = 5
SLOW_SECONDS = 0.5


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where `now` is around noon, so "get some distance" falls in waking
    hours whatever the hour of the real clock the bot process runs on."""
    hours = (12 - now.astimezone(UTC).hour) % 24
    hours = hours - 24 if hours > 11 else hours
    # The Etc zones' signs are POSIX's: Etc/GMT-3 is three hours ahead of UTC.
    return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"


def test_sigterm_with_slack_slow_exits_0_in_the_grace_period_and_hands_back_the_batch(
    db: Database, standin: SlackStandIn, clients: SlackClients, database_url: str, tmp_path: Path
) -> None:
    now = datetime.now().astimezone()
    ids = due_distance_nudges(db, 20, FixedClock(now).now(), "S", tz=midday_zone(now))
    with db.transaction() as session:  # due by the real clock the process runs on
        session.execute(update(Nudge).where(Nudge.id.in_(ids)).values(due_at=now))
    standin.slow(POSTS, SLOW_SECONDS)
    port = free_port()
    stderr_path = tmp_path / "run.stderr"
    with stderr_path.open("wb") as stderr:
        process = start_run(
            tmp_path,
            standin,
            SIGNING_SECRET,
            database_url,
            port,
            stderr,
            DISPATCH_INTERVAL_SECONDS="0.2",
            SHUTDOWN_GRACE_SECONDS=str(GRACE_SECONDS),
        )
        try:
            standin.wait_for(POSTS, count=2, timeout=START_TIMEOUT)  # the batch is under way
            process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            code = process.wait(timeout=GRACE_SECONDS + 10)
            seconds_to_exit = time.monotonic() - signalled
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    log_text = stderr_path.read_text(encoding="utf-8", errors="replace")
    assert code == 0, log_text
    assert seconds_to_exit < GRACE_SECONDS, seconds_to_exit
    assert "Traceback" not in log_text

    left = [r for r in rows(db, ids) if r.status is not NudgeStatus.SENT]
    assert left, "the batch ended before the signal: nothing was handed back"
    assert {(r.status, r.claimed_by) for r in left} == {(NudgeStatus.PENDING, None)}
    # A second replica sends every one of them at its next tick, without waiting for a lease.
    standin.slow(POSTS, 0)
    second = Dispatcher(db, FixedClock(datetime.now().astimezone()), clients, PLAYBOOK, "b")
    report = dispatch_tick(second)
    assert report is not None and report.sent == len(left)
    assert delivered(standin) == Counter(dict.fromkeys(ids, 1))
    print(f"seconds from SIGTERM to exit: {seconds_to_exit:.2f}")
