"""The dispatcher against the Slack stand-in over HTTP, on the test's database, with a fixed
clock: what it posts, and what it does with each way Slack can refuse."""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import fill_view_state
from sqlalchemy import select

from bot.clock import FixedClock
from bot.coach.choices import record_choice
from bot.coach.deliveries import nudge_view
from bot.coach.people import dm_channel_of, forget_dm_channel, note_profile
from bot.coach.reconciler import replan
from bot.dispatch.claims import claim_due, requeue_expired
from bot.dispatch.dispatcher import (
    BACKOFF_CAP,
    Dispatcher,
    DispatchReport,
    backoff_delay,
)
from bot.dispatch.job import DRAIN_SHARE, JOB_ID, dispatch_tick, dispatch_until_idle
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.rules.view_models import Choice, ChoiceStatus
from bot.runner import build_scheduler
from bot.slack.clients import DISPATCH, SlackClients, single_workspace
from bot.store.db import Database
from bot.store.models import Nudge, SlackUser
from bot.ui.log_modal import BLOCK_IDS
from bot.ui.nudges import render_nudge
from tests.coach_helpers import DANA, DANA_DM, TEAM, log, nudges
from tests.dispatch_helpers import in_thread
from tests.harness import RunningBot, test_settings

LEE = "U0LEE0001"  # another person in Los Angeles, awake when Dana is
LEE_DM = "D0LEE0001"
WORKER = "worker-a"
PLAYBOOK = default_playbook()


@pytest.fixture
def clients(standin: SlackStandIn, database_url: str) -> SlackClients:
    return single_workspace(test_settings(standin, database_url)).with_profile(DISPATCH)


@pytest.fixture
def dispatcher(db: Database, clock: FixedClock, clients: SlackClients) -> Dispatcher:
    return make_dispatcher(db, clock, clients)


def make_dispatcher(
    db: Database, clock: FixedClock, clients: SlackClients, **options: object
) -> Dispatcher:
    return Dispatcher(
        db,
        clock,
        clients,
        PLAYBOOK,
        WORKER,
        rng=random.Random(7),
        **options,  # type: ignore[arg-type]
    )


def names_nudges(metadata: dict) -> list[int]:
    """The nudges a post's metadata names: one, or every part of a grouped DM."""
    payload = metadata["event_payload"]
    return list(payload.get("nudge_ids") or [payload["nudge_id"]])


def the(db: Database, interview_id: int, kind: NudgeKind) -> Nudge:
    [row] = [n for n in nudges(db, interview_id) if n.kind is kind]
    return row


def person(db: Database, user_id: str) -> SlackUser:
    with db.transaction() as session:
        return session.scalars(select(SlackUser).where(SlackUser.user_id == user_id)).one()


def statuses(db: Database, interview_id: int) -> dict[NudgeKind, NudgeStatus]:
    return {n.kind: n.status for n in nudges(db, interview_id) if n.sequence == 0}


def posts(standin: SlackStandIn, *, include_failed: bool = False) -> list[tuple[str, bool]]:
    return [
        (c.params["channel"], c.failed)
        for c in standin.calls_to("chat.postMessage", include_failed=include_failed)
    ]


# -- delivering ---------------------------------------------------------------------------------


