"""The dispatcher as a scheduled job: one tick takes back dead workers' leases, then sends.

The scheduler runs `dispatch_tick` every DISPATCH_INTERVAL_SECONDS (each tick sends batch
after batch while they come back full, for most of the interval); tests and the demo call
it (or `dispatch_until_idle`) themselves, with their own clock, for deterministic runs. How
many batches one tick sends depends on the wall clock (its drain budget); what is sent, and
when by the bot's clock, does not.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
import weakref

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler

from bot.dispatch.dispatcher import POST_CONCURRENCY, Dispatcher, DispatchReport
from bot.metrics import BotMetrics
from bot.services import Services
from bot.slack.clients import DISPATCH
from bot.store.db import StoreUnavailable

logger = logging.getLogger(__name__)

JOB_ID = "dispatch"
# While the database is down, ticks are skipped: 1, 2, then 3 at most between tries, so a
# long outage costs a connection attempt every few ticks and recovery waits at most that.
MAX_SKIPPED_TICKS = 3
# How long one tick goes on sending while batches come back full (the scheduled job gives
# it most of its interval), and at most how many batches: the rest wait for the next tick.
DRAIN_SECONDS = 5.0
DRAIN_SHARE = 0.8
MAX_BATCHES = 100
# nudge.claimed_by is 64 characters wide; the pid and suffix take up to 18 of them.
HOSTNAME_MAX = 40


def new_worker_id() -> str:
    """Unique to this process and dispatcher: host, pid, and a random suffix for pid reuse."""
    host = socket.gethostname()[:HOSTNAME_MAX]
    return f"{host}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def build_dispatcher(
    services: Services, worker_id: str | None = None, post_concurrency: int = POST_CONCURRENCY
) -> Dispatcher:
    """A dispatcher on the bot's database, clock and playbook, with its workspaces' clients in
    the dispatch profile (no retries, no sleeping), under a new worker id unless given one,
    posting `post_concurrency` people's DMs at once."""
    dispatcher = Dispatcher(
        services.db,
        services.clock,
        services.clients.with_profile(DISPATCH),
        services.playbook,
        worker_id or new_worker_id(),
        post_concurrency=post_concurrency,
    )
    observe_dispatcher(dispatcher, services.metrics)
    return dispatcher


# Each dispatcher's metrics, forgotten with it; its ticks count what they did there.
_metrics: weakref.WeakKeyDictionary[Dispatcher, BotMetrics] = weakref.WeakKeyDictionary()


def observe_dispatcher(dispatcher: Dispatcher, metrics: BotMetrics) -> None:
    """Count `dispatcher`'s outcomes (from each tick's report) and Slack errors in `metrics`."""
    _metrics[dispatcher] = metrics
    dispatcher.on_slack_error = metrics.slack_error


class _Outage:
    """The dispatcher's view of a database outage: ticks skipped so a dead database is not
    hammered (the database itself warns when the outage starts and ends)."""

    def __init__(self) -> None:
        self.failed_ticks = 0
        self.to_skip = 0

    def skip(self) -> bool:
        if self.to_skip > 0:
            self.to_skip -= 1
            return True
        return False

    def failed(self, exc: StoreUnavailable) -> None:
        if self.failed_ticks == 0:
            logger.info("database unavailable, dispatching paused: %s", exc)
        self.failed_ticks += 1
        self.to_skip = min(self.failed_ticks, MAX_SKIPPED_TICKS + 1) - 1

    def succeeded(self) -> None:
        if self.failed_ticks:
            logger.info(
                "database available again after %d failed tick(s); dispatching resumed",
                self.failed_ticks,
            )
        self.failed_ticks = self.to_skip = 0


# Per dispatcher, forgotten with it.
_outages: weakref.WeakKeyDictionary[Dispatcher, _Outage] = weakref.WeakKeyDictionary()


def dispatch_tick(
    dispatcher: Dispatcher,
    drain_seconds: float = DRAIN_SECONDS,
    max_batches: int = MAX_BATCHES,
) -> DispatchReport | None:
    """Record posts left unrecorded, requeue expired leases, then send what is due: batch
    after batch while each comes back full and went out whole, as long as another batch as
    long as the last still ends within `drain_seconds` (at most `max_batches`); the sum of
    what the batches did, or None when the tick could not run (or was skipped while the
    database is down).

    A burst (everybody's follow-up hour) goes out at the dispatcher's own pace instead of
    one batch an interval. A batch that handed anything back (a rate limit, Slack failing,
    pacing) ends the tick: the next batch would meet the same. Never raises: an unreachable
    database or a bug must not end the scheduled job.
    """
    outage = _outages.setdefault(dispatcher, _Outage())
    if outage.skip():
        return None
    metrics = _metrics.get(dispatcher)
    total = DispatchReport()
    ends = time.monotonic() + drain_seconds
    for batch in range(max_batches):
        started = time.monotonic()
        try:
            # Posts made before an outage are recorded first: none may be taken for a re-post.
            dispatcher.record_unrecorded()
            report = dispatcher.run_once(requeue=batch == 0)
        except StoreUnavailable as exc:
            outage.failed(exc)
            return None if batch == 0 else total
        except Exception:
            logger.exception("dispatch tick failed")
            return None if batch == 0 else total
        outage.succeeded()
        if metrics is not None:
            metrics.record_dispatch(report)
        total.add(report)
        whole = report.claimed >= dispatcher.batch_size and not report.rescheduled
        finished = time.monotonic()
        # Checked before the next batch, with the last one's length: a tick that ran past its
        # interval would make the scheduler skip the next one, with a warning.
        if not whole or dispatcher.stopping or finished + (finished - started) > ends:
            break
    if total.claimed:
        logger.info("dispatch tick: %s", total)
    return total


def dispatch_until_idle(dispatcher: Dispatcher, max_ticks: int = 1000) -> DispatchReport:
    """Tick until a tick claims nothing (or fails); the sum of what the ticks did.

    Only due nudges are claimed, so with a fixed clock this ends once nothing is due now.
    """
    total = DispatchReport()
    for _ in range(max_ticks):
        report = dispatch_tick(dispatcher)
        if report is None or report.claimed == 0:
            return total
        total.add(report)
    raise RuntimeError(f"still claiming nudges after {max_ticks} ticks")


def add_dispatch_job(
    scheduler: BaseScheduler, dispatcher: Dispatcher, interval_seconds: float
) -> Job:
    """Every `interval_seconds`; never two at once in this process, a missed run not made up."""
    return scheduler.add_job(
        dispatch_tick,
        "interval",
        args=[dispatcher],
        kwargs={"drain_seconds": interval_seconds * DRAIN_SHARE},
        seconds=interval_seconds,
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
    )
