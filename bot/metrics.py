"""What `GET /metrics` shows, in Prometheus' text format (prometheus_client).

Counters are fed as things happen: dispatch outcomes from each tick's DispatchReport
(bot.dispatch.job), Slack errors by code where the dispatcher decides on one, requests by kind
from a Bolt global middleware. What is due and how late the dispatcher runs are read from the
database at scrape time (`PendingNudgesCollector`), so every replica reports the same queue.

Each app has its own CollectorRegistry, never prometheus_client's global one: several apps in
one process (tests, the demo) each count their own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.rules.domain import NudgeStatus
from bot.slack.errors import error_code
from bot.store.db import Database, StoreUnavailable
from bot.store.models import Nudge

PREFIX = "interview_coach"
# prometheus_client's content type for the text format it renders.
CONTENT_TYPE = CONTENT_TYPE_LATEST
# Dispatch outcomes counted from DispatchReport, by its field names.
DISPATCH_OUTCOMES = ("sent", "failed", "dropped_late")
REQUEST_KINDS = (
    "command",
    "action",
    "view_submission",
    "view_closed",
    "event",
    "options",
    "shortcut",
    "other",
)

logger = logging.getLogger(__name__)


class BotMetrics:
    """The bot's metrics and the registry `/metrics` renders."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.nudges = {
            outcome: Counter(
                f"{PREFIX}_nudges_{outcome}",
                # "sent" also counts the advice a "Logged" DM carries (not the dispatcher's).
                f"Nudges the dispatcher {outcome.replace('_', ' ')} (this process)",
                registry=self.registry,
            )
            for outcome in DISPATCH_OUTCOMES
        }
        self.slack_errors = Counter(
            f"{PREFIX}_slack_errors",
            "Failed Slack calls the dispatcher decided on, by Slack's error code "
            "(http_NNN without one, the exception's name when Slack did not answer)",
            ["code"],
            registry=self.registry,
        )
        self.requests = Counter(
            f"{PREFIX}_slack_requests",
            "Requests from Slack that reached the app, by kind",
            ["kind"],
            registry=self.registry,
        )
        # Every kind shows from the first scrape, at 0, so a rate() has a start.
        for kind in REQUEST_KINDS:
            self.requests.labels(kind=kind)

    def watch_database(self, db: Database, clock: Clock) -> None:
        """Report the pending queue from `db` at each scrape, as of `clock`."""
        self.registry.register(PendingNudgesCollector(db, clock))

    def record_dispatch(self, report: object) -> None:
        """Count one dispatch run's outcomes (a DispatchReport, or anything with its fields)."""
        for outcome, counter in self.nudges.items():
            count = int(getattr(report, outcome, 0))
            if count:
                counter.inc(count)

    def nudge_sent(self) -> None:
        """Count one nudge sent outside the dispatcher (the advice a "Logged" DM carries)."""
        self.nudges["sent"].inc()

    def slack_error(self, exc: BaseException) -> None:
        """Count a failed Slack call by its error code."""
        self.slack_errors.labels(code=slack_error_label(exc)).inc()

    def request(self, kind: str) -> None:
        """Count one request from Slack of `kind` (one of REQUEST_KINDS)."""
        self.requests.labels(kind=kind).inc()

    def render(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)


def slack_error_label(exc: BaseException) -> str:
    """A bounded label for a failed call: Slack's code, else HTTP status, else exception kind."""
    code = error_code(exc)
    if code is not None:
        return code
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return f"http_{exc.response.status_code}"
    return type(exc).__name__


class PendingNudgesCollector(Collector):
    """Nudges due now and the dispatch lag, read at scrape time.

    Both come from one query on the partial index of pending nudges by due_at (a range count
    and a min), so a scrape costs about what one dispatch claim does.
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def describe(self) -> Iterator[Metric]:
        # Described without querying, so registering never touches the database.
        yield from self._families(None, None)

    def collect(self) -> Iterator[Metric]:
        now = self.clock.now()
        try:
            due, oldest = self._read(now)
        except (StoreUnavailable, SQLAlchemyError) as exc:
            # The database logs the outage once; a scrape every few seconds must not repeat it.
            logger.debug("metrics: pending nudges not read: %s", type(exc).__name__)
            yield from self._families(None, None, up=False)
            return
        lag = (now - oldest).total_seconds() if oldest is not None else 0.0
        yield from self._families(due, max(lag, 0.0))

    def _read(self, now: datetime) -> tuple[int, datetime | None]:
        due_now = (Nudge.status == NudgeStatus.PENDING) & (Nudge.due_at <= now)
        with self.db.transaction() as session:
            count, oldest = session.execute(
                select(func.count(), func.min(Nudge.due_at)).where(due_now)
            ).one()
        return int(count), oldest

    @staticmethod
    def _families(due: int | None, lag: float | None, up: bool = True) -> Iterator[Metric]:
        database = GaugeMetricFamily(
            f"{PREFIX}_database_up", "1 when the database answered this scrape, else 0"
        )
        database.add_metric([], 1.0 if up else 0.0)
        yield database
        nudges_due = GaugeMetricFamily(
            f"{PREFIX}_nudges_due", "Pending nudges whose time has come (not yet sent)"
        )
        dispatch_lag = GaugeMetricFamily(
            f"{PREFIX}_dispatch_lag_seconds",
            "How long the oldest due pending nudge has waited past its due time (0: none)",
        )
        if due is not None and lag is not None:
            nudges_due.add_metric([], float(due))
            dispatch_lag.add_metric([], lag)
        yield nudges_due
        yield dispatch_lag
