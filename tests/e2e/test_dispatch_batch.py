"""The dispatcher's batch: every post it may make is noted as started before the first, an
untried one is handed back unmarked, and no post starts that could outlast the lease the
heartbeat last renewed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from coach_devkit.slack_standin import SlackStandIn

from bot.clock import FixedClock
from bot.dispatch.dispatcher import POST_MAX, Dispatcher, DispatchReport
from bot.rules.domain import NudgeStatus
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, SlackClients, single_workspace
from bot.store.db import Database
from tests.dispatch_helpers import distance_rows, in_thread, people_due
from tests.harness import test_settings

POSTS = "chat.postMessage"
HISTORY = "conversations.history"
PLAYBOOK = default_playbook()


@pytest.fixture
def clients(standin: SlackStandIn, database_url: str) -> SlackClients:
    return single_workspace(test_settings(standin, database_url)).with_profile(DISPATCH)


def three_due(db: Database, clock: FixedClock) -> None:
    people_due(db, clock, 3)


def test_nudges_handed_back_unposted_are_not_looked_for_in_the_dm(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    three_due(db, clock)
    dispatcher = Dispatcher(db, clock, clients, PLAYBOOK, "worker-a")
    standin.hold(POSTS)
    thread, reports = in_thread(dispatcher)
    try:
        standin.wait_until_held(POSTS)
        # The batch noted all three as started before its first post.
        assert {r.post_started_at for r in distance_rows(db)} == {clock.now()}
        dispatcher.stop()  # SIGTERM
    finally:
        standin.release(POSTS)
        thread.join(timeout=10)
    assert reports == [DispatchReport(claimed=3, sent=1, rescheduled=2)]

    rows = distance_rows(db)
    handed_back = [r for r in rows if r.status is NudgeStatus.PENDING]
    assert len(handed_back) == 2
    assert {r.post_started_at for r in handed_back} == {None}  # never tried: mark taken back
    [sent] = [r for r in rows if r.status is NudgeStatus.SENT]
    assert sent.post_started_at == clock.now()

    other = Dispatcher(db, clock, clients, PLAYBOOK, "worker-b")
    assert other.run_once() == DispatchReport(claimed=2, sent=2)
    assert standin.calls_to(HISTORY, include_failed=True) == []  # nothing to look for
    assert len(standin.calls_to(POSTS)) == 3


def test_no_post_starts_once_the_unrenewed_lease_could_run_out_during_it(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    """The heartbeat never gets to renew (its interval is longer than the test); while the
    first post hangs, the clock comes within a post's length of the lease's end. The rest of
    the batch is left claimed for the lease to bring back, not posted."""
    three_due(db, clock)
    lease = timedelta(seconds=60)
    dispatcher = Dispatcher(
        db, clock, clients, PLAYBOOK, "worker-a", lease=lease, heartbeat_seconds=3600
    )
    standin.hold(POSTS)
    thread, reports = in_thread(dispatcher)
    try:
        standin.wait_until_held(POSTS)
        clock.advance(lease - POST_MAX)
    finally:
        standin.release(POSTS)
        thread.join(timeout=10)

    assert reports == [DispatchReport(claimed=3, sent=1, stopped=2)]
    assert len(standin.calls_to(POSTS, include_failed=True)) == 1
    rows = distance_rows(db)
    assert sorted(r.status for r in rows) == sorted(
        [NudgeStatus.SENT, NudgeStatus.CLAIMED, NudgeStatus.CLAIMED]
    )