def test_a_due_nudge_is_posted_to_the_cached_dm_and_recorded(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    interview = log(db, clock.now()).interview

    report = dispatcher.run_once()

    assert report == DispatchReport(claimed=1, sent=1)
    [call] = standin.calls_to("chat.postMessage")
    distance = the(db, interview.id, NudgeKind.DISTANCE)
    view = nudge_view(db, distance.id, PLAYBOOK)
    assert view is not None
    text, blocks = render_nudge(view, PLAYBOOK)
    assert (call.params["channel"], call.params["text"], call.params["blocks"]) == (
        DANA_DM,
        text,
        blocks,
    )
    assert distance.status is NudgeStatus.SENT
    assert (distance.channel_id, distance.message_ts) == (DANA_DM, call.response["ts"])
    # A post Slack took is no failed try: attempts count only "try again" answers.
    assert (distance.sent_at, distance.attempts, distance.claimed_by) == (clock.now(), 0, WORKER)
    # The message names its nudge, so a retry can find it in the DM instead of posting twice.
    assert call.params["metadata"] == {
        "event_type": "interview_coach_nudge",
        "event_payload": {"nudge_id": distance.id},
    }
    assert standin.calls_to("conversations.open") == []  # the cached DM was used
    # Sent is settled: nothing else is due, so the next run does nothing.
    assert dispatcher.run_once() == DispatchReport()
    assert len(standin.calls_to("chat.postMessage")) == 1


def test_a_dm_not_yet_known_is_opened_once_and_remembered(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    first = log(db, clock.now(), view_id="V1").interview
    forget_dm_channel(db, TEAM, DANA, clock.now())

    assert dispatcher.run_once().sent == 1

    [opened] = standin.calls_to("conversations.open")
    assert opened.params["users"] == DANA
    assert dm_channel_of(db, TEAM, DANA) == DANA_DM
    assert the(db, first.id, NudgeKind.DISTANCE).channel_id == DANA_DM
    clock.advance(timedelta(minutes=1))
    log(db, clock.now(), view_id="V2")
    assert dispatcher.run_once().sent == 1
    assert len(standin.calls_to("conversations.open")) == 1
    assert posts(standin) == [(DANA_DM, False), (DANA_DM, False)]


def test_an_interview_logged_over_http_gets_its_next_nudge_from_the_dispatcher(
    running: RunningBot, clients: SlackClients
) -> None:
    view = running.open_log_modal("logged Acme Corp")
    now = int(running.clock.now().timestamp())
    answers = {
        BLOCK_IDS["company"]: "Acme Corp",
        BLOCK_IDS["happened_at"]: now - 1800,
        BLOCK_IDS["format"]: "video",
    }
    reply = running.slack.view_submission(view, fill_view_state(view, answers))
    running.idle()
    assert reply.status == 200
    confirmations = len(running.standin.calls_to("chat.postMessage"))
    dispatcher = make_dispatcher(running.db, running.clock, clients)
    # "Get some distance" came inside the confirmation: nothing is left to send now.
    assert dispatch_until_idle(dispatcher).sent == 0

    running.clock.advance(timedelta(hours=1))  # the reflection is due
    report = dispatch_until_idle(dispatcher)

    assert report.sent == 1
    call = running.standin.calls_to("chat.postMessage")[confirmations]
    assert call.params["channel"] == DANA_DM
    assert "Acme Corp" in call.params["text"]
    assert len(running.standin.calls_to("chat.postMessage")) == confirmations + 1


def test_messages_to_one_person_are_paced_a_second_apart(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    # Logged 70 minutes apart: the first interview's distance and reflection (due 30 minutes
    # apart) are one grouped DM, the second's distance, due more than an hour after the
    # first's, another DM, which waits its second.
    first = log(db, clock.now() - timedelta(minutes=70), view_id="V1").interview
    second = log(db, clock.now(), view_id="V2").interview
    log(db, clock.now(), user_id=LEE, view_id="V3")
    now = clock.now()

    assert dispatcher.run_once() == DispatchReport(claimed=4, sent=3, rescheduled=1)

    assert sorted(posts(standin)) == [(DANA_DM, False), (LEE_DM, False)]
    paced = the(db, second.id, NudgeKind.DISTANCE)
    assert (paced.status, paced.due_at, paced.attempts) == (
        NudgeStatus.PENDING,
        now + timedelta(seconds=1),
        0,  # pacing is no failure: it uses up no attempt
    )
    assert the(db, first.id, NudgeKind.DISTANCE).status is NudgeStatus.SENT
    assert dispatcher.run_once() == DispatchReport()  # not before the second has passed
    clock.advance(timedelta(seconds=1))
    assert dispatcher.run_once() == DispatchReport(claimed=1, sent=1)
    assert posts(standin).count((DANA_DM, False)) == 2


def test_a_nudge_later_than_its_kind_allows_is_dropped_not_sent(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    """After downtime: "get some distance" two hours late is noise; the reflection is not."""
    interview = log(db, clock.now()).interview
    assert PLAYBOOK.max_lateness_hours.of(NudgeKind.DISTANCE) == timedelta(hours=2)
    clock.advance(timedelta(hours=2, minutes=1))

    report = dispatch_until_idle(dispatcher)
    clock.advance(timedelta(seconds=1))  # the thank-you waited a second behind the reflection
    report.add(dispatch_until_idle(dispatcher))

    assert (report.dropped_late, report.sent) == (1, 2)
    distance = the(db, interview.id, NudgeKind.DISTANCE)
    assert (distance.status, distance.last_error) == (NudgeStatus.FAILED, "too late")
    sent = {n.message_ts for n in nudges(db, interview.id) if n.status is NudgeStatus.SENT}
    assert sent == {c.response["ts"] for c in standin.calls_to("chat.postMessage")}
    assert statuses(db, interview.id)[NudgeKind.REFLECTION] is NudgeStatus.SENT
    assert statuses(db, interview.id)[NudgeKind.THANK_YOU] is NudgeStatus.SENT


# -- Slack says wait ----------------------------------------------------------------------------


@pytest.mark.parametrize("retry_after", [1, 30])
def test_a_rate_limit_moves_the_nudge_by_retry_after_without_sleeping_or_counting(
    db: Database,
    clock: FixedClock,
    standin: SlackStandIn,
    dispatcher: Dispatcher,
    retry_after: int,
) -> None:
    interview = log(db, clock.now()).interview
    now = clock.now()
    standin.fail_next("chat.postMessage", "ratelimited", retry_after=retry_after)

    assert dispatcher.run_once() == DispatchReport(claimed=1, rescheduled=1)

    # Not delivered: no retry happened inside the call (even for a 1 s wait).
    assert posts(standin, include_failed=True) == [(DANA_DM, True)]
    waiting = the(db, interview.id, NudgeKind.DISTANCE)
    assert (waiting.status, waiting.due_at) == (
        NudgeStatus.PENDING,
        now + timedelta(seconds=retry_after),
    )
    assert (waiting.attempts, waiting.last_error) == (0, "ratelimited")
    assert dispatcher.run_once() == DispatchReport()
    assert posts(standin) == []  # nothing posted until the clock moves

    clock.advance(timedelta(seconds=retry_after))
    assert dispatcher.run_once() == DispatchReport(claimed=1, sent=1)
    assert posts(standin) == [(DANA_DM, False)]  # exactly once
    sent = the(db, interview.id, NudgeKind.DISTANCE)
    assert (sent.status, sent.attempts) == (NudgeStatus.SENT, 0)  # a wait is no failed try


def test_a_rate_limit_holds_back_the_rest_of_the_batch(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    dana = log(db, clock.now(), view_id="V1").interview
    lee = log(db, clock.now(), user_id=LEE, view_id="V2").interview
    now = clock.now()
    standin.fail_next("chat.postMessage", "ratelimited", retry_after=20)

    assert dispatcher.run_once() == DispatchReport(claimed=2, rescheduled=2)

    assert len(posts(standin, include_failed=True)) == 1  # Lee's was not even tried
    for interview_id in (dana.id, lee.id):
        row = the(db, interview_id, NudgeKind.DISTANCE)
        assert (row.status, row.due_at, row.attempts, row.last_error) == (
            NudgeStatus.PENDING,
            now + timedelta(seconds=20),
            0,
            "ratelimited",
        )
    clock.advance(timedelta(seconds=20))
    assert dispatcher.run_once() == DispatchReport(claimed=2, sent=2)
    assert sorted(posts(standin)) == [(DANA_DM, False), (LEE_DM, False)]


def test_server_errors_back_off_then_deliver_once(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    interview = log(db, clock.now()).interview
    standin.fail_next("chat.postMessage", "internal_error", status=500, times=2)
    waits: list[timedelta] = []

    for attempt in (1, 2):
        failed_at = clock.now()
        assert dispatcher.run_once() == DispatchReport(claimed=1, rescheduled=1)
        row = the(db, interview.id, NudgeKind.DISTANCE)
        assert (row.status, row.attempts, row.last_error) == (
            NudgeStatus.PENDING,
            attempt,
            "internal_error",
        )
        waits.append(row.due_at - failed_at)
        assert dispatcher.run_once() == DispatchReport()  # the backoff is honoured
        clock.set(row.due_at)

    assert dispatcher.run_once() == DispatchReport(claimed=1, sent=1)
    # 30 s, then 60 s, each give or take 20%.
    assert timedelta(seconds=24) <= waits[0] <= timedelta(seconds=36)
    assert timedelta(seconds=48) <= waits[1] <= timedelta(seconds=72)
    assert posts(standin, include_failed=True) == [(DANA_DM, True)] * 2 + [(DANA_DM, False)]
    sent = the(db, interview.id, NudgeKind.DISTANCE)
    assert (sent.status, sent.attempts) == (NudgeStatus.SENT, 2)
    # A 5xx may come after Slack took the post: each retry looked in the DM first.
    assert len(standin.calls_to("conversations.history")) == 2


def test_a_nudge_that_keeps_failing_is_given_up_only_at_its_max_lateness(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    interview = log(db, clock.now()).interview
    dispatcher = make_dispatcher(db, clock, clients)
    first_due = the(db, interview.id, NudgeKind.DISTANCE).due_at
    max_late = PLAYBOOK.max_lateness_hours.of(NudgeKind.DISTANCE)
    standin.fail_all("chat.postMessage", "bad_gateway", status=502)

    tries = 0
    while the(db, interview.id, NudgeKind.DISTANCE).status is NudgeStatus.PENDING:
        clock.set(max(clock.now(), the(db, interview.id, NudgeKind.DISTANCE).due_at))
        dispatcher.run_once()
        tries += 1
        assert tries < 100, "still retrying"

    row = the(db, interview.id, NudgeKind.DISTANCE)
    calls = [
        call
        for call in standin.calls_to("chat.postMessage", include_failed=True)
        if row.id in names_nudges(call.params["metadata"])
    ]
    assert row.status is NudgeStatus.FAILED
    assert row.last_error == f"HTTP 502 (still failing at max lateness, {len(calls)} tries)"
    # Retried for as long as the advice is worth having, not a fixed number of times...
    assert clock.now() - first_due > max_late - BACKOFF_CAP * 1.2
    # ...at most once per backoff step: 30 s doubling to the cap, then the cap.
    steps, waited = 0, timedelta(0)
    while waited <= max_late:
        steps += 1
        waited += min(BACKOFF_CAP, timedelta(seconds=30 * 2 ** (steps - 1))) * 0.8
    assert row.attempts == len(calls) <= steps
    # An outage is nobody's fault: the person keeps the rest of their nudges.
    assert person(db, DANA).deactivated_at is None
    assert statuses(db, interview.id)[NudgeKind.REFLECTION] is NudgeStatus.PENDING


def test_a_later_reconcile_keeps_the_retry_wait(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    """Dana presses a button while her nudge waits out a backoff: it must still wait."""
    interview = log(db, clock.now()).interview
    standin.fail_next("chat.postMessage", "internal_error", status=500)
    assert dispatcher.run_once().rescheduled == 1
    retry_at = the(db, interview.id, NudgeKind.DISTANCE).due_at
    clock.advance(timedelta(seconds=1))

    replan(db, interview.id, clock.now(), PLAYBOOK)  # what every press and answer runs

    assert the(db, interview.id, NudgeKind.DISTANCE).due_at == retry_at
    assert dispatcher.run_once() == DispatchReport()
    assert posts(standin, include_failed=True) == [(DANA_DM, True)]


def test_backoff_doubles_with_jitter_up_to_five_minutes() -> None:
    rng = random.Random(1)
    for attempts in range(1, 200):  # hours of tries: the cap holds, nothing overflows
        nominal = min(BACKOFF_CAP, timedelta(seconds=30 * 2 ** min(attempts - 1, 10)))
        delay = backoff_delay(attempts, rng)
        assert nominal * 0.8 <= delay <= nominal * 1.2
    spread = {backoff_delay(1, rng) for _ in range(20)}
    assert len(spread) > 1  # jittered, so nudges failing together do not retry together


# -- Slack says stop ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error", ["account_inactive", "user_not_found", "user_disabled", "cannot_dm_bot", "is_archived"]
)
def test_a_person_slack_cannot_reach_is_stopped_after_one_call(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher, error: str
) -> None:
    first = log(db, clock.now(), view_id="V1").interview
    second = log(db, clock.now(), view_id="V2").interview
    lee = log(db, clock.now(), user_id=LEE, view_id="V3").interview
    standin.fail_next("chat.postMessage", error)

    assert dispatcher.run_once() == DispatchReport(claimed=3, sent=1, stopped=2)

    # One call for Dana, not one per nudge; Lee is not affected.
    assert sorted(posts(standin, include_failed=True)) == [(DANA_DM, True), (LEE_DM, False)]
    assert person(db, DANA).deactivated_at == clock.now()
    assert the(db, first.id, NudgeKind.DISTANCE).last_error == error
    for interview_id in (first.id, second.id):
        assert set(statuses(db, interview_id).values()) <= {
            NudgeStatus.FAILED,
            NudgeStatus.CANCELLED,
        }
        assert not any(n.status is NudgeStatus.PENDING for n in nudges(db, interview_id))
    assert statuses(db, lee.id)[NudgeKind.REFLECTION] is NudgeStatus.PENDING
    clock.advance(timedelta(days=30))
    dispatch_until_idle(dispatcher)
    # Nothing more was even tried for Dana, however much time passed.
    assert [p for p in posts(standin, include_failed=True) if p[0] == DANA_DM] == [(DANA_DM, True)]


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked", "not_authed"])
def test_a_workspace_that_lost_the_app_is_stopped_after_one_call(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher, error: str
) -> None:
    dana = log(db, clock.now(), view_id="V1").interview
    lee = log(db, clock.now(), user_id=LEE, view_id="V2").interview
    standin.fail_next("chat.postMessage", error)

    assert dispatcher.run_once() == DispatchReport(claimed=2, stopped=2)

    assert len(posts(standin, include_failed=True)) == 1
    for user_id, interview_id in ((DANA, dana.id), (LEE, lee.id)):
        assert person(db, user_id).deactivated_at == clock.now()
        assert not any(n.status is NudgeStatus.PENDING for n in nudges(db, interview_id))
    clock.advance(timedelta(days=30))
    assert dispatcher.run_once() == DispatchReport()


def test_a_message_slack_refuses_fails_alone(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    interview = log(db, clock.now()).interview
    standin.fail_next("chat.postMessage", "invalid_blocks")

    assert dispatcher.run_once() == DispatchReport(claimed=1, failed=1)

    row = the(db, interview.id, NudgeKind.DISTANCE)
    assert (row.status, row.last_error) == (NudgeStatus.FAILED, "invalid_blocks")
    assert person(db, DANA).deactivated_at is None
    assert statuses(db, interview.id)[NudgeKind.REFLECTION] is NudgeStatus.PENDING
    clock.advance(timedelta(minutes=30))
    assert dispatcher.run_once().sent == 1  # the next nudge goes out as usual


def test_a_forgotten_cached_dm_is_reopened_once_and_delivered(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    interview = log(db, clock.now()).interview
    note_profile(db, TEAM, DANA, clock.now(), dm_channel_id="D0STALE01", playbook=PLAYBOOK)
    standin.fail_next("chat.postMessage", "channel_not_found")

    assert dispatcher.run_once() == DispatchReport(claimed=1, sent=1)

    assert posts(standin, include_failed=True) == [("D0STALE01", True), (DANA_DM, False)]
    assert len(standin.calls_to("conversations.open")) == 1
    assert dm_channel_of(db, TEAM, DANA) == DANA_DM
    assert the(db, interview.id, NudgeKind.DISTANCE).channel_id == DANA_DM
    assert person(db, DANA).deactivated_at is None


def test_a_dm_that_cannot_be_found_even_reopened_stops_the_person(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    log(db, clock.now())
    standin.fail_next("chat.postMessage", "channel_not_found", times=2)

    assert dispatcher.run_once() == DispatchReport(claimed=1, stopped=1)

    assert len(standin.calls_to("conversations.open")) == 1  # reopened once, not in a loop
    assert len(posts(standin, include_failed=True)) == 2
    assert person(db, DANA).deactivated_at == clock.now()


# -- the interview changed meanwhile ------------------------------------------------------------


def test_a_nudge_for_an_interview_closed_meanwhile_is_not_sent(
    db: Database, clock: FixedClock, standin: SlackStandIn, dispatcher: Dispatcher
) -> None:
    """A worker claimed the nudge and died; meanwhile Dana said to stop. It stays unsent."""
    interview = log(db, clock.now()).interview
    distance = the(db, interview.id, NudgeKind.DISTANCE)
    follow_up = the(db, interview.id, NudgeKind.FOLLOW_UP)
    [claimed] = claim_due(
        db, now=clock.now(), worker_id="worker-dead", limit=10, lease=dispatcher.lease
    )
    assert claimed.nudge_id == distance.id
    stopped = record_choice(
        db,
        nudge_id=follow_up.id,
        team_id=TEAM,
        user_id=DANA,
        choice=Choice.STOP,
        option=None,
        now=clock.now(),
        playbook=PLAYBOOK,
    )
    assert stopped.status is ChoiceStatus.RECORDED
    assert the(db, interview.id, NudgeKind.DISTANCE).status is NudgeStatus.CLAIMED
    clock.advance(dispatcher.lease + timedelta(seconds=1))

    report = dispatch_tick(dispatcher)

    assert report == DispatchReport(claimed=1, stopped=1)
    assert posts(standin, include_failed=True) == []
    row = the(db, interview.id, NudgeKind.DISTANCE)
    assert (row.status, row.last_error) == (NudgeStatus.FAILED, "interview closed")
    assert NudgeStatus.PENDING not in statuses(db, interview.id).values()


# -- the scheduled job --------------------------------------------------------------------------


def test_the_scheduler_runs_the_dispatcher_on_its_interval(running: RunningBot) -> None:
    scheduler = build_scheduler(running.bot)

    job = scheduler.get_job(JOB_ID)

    assert job is not None
    assert job.trigger.interval == timedelta(seconds=running.bot.settings.dispatch_interval_seconds)
    assert (job.max_instances, job.coalesce) == (1, True)
    [dispatcher] = job.args
    assert isinstance(dispatcher, Dispatcher)
    assert dispatcher.post_concurrency == running.bot.settings.dispatch_post_concurrency == 4
    client = dispatcher.clients.client_for(TEAM)
    assert client.retry_handlers == []
    assert client.base_url == running.standin.api_url
    assert client.token == running.standin.bot_token
    assert dispatcher.db is running.db
    assert re.fullmatch(r"[^:]+:\d+:[0-9a-f]{6}", dispatcher.worker_id)


def test_the_scheduled_tick_drains_for_most_of_its_interval(running: RunningBot) -> None:
    job = build_scheduler(running.bot).get_job(JOB_ID)

    assert job is not None
    interval = running.bot.settings.dispatch_interval_seconds
    assert job.kwargs == {"drain_seconds": interval * DRAIN_SHARE}


def _seven_people_due(db: Database, clock: FixedClock) -> None:
    """Seven people, each with an interview whose "get some distance" is due now."""
    for n in range(7):
        log(db, clock.now(), user_id=f"U0DRAIN0{n}", view_id=f"V{n}")


def test_a_tick_sends_batch_after_batch_while_they_come_back_full(
    db: Database, clock: FixedClock, clients: SlackClients, standin: SlackStandIn
) -> None:
    # At the follow-up hour everybody's follow-up is due at once: one batch an interval
    # would leave most of them waiting minutes.
    _seven_people_due(db, clock)
    dispatcher = make_dispatcher(db, clock, clients, batch_size=3)

    report = dispatch_tick(dispatcher, drain_seconds=600)  # a budget no batch here nears

    assert report == DispatchReport(claimed=7, sent=7)  # 3 + 3 + 1: the short one ends it
    assert len(standin.calls_to("chat.postMessage")) == 7
    assert dispatch_tick(dispatcher) == DispatchReport()


def test_a_tick_sends_at_most_its_batches(
    db: Database, clock: FixedClock, clients: SlackClients, standin: SlackStandIn
) -> None:
    _seven_people_due(db, clock)
    dispatcher = make_dispatcher(db, clock, clients, batch_size=2)

    assert dispatch_tick(dispatcher, drain_seconds=600, max_batches=2) == DispatchReport(
        claimed=4, sent=4
    )
    assert len(standin.calls_to("chat.postMessage")) == 4


def test_a_rate_limited_batch_ends_the_tick(
    db: Database, clock: FixedClock, clients: SlackClients, standin: SlackStandIn
) -> None:
    # The next batch would meet the same limit: one call, not one a batch up to the cap.
    _seven_people_due(db, clock)
    dispatcher = make_dispatcher(db, clock, clients, batch_size=3)
    standin.fail_next("chat.postMessage", "ratelimited", retry_after=0)

    report = dispatch_tick(dispatcher, drain_seconds=600)

    assert report == DispatchReport(claimed=3, rescheduled=3)
    assert len(posts(standin, include_failed=True)) == 1
    # Retry-After 0: due again at once, and the next tick sends all seven.
    assert dispatch_tick(dispatcher, drain_seconds=600) == DispatchReport(claimed=7, sent=7)


def test_a_tick_stops_draining_at_its_budget_and_the_next_tick_goes_on(
    db: Database, clock: FixedClock, clients: SlackClients, standin: SlackStandIn
) -> None:
    _seven_people_due(db, clock)
    dispatcher = make_dispatcher(db, clock, clients, batch_size=3)

    assert dispatch_tick(dispatcher, drain_seconds=0) == DispatchReport(claimed=3, sent=3)
    assert len(standin.calls_to("chat.postMessage")) == 3
    assert dispatch_tick(dispatcher, drain_seconds=0) == DispatchReport(claimed=3, sent=3)
    assert dispatch_tick(dispatcher) == DispatchReport(claimed=1, sent=1)
    sent = {
        c.params["metadata"]["event_payload"]["nudge_id"]
        for c in standin.calls_to("chat.postMessage")
    }
    assert len(sent) == 7  # each once


def test_a_tick_survives_an_unreachable_database(
    tmp_path: Path, clock: FixedClock, clients: SlackClients, caplog: pytest.LogCaptureFixture
) -> None:
    gone = Database(f"sqlite:///{tmp_path / 'no-such-dir' / 'coach.db'}")
    dispatcher = make_dispatcher(gone, clock, clients)

    with caplog.at_level(logging.WARNING, logger="bot.dispatch.job"):
        assert dispatch_tick(dispatcher) is None

    assert "database unavailable" in caplog.text
    gone.dispose()


def test_a_live_slow_worker_keeps_its_claim_by_its_heartbeat(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    interview = log(db, clock.now()).interview
    lease = timedelta(seconds=60)
    dispatcher = make_dispatcher(db, clock, clients, lease=lease, heartbeat_seconds=0.01)
    standin.hold("chat.postMessage")
    thread, reports = in_thread(dispatcher)
    try:
        standin.wait_until_held("chat.postMessage")
        clock.advance(lease * 10)  # Slack takes ten leases to answer
        deadline = time.monotonic() + 5
        while the(db, interview.id, NudgeKind.DISTANCE).lease_until <= clock.now():
            assert time.monotonic() < deadline, "the heartbeat never renewed the lease"
            threading.Event().wait(0.01)
        # Another worker's tick finds nothing to take back.
        assert requeue_expired(db, clock.now()) == 0
    finally:
        standin.release("chat.postMessage")
        thread.join(timeout=10)
    assert reports == [DispatchReport(claimed=1, sent=1)]
    assert posts(standin, include_failed=True) == [(DANA_DM, False)]


def test_a_stopping_dispatcher_hands_back_what_it_has_not_started(
    db: Database, clock: FixedClock, standin: SlackStandIn, clients: SlackClients
) -> None:
    for number in range(3):
        log(db, clock.now(), view_id=f"V{number}", user_id=f"U0PERSON{number}")
    dispatcher = make_dispatcher(db, clock, clients)
    standin.hold("chat.postMessage")
    thread, reports = in_thread(dispatcher)
    try:
        standin.wait_until_held("chat.postMessage")
        dispatcher.stop()  # SIGTERM
    finally:
        standin.release("chat.postMessage")
        thread.join(timeout=10)

    assert reports == [DispatchReport(claimed=3, sent=1, rescheduled=2)]
    assert dispatcher.wait_idle(timeout=0)
    assert dispatcher.run_once() == DispatchReport()  # claims nothing more
    with db.transaction() as session:
        rows = session.scalars(select(Nudge).where(Nudge.kind == NudgeKind.DISTANCE)).all()
        handed_back = [n for n in rows if n.status is NudgeStatus.PENDING]
    assert len(handed_back) == 2
    assert all(n.claimed_by is None and n.attempts == 0 for n in handed_back)
    # Still due now: another replica sends them at its next tick, without waiting out a lease.
    other = Dispatcher(db, clock, clients, PLAYBOOK, "worker-b")
    assert other.run_once() == DispatchReport(claimed=2, sent=2)
    assert len(posts(standin)) == 3
