"""The dispatcher as a scheduled job: one tick takes back dead workers' leases, then sends.

The scheduler runs `dispatch_tick` every DISPATCH_INTERVAL_SECONDS; tests and the demo call
it (or `dispatch_until_idle`) themselves, with their own clock, for deterministic runs.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
import weakref

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler

from bot.dispatch.dispatcher import Dispatcher, DispatchReport
from bot.metrics import BotMetrics
from bot.services import Services
from bot.slack.clients import DISPATCH
from bot.store.db import StoreUnavailable

logger = logging.getLogger(__name__)

JOB_ID = "dispatch"
# While the database is down, ticks are skipped: 1, 2, then 3 at most between tries, so a
# long outage costs a connection attempt every few ticks and recovery waits at most that.
MAX_SKIPPED_TICKS = 3
# nudge.claimed_by is 64 characters wide; the pid and suffix take up to 18 of them.
HOSTNAME_MAX = 40


def new_worker_id() -> str:
    """Unique to this process and dispatcher: host, pid, and a random suffix for pid reuse."""
    host = socket.gethostname()[:HOSTNAME_MAX]
    return f"{host}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def build_dispatcher(services: Services, worker_id: str | None = None) -> Dispatcher:
    """A dispatcher on the bot's database, clock and playbook, with its workspaces' clients in
    the dispatch profile (no retries, no sleeping), under a new worker id unless given one."""
    dispatcher = Dispatcher(
        services.db,
        services.clock,
        services.clients.with_profile(DISPATCH),
        services.playbook,
        worker_id or new_worker_id(),
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


def dispatch_tick(dispatcher: Dispatcher) -> DispatchReport | None:
    """Record posts left unrecorded, requeue expired leases, then run one batch; None when
    the tick could not run (or was skipped while the database is down).

    Never raises: an unreachable database or a bug must not end the scheduled job.
    """
    outage = _outages.setdefault(dispatcher, _Outage())
    if outage.skip():
        return None
    try:
        # Posts made before an outage are recorded first: none may be taken for a re-post.
        dispatcher.record_unrecorded()
        report = dispatcher.run_once(requeue=True)
    except StoreUnavailable as exc:
        outage.failed(exc)
        return None
    except Exception:
        logger.exception("dispatch tick failed")
        return None
    outage.succeeded()
    metrics = _metrics.get(dispatcher)
    if metrics is not None:
        metrics.record_dispatch(report)
    if report.claimed:
        logger.info("dispatch tick: %s", report)
    return report


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
        seconds=interval_seconds,
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
    )
