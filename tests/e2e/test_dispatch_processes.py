"""Dispatchers as separate processes on one database (the test's SQLite file, or PostgreSQL
with TEST_DATABASE_URL): one killed mid-delivery, and two sharing the work."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import select

from bot.clock import FixedClock
from bot.coach.people import forget_dm_channel
from bot.dispatch.dispatcher import Dispatcher, DispatchReport
from bot.dispatch.job import dispatch_tick
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, SlackClients, single_workspace
from bot.store.db import Database
from bot.store.models import Nudge
from tests.coach_helpers import DANA, DANA_DM, TEAM, log, nudges
from tests.harness import SIGNING_SECRET, test_settings
from tests.processes import clean_env

REPO = Path(__file__).resolve().parents[2]
# A process's start (imports, settings, engine) takes a second or two; allow for a slow CI.
START_TIMEOUT = 30.0
POSTS = "chat.postMessage"


@contextmanager
def worker(
    standin: SlackStandIn, database_url: str, now: datetime, *options: str
) -> Iterator[subprocess.Popen[str]]:
    """tests/dispatch_worker.py as a child process; killed on the way out if still running."""
    env = clean_env(
        DATABASE_URL=database_url,
        SLACK_API_URL=standin.api_url,
        SLACK_BOT_TOKEN=standin.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    command = [sys.executable, "-m", "tests.dispatch_worker", "--now", now.isoformat(), *options]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def finished(process: subprocess.Popen[str]) -> dict[str, object]:
    """The worker's report line, once it has exited cleanly."""
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def clients(standin: SlackStandIn, database_url: str) -> SlackClients:
    return single_workspace(test_settings(standin, database_url)).with_profile(DISPATCH)


def test_a_worker_killed_after_its_claim_is_taken_over_and_sends_once(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients, database_url: str
) -> None:
    interview = log(db, clock.now()).interview
    forget_dm_channel(db, TEAM, DANA, clock.now())  # so its first Slack call opens the DM
    standin.hold("conversations.open")

    with worker(standin, database_url, clock.now()) as process:
        standin.wait_until_held("conversations.open", timeout=START_TIMEOUT)
        process.kill()  # SIGKILL: no cleanup, exactly as a crashed host
        process.wait(timeout=10)
    standin.release("conversations.open")

    [distance] = [n for n in nudges(db, interview.id) if n.kind is NudgeKind.DISTANCE]
    assert distance.status is NudgeStatus.CLAIMED
    # Its worker died before it asked Slack anything: that is no attempt.
    assert distance.claimed_by is not None and distance.attempts == 0
    assert standin.calls_to(POSTS, include_failed=True) == []

    dispatcher = Dispatcher(db, clock, clients, default_playbook(), "worker-b")
    assert dispatch_tick(dispatcher) == DispatchReport()  # its lease still holds
    clock.set(distance.lease_until + timedelta(seconds=1))
    report = dispatch_tick(dispatcher)

    assert report == DispatchReport(claimed=1, sent=1)
    [post] = standin.calls_to(POSTS, include_failed=True)
    assert post.params["channel"] == DANA_DM
    [distance] = [n for n in nudges(db, interview.id) if n.kind is NudgeKind.DISTANCE]
    assert (distance.status, distance.claimed_by, distance.attempts) == (
        NudgeStatus.SENT,
        "worker-b",
        0,
    )
    assert distance.message_ts == post.response["ts"]


PEOPLE = 200


def test_two_worker_processes_deliver_every_nudge_exactly_once(
    db: Database, clock: FixedClock, standin: SlackStandIn, database_url: str
) -> None:
    now = clock.now()
    for n in range(PEOPLE):
        log(db, now, user_id=f"U0W{n:06d}", view_id=f"V{n}")
    with db.transaction() as session:
        due = set(
            session.scalars(
                select(Nudge.id).where(Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= now)
            )
        )
    assert len(due) == PEOPLE  # one "get some distance" each
    # Each worker's first post waits until both have claimed a batch: both must take part.
    standin.hold(POSTS)

    with (
        worker(standin, database_url, now, "--until-idle", "--batch-size", "10") as first,
        worker(standin, database_url, now, "--until-idle", "--batch-size", "10") as second,
    ):
        standin.wait_until_held(POSTS, count=2, timeout=START_TIMEOUT)
        standin.release(POSTS)
        reports = [finished(first), finished(second)]

    posts = standin.calls_to(POSTS, include_failed=True)
    assert not any(p.failed for p in posts)
    per_person = Counter(p.params["channel"] for p in posts)
    assert len(per_person) == PEOPLE and set(per_person.values()) == {1}  # no duplicates
    with db.transaction() as session:
        rows = session.scalars(select(Nudge).where(Nudge.id.in_(due))).all()
        session.expunge_all()
    assert {r.status for r in rows} == {NudgeStatus.SENT}
    assert sorted(r.message_ts for r in rows) == sorted(p.response["ts"] for p in posts)
    assert {r.attempts for r in rows} == {0}  # no try failed
    sent_by = Counter(r.claimed_by for r in rows)
    assert sent_by == {str(r["worker_id"]): r["sent"] for r in reports}
    assert all(int(r["sent"]) > 0 for r in reports)  # both did some of the work
    assert sum(int(r["sent"]) for r in reports) == PEOPLE
