"""Posting different people's DMs at once: each workspace's first DM of a batch that calls
Slack goes first, then up to `post_concurrency` at a time; a rate limit Slack answers
meanwhile stops what has not started, and every nudge is still posted once or waits, never
lost or doubled."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import update

from bot.clock import FixedClock
from bot.dispatch.dispatcher import NUDGE_ID_KEY, Dispatcher, DispatchReport
from bot.rules.domain import NudgeStatus
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, SlackClients, single_workspace
from bot.store.db import Database
from bot.store.models import Nudge
from tests.dispatch_helpers import distance_rows, in_thread, people_due
from tests.harness import test_settings

POSTS = "chat.postMessage"
PLAYBOOK = default_playbook()


@pytest.fixture
def clients(standin: SlackStandIn, database_url: str) -> SlackClients:
    return single_workspace(test_settings(standin, database_url)).with_profile(DISPATCH)


def posted_ids(standin: SlackStandIn) -> list[int]:
    return [
        int(c.params["metadata"]["event_payload"][NUDGE_ID_KEY]) for c in standin.calls_to(POSTS)
    ]


def held_batch(
    db: Database,
    clock: FixedClock,
    standin: SlackStandIn,
    clients: SlackClients,
    *,
    people: int,
    post_concurrency: int,
) -> tuple[Dispatcher, threading.Thread, list[DispatchReport]]:
    """A batch for `people` people in a thread, every post but the first held at Slack."""
    people_due(db, clock, people)
    dispatcher = Dispatcher(
        db, clock, clients, PLAYBOOK, "worker-a", post_concurrency=post_concurrency
    )
    standin.hold(POSTS, after=1)
    return (dispatcher, *in_thread(dispatcher))


def test_after_the_workspaces_first_dm_the_others_are_posted_at_once(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    _, thread, reports = held_batch(db, clock, standin, clients, people=6, post_concurrency=4)
    try:
        # Four posts wait on Slack together (posted one after another, only one would).
        standin.wait_until_held(POSTS, count=4)
        # The first went alone, and was answered before any other started.
        assert len(standin.calls_to(POSTS)) == 1
    finally:
        standin.release(POSTS)
        thread.join(timeout=10)

    assert reports == [DispatchReport(claimed=6, sent=6)]
    rows = distance_rows(db)
    assert {r.status for r in rows} == {NudgeStatus.SENT}
    assert sorted(posted_ids(standin)) == [r.id for r in rows]  # each once
    assert posted_ids(standin)[0] == rows[0].id  # the batch's first DM led


def test_one_at_a_time_when_told(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    _, thread, reports = held_batch(db, clock, standin, clients, people=3, post_concurrency=1)
    try:
        standin.wait_until_held(POSTS, count=1)
        with pytest.raises(AssertionError, match="held"):
            standin.wait_until_held(POSTS, count=2, timeout=0.3)
    finally:
        standin.release(POSTS)
        thread.join(timeout=10)

    assert reports == [DispatchReport(claimed=3, sent=3)]
    assert posted_ids(standin) == [r.id for r in distance_rows(db)]  # in the batch's order


def test_a_rate_limit_answered_meanwhile_loses_and_doubles_nothing(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    dispatcher, thread, reports = held_batch(
        db, clock, standin, clients, people=6, post_concurrency=4
    )
    try:
        standin.wait_until_held(POSTS, count=4)
        # One of the four waiting is answered "slow down"; the sixth has not started.
        standin.fail_next(POSTS, "ratelimited", retry_after=20)
    finally:
        standin.release(POSTS)
        thread.join(timeout=10)

    [report] = reports
    assert report.claimed == 6 and report.sent + report.rescheduled == 6
    # The first and the three answered at once are sent; the one refused and (unless it
    # started before the refusal was known) the sixth wait for the limit to end.
    assert 4 <= report.sent <= 5
    rows = distance_rows(db)
    sent = [r.id for r in rows if r.status is NudgeStatus.SENT]
    waiting = [r for r in rows if r.status is NudgeStatus.PENDING]
    assert sorted(posted_ids(standin)) == sent  # every post recorded, none twice
    assert len(sent) + len(waiting) == 6
    assert {r.due_at for r in waiting} == {clock.now() + timedelta(seconds=20)}
    assert {r.claimed_by for r in waiting} == {None}
    refused = standin.calls_to(POSTS, include_failed=True)
    assert [c.error for c in refused if c.failed] == ["ratelimited"]

    clock.advance(timedelta(seconds=20))
    assert dispatcher.run_once().sent == len(waiting)
    assert sorted(posted_ids(standin)) == [r.id for r in rows]


def test_a_workspaces_lead_is_its_first_dm_that_calls_slack(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    people_due(db, clock, 4)
    first = distance_rows(db)[0]
    with db.transaction() as session:
        # Past its max lateness: the batch drops it without calling Slack.
        session.execute(
            update(Nudge).where(Nudge.id == first.id).values(due_at=clock.now() - timedelta(days=3))
        )
    standin.fail_next(POSTS, "invalid_auth")  # the workspace lost the app
    dispatcher = Dispatcher(db, clock, clients, PLAYBOOK, "worker-a", post_concurrency=4)

    report = dispatcher.run_once()

    # The next person's DM led, alone: one call learnt the workspace is gone, not three.
    assert len(standin.calls_to(POSTS, include_failed=True)) == 1
    assert report == DispatchReport(claimed=4, dropped_late=1, stopped=3)
    assert NudgeStatus.PENDING not in {r.status for r in distance_rows(db)}
