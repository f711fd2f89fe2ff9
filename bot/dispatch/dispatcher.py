"""Delivering due nudges: claim a batch, then for each one check, render, post and record.

The database is the only schedule. A claim is a short lease, renewed by a heartbeat while
the batch is worked on; every outcome is written back fenced on it, and nothing waits in
this thread for Slack: a rate limit or an outage moves the nudge's `due_at` instead of
sleeping, so the next tick (in any process) picks it up.

Attempts count tries Slack answered "try again" to, never claims: a nudge is given up only
when it is later than its kind allows. Each post carries message metadata naming the nudge
(every nudge, for a grouped DM), so a nudge whose earlier post may have reached Slack is
first looked for in the DM. A person's nudges due together go out as one DM
(`bot.dispatch.grouping`, `_settle_group`).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import math
import random
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from slack_sdk import WebClient

from bot.clock import Clock
from bot.coach.deliveries import (
    Delivery,
    Recipient,
    Settlement,
    deliveries_of,
    settle,
    still_stored,
)
from bot.coach.people import deactivate_person, deactivate_workspace
from bot.dispatch.claims import (
    KEEP,
    Claim,
    claim_due,
    mark_posts_started,
    release,
    renew,
    requeue_and_claim,
)
from bot.dispatch.grouping import dm_units
from bot.dispatch.slack_errors import (
    Permanent,
    PersonGone,
    RateLimited,
    Transient,
    WorkspaceGone,
    classify,
)
from bot.log_context import bind_team, in_nudge_context, log_context
from bot.rules.domain import NudgeStatus
from bot.rules.playbook import Playbook
from bot.rules.public_holidays import supported_countries
from bot.slack.clients import DISPATCH_TIMEOUT_SECONDS, SlackClients
from bot.slack.dm import PostedMessage, find_posted, post_to_dm
from bot.slack.errors import SLACK_CALL_ERRORS
from bot.store.db import Database, StoreUnavailable
from bot.ui.nudges import render_nudge
from bot.ui.nudges.grouped import render_group

logger = logging.getLogger(__name__)

# Slack's guidance for posting: about one message a second to a channel.
PACE = timedelta(seconds=1)
BACKOFF_BASE = timedelta(seconds=30)
# Capped low: Slack outages last hours, and a nudge should go out minutes after one ends.
BACKOFF_CAP = timedelta(minutes=5)
BACKOFF_JITTER = 0.2  # ±20%, so nudges that failed together do not all retry together
# Short, because the heartbeat renews it every third of it while the worker lives: a batch
# stranded by a dead worker goes out again within a lease and a tick.
LEASE = timedelta(seconds=60)
HEARTBEATS_PER_LEASE = 3
# The longest a post can take: the dispatch client's timeout, and some.
POST_MAX = timedelta(seconds=DISPATCH_TIMEOUT_SECONDS * 1.5)
# DMs to different people posted at once (one person's go out one after another). A post
# waits on Slack far longer than it works; Slack's per-channel limit is a message a second,
# and every DM is its own channel.
POST_CONCURRENCY = 4
# A post already made must be recorded; each try already waits out SQLite's busy timeout.
RECORD_TRIES = 3
# The message metadata every nudge is posted with, and looked for before posting again.
NUDGE_EVENT_TYPE = "interview_coach_nudge"
NUDGE_ID_KEY = "nudge_id"
# A grouped DM names every nudge it shows under this key (and the first under NUDGE_ID_KEY).
NUDGE_IDS_KEY = "nudge_ids"


@dataclass
class DispatchReport:
    """What one run did with the nudges it claimed."""

    claimed: int = 0
    sent: int = 0
    rescheduled: int = 0
    failed: int = 0
    dropped_late: int = 0
    stopped: int = 0

    def add(self, other: DispatchReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class _Outcome(StrEnum):
    """How one claimed nudge ended; each value names the DispatchReport field it counts in."""

    SENT = "sent"
    RESCHEDULED = "rescheduled"
    FAILED = "failed"
    DROPPED_LATE = "dropped_late"
    STOPPED = "stopped"


class _RateLimited(Exception):
    """Slack said to wait; the nudge was handed back, and the batch's rest must wait too."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


_DOUBLINGS_TO_CAP = math.ceil(math.log2(BACKOFF_CAP / BACKOFF_BASE))


def nudge_metadata(nudge_id: int) -> dict[str, Any]:
    """The Slack message metadata naming the nudge a message delivers."""
    return {"event_type": NUDGE_EVENT_TYPE, "event_payload": {NUDGE_ID_KEY: nudge_id}}


def group_metadata(nudge_ids: list[int]) -> dict[str, Any]:
    """The metadata of a grouped DM: every nudge it shows, the first also under the
    single-nudge key, so a reader that knows only that one still finds it."""
    payload = {NUDGE_ID_KEY: nudge_ids[0], NUDGE_IDS_KEY: nudge_ids}
    return {"event_type": NUDGE_EVENT_TYPE, "event_payload": payload}


@dataclass(frozen=True)
class _Write:
    """An outcome waiting to be written at the end of the batch, and what its log line says."""

    claim: Claim
    settlement: Settlement
    user_id: str | None  # the recipient, for a sent nudge
    team_id: str | None = None  # theirs, to take the post back if the nudge vanished


@dataclass
class _Batch:
    """What one batch has settled but not yet written, and whom Slack said is gone.

    Outcomes are written together when the batch ends (one transaction, see
    `bot.coach.deliveries.settle`): a post made meanwhile is covered by its
    `post_started_at`, so a worker that dies first leaves it to be found in the DM.
    """

    writes: list[_Write] = field(default_factory=list)
    # Noted as started (post_started_at) at the batch's start, and still held then.
    started: set[int] = field(default_factory=set)
    # Posted, or a post tried: post_started_at must stay, the post may have reached Slack.
    attempted: set[int] = field(default_factory=set)
    gone_people: set[tuple[str, str]] = field(default_factory=set)
    gone_teams: set[str] = field(default_factory=set)
    # The nudges with an outcome in `writes`: a run asks only of its own claims.
    written: set[int] = field(default_factory=set)
    # Set by the posting threads, read before each DM they start.
    limited_until: datetime | None = None  # Slack answered a rate limit: the rest wait
    aborted: bool = False  # a run failed (the database gone, a bug): no DM starts after
    handed_back: list[int] = field(default_factory=list)  # shutting down
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, write: _Write) -> None:
        # Runs of different people append at once; list.append and set.add are atomic.
        self.writes.append(write)
        self.written.add(write.claim.nudge_id)

    def rate_limited(self, until: datetime) -> None:
        """Slack said to wait until `until`: no DM of this batch starts before then."""
        with self._lock:
            if self.limited_until is None or until > self.limited_until:
                self.limited_until = until

    def posted(self) -> list[_Write]:
        return [w for w in self.writes if w.settlement.status is NudgeStatus.SENT]


class _Heartbeat:
    """Renews this worker's claims every `interval` seconds until stopped, so a lease can be
    short and a live, slow worker still never loses what it holds."""

    def __init__(self, dispatcher: Dispatcher, claims: list[Claim], interval: float) -> None:
        self._dispatcher = dispatcher
        self._held = {claim.nudge_id for claim in claims}
        self._lock = threading.Lock()
        # Held while renewing: the batch's own write waits for it, so this worker never has
        # two transactions locking many of its claimed rows at once (PostgreSQL could
        # deadlock them). A posting thread handing one back locks that row alone, which
        # cannot close a cycle.
        self.renewing = threading.Lock()
        self._done = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._run, name="dispatch-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        if self._held:
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def settled(self, nudge_id: int) -> None:
        """This nudge is no longer held: stop renewing it."""
        with self._lock:
            self._held.discard(nudge_id)

    def _run(self) -> None:
        while not self._done.wait(self._interval):
            with self._lock:
                held = sorted(self._held)
            d = self._dispatcher
            try:
                lease_until = d.clock.now() + d.lease
                with self.renewing:
                    renew(d.db, d.worker_id, held, lease_until)
                d.lease_valid_until = lease_until
            except StoreUnavailable:
                pass  # the batch itself notices; the lease covers a short blip
            except Exception:
                logger.exception("renewing claims failed")


def _claim_only(
    db: Database, *, now: datetime, worker_id: str, limit: int, lease: timedelta
) -> tuple[int, list[Claim]]:
    return 0, claim_due(db, now=now, worker_id=worker_id, limit=limit, lease=lease)


def backoff_delay(attempts: int, rng: random.Random) -> timedelta:
    """How long to wait after the `attempts`-th try failed for a reason that may pass."""
    # The exponent stops growing once the cap is reached: hours of tries would overflow.
    doublings = min(max(attempts - 1, 0), _DOUBLINGS_TO_CAP)
    base = min(BACKOFF_CAP, BACKOFF_BASE * 2**doublings)
    return base * rng.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER)


class Dispatcher:
    """Delivers due nudges, each through a client for its person's workspace.

    `clients` must not retry or sleep (bot.slack.clients.DISPATCH).
    """

    # ops: told of each failed Slack call as it is decided on (bot.dispatch.job sets it).
    on_slack_error: Callable[[BaseException], None] | None = None

    def __init__(
        self,
        db: Database,
        clock: Clock,
        clients: SlackClients,
        playbook: Playbook,
        worker_id: str,
        *,
        batch_size: int = 50,
        lease: timedelta = LEASE,
        heartbeat_seconds: float | None = None,
        rng: random.Random | None = None,
        post_concurrency: int = POST_CONCURRENCY,
    ) -> None:
        if post_concurrency < 1:
            raise ValueError("post_concurrency must be at least 1")
        self.db = db
        self.clock = clock
        self.clients = clients
        self.playbook = playbook
        self.worker_id = worker_id
        self.batch_size = batch_size
        self.lease = lease
        self.heartbeat_seconds = heartbeat_seconds or (lease.total_seconds() / HEARTBEATS_PER_LEASE)
        self._rng = rng or random.Random()
        # When this worker last posted to each person's DM, by the bot's clock.
        self._last_post: dict[tuple[str, str], datetime] = {}
        # Posts that reached Slack but whose `sent` the database would not take yet.
        self._unrecorded: dict[int, _Write] = {}
        self._stopping = threading.Event()
        self._running = threading.Lock()  # held while a batch is worked on
        # Until when this worker's claims are known to be held: set by the claim, moved on
        # by each renewal the database took. No post starts that could outlast it.
        self.lease_valid_until: datetime | None = None
        # Each workspace's client, for the batch under way: asking `clients` builds one and,
        # with OAuth, reads the installation (and may refresh its token) every time.
        self._batch_clients: dict[str, WebClient] = {}
        # The workspaces whose client could not be built for the batch under way, and why.
        self._client_errors: dict[str, Exception] = {}
        self.post_concurrency = post_concurrency
        # Started with the first batch that has DMs for several people (see _deliver).
        self._posting: ThreadPoolExecutor | None = None
        # The holidays package lists its countries in about 0.2 s; done here, not in the
        # first batch, whose nudges would wait for it.
        supported_countries()

    def stop(self) -> None:
        """Claim nothing more; a batch under way hands back what it has not started."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the batch under way to end; True if none runs."""
        if not self._running.acquire(timeout=timeout):
            return False
        self._running.release()
        return True

    @property
    def unrecorded(self) -> int:
        """How many posts wait to be recorded as sent (the database was down)."""
        return len(self._unrecorded)

    def run_once(self, *, requeue: bool = False) -> DispatchReport:
        """Record posts left unrecorded, then claim one batch of due nudges and settle them.

        `requeue`: first take back the nudges of workers whose lease ran out, in the claim's
        transaction (the scheduled tick does; a test driving the dispatcher need not)."""
        with self._running:
            return self._run_once(requeue)

    def _run_once(self, requeue: bool = False) -> DispatchReport:
        report = DispatchReport()
        self.record_unrecorded()
        if self.stopping:
            return report
        claim = requeue_and_claim if requeue else _claim_only
        requeued, claims = claim(
            self.db,
            now=self.clock.now(),
            worker_id=self.worker_id,
            limit=self.batch_size,
            lease=self.lease,
        )
        if requeued:
            logger.warning("took back %d nudge(s) whose worker's lease ran out", requeued)
        report.claimed = len(claims)
        if not claims:
            return report
        self.lease_valid_until = claims[0].lease_until
        self._batch_clients.clear()
        self._client_errors.clear()
        batch = _Batch()
        with _Heartbeat(self, claims, self.heartbeat_seconds) as heartbeat:
            try:
                # Everything the batch shows, in a fixed number of statements.
                deliveries = deliveries_of(self.db, [c.nudge_id for c in claims], self.playbook)
                # Every post the batch may make is noted before the first, in one statement:
                # a worker that dies mid-batch leaves each to be looked for in the DM.
                now = self.clock.now()
                to_post = [
                    c.nudge_id for c in claims if self._postable(c, deliveries.get(c.nudge_id), now)
                ]
                with heartbeat.renewing:
                    batch.started = mark_posts_started(self.db, to_post, self.worker_id, now)
                self._deliver(claims, deliveries, batch, report, heartbeat)
            except Exception:
                # Nothing more is written now (the database gone, or a bug in one run):
                # posts already made are kept, to be recorded first thing next time; the
                # rest come back when their leases run out.
                self._keep_unrecorded(batch.posted())
                raise
            self._write(batch, heartbeat)
        self._forget_old_posts()
        return report

    def _deliver(
        self,
        claims: list[Claim],
        deliveries: dict[int, Delivery],
        batch: _Batch,
        report: DispatchReport,
        heartbeat: _Heartbeat,
    ) -> None:
        """Settle each claim, a person's nudges due together as one DM (see
        `bot.dispatch.grouping`); outcomes to write are left in `batch`.

        Different people's DMs are posted `post_concurrency` at a time: a post is mostly a
        wait on Slack, and this thread's other work (rendering, recording) cannot overlap it
        (CPython's GIL: see docs/ARCHITECTURE.md). One person's DMs go out one after another,
        in the batch's order, so pacing holds as before."""
        units = dm_units(claims, deliveries, batch.started)
        for unit in units:
            # Built here, once a workspace, so the posting threads only read them. One that
            # cannot be built (a token refresh Slack refused or could not answer) fails its
            # nudges' calls with that error, each settled as such, without asking again.
            if (delivery := deliveries.get(unit[0].nudge_id)) is not None:
                team_id = delivery.recipient.team_id
                try:
                    self._client_for(team_id)
                except Exception as exc:
                    self._client_errors[team_id] = exc
        outcomes: list[list[_Outcome]] = []
        # Each workspace's first DM goes before its others: a workspace that lost the app,
        # or a Slack saying "slow down", answers one call, not one a posting thread.
        for runs in _leads_first(_by_person(units, deliveries), deliveries, batch.started):
            if self.post_concurrency == 1 or len(runs) == 1:
                outcomes += [self._settle_run(run, deliveries, batch, heartbeat) for run in runs]
            else:
                outcomes += self._settle_runs_together(runs, deliveries, batch, heartbeat)
        for run_outcomes in outcomes:
            for outcome in run_outcomes:
                _count(report, outcome)
        if batch.handed_back:
            logger.info("shutting down: handed %d nudge(s) back", len(batch.handed_back))

    def _settle_runs_together(
        self,
        runs: list[list[list[Claim]]],
        deliveries: dict[int, Delivery],
        batch: _Batch,
        heartbeat: _Heartbeat,
    ) -> list[list[_Outcome]]:
        """Each person's run on the posting threads; their outcomes once every run ended.

        Every run ends before this returns, so nothing posts after the batch is written or
        given up on; the database going away ends the batch (StoreUnavailable) once they have."""
        if self._posting is None:
            self._posting = ThreadPoolExecutor(
                self.post_concurrency, thread_name_prefix="dispatch-post"
            )
        futures: list[Future[list[_Outcome]]] = []
        for run in runs:
            # Each run in a copy of this thread's context: its log context stays its own.
            context = contextvars.copy_context()
            try:
                futures.append(
                    self._posting.submit(
                        context.run, self._settle_run, run, deliveries, batch, heartbeat
                    )
                )
            except RuntimeError:  # the interpreter is exiting: no new thread runs
                done: Future[list[_Outcome]] = Future()
                done.set_result(context.run(self._settle_run, run, deliveries, batch, heartbeat))
                futures.append(done)
        wait(futures)
        failed = [e for f in futures if (e := f.exception()) is not None]
        if failed:
            # The database gone comes first: the batch then keeps its posts to record later.
            raise next((e for e in failed if isinstance(e, StoreUnavailable)), failed[0])
        return [f.result() for f in futures]

    def _settle_run(
        self,
        run: list[list[Claim]],
        deliveries: dict[int, Delivery],
        batch: _Batch,
        heartbeat: _Heartbeat,
    ) -> list[_Outcome]:
        """Settle one person's DMs in order; the outcome of each of their claims.

        Shutting down, or a rate limit Slack answered for any DM of the batch: the rest are
        handed back. A run that failed (the database gone, a bug) stops every run before
        its next DM; what those leave is brought back by their leases."""
        outcomes: list[_Outcome] = []
        try:
            for unit in run:
                if batch.aborted:
                    return outcomes  # the batch is given up: their leases bring them back
                outcomes += self._settle_one(unit, deliveries, batch, heartbeat)
        except BaseException:
            batch.aborted = True
            raise
        return outcomes

    def _settle_one(
        self,
        unit: list[Claim],
        deliveries: dict[int, Delivery],
        batch: _Batch,
        heartbeat: _Heartbeat,
    ) -> list[_Outcome]:
        """One DM of a run: handed back (shutting down, or Slack limiting), or settled."""
        if self.stopping:
            # Shutting down: handed back now, so another replica sends them at its next
            # tick instead of waiting out the lease.
            batch.handed_back.extend(claim.nudge_id for claim in unit)
            return self._hand_back(unit, batch, heartbeat, until=None, error=None)
        if (until := batch.limited_until) is not None:
            # Slack limits the method for the whole workspace: the rest wait as well.
            return self._hand_back(unit, batch, heartbeat, until=until, error="ratelimited")
        return self._settle_unit(unit, deliveries, batch, heartbeat)

    def _hand_back(
        self,
        unit: list[Claim],
        batch: _Batch,
        heartbeat: _Heartbeat,
        *,
        until: datetime | None,
        error: str | None,
    ) -> list[_Outcome]:
        """Give `unit`'s claims back unposted, due `until` (None: when they were due)."""
        for claim in unit:
            due_at = claim.due_at if until is None else until
            self._release(claim, batch, due_at=due_at, count_attempt=False, error=error)
            heartbeat.settled(claim.nudge_id)
        return [_Outcome.RESCHEDULED] * len(unit)

    def _settle_unit(
        self,
        unit: list[Claim],
        deliveries: dict[int, Delivery],
        batch: _Batch,
        heartbeat: _Heartbeat,
    ) -> list[_Outcome]:
        """Settle one DM: a lone nudge or a person's group. A rate limit Slack answered was
        noted in `batch` (`_after_failed_call`) for the DMs not yet started."""
        if len(unit) > 1:  # shutting down was checked by the run, before this DM started
            grouped: dict[int, _Outcome] = {}
            with contextlib.suppress(_RateLimited):  # already noted in `batch`
                self._settle_group_safely(unit, deliveries, batch, grouped)
            for claim in unit:
                if claim.nudge_id not in batch.written:
                    heartbeat.settled(claim.nudge_id)  # handed back: no more ours to renew
            return list(grouped.values())
        claim = unit[0]
        try:
            outcome = self._settle_safely(claim, deliveries.get(claim.nudge_id), batch)
        except _RateLimited:  # already noted in `batch`, before the nudge was handed back
            heartbeat.settled(claim.nudge_id)
            return [_Outcome.RESCHEDULED]
        if claim.nudge_id not in batch.written:
            heartbeat.settled(claim.nudge_id)  # handed back: no more ours to renew
        return [outcome]

    def _write(self, batch: _Batch, heartbeat: _Heartbeat) -> None:
        """Write the batch's outcomes in one transaction; posts it could not write are kept."""
        if not batch.writes:
            return
        for attempt in range(1, RECORD_TRIES + 1):
            try:
                with heartbeat.renewing:
                    written = self._settle_writes(batch.writes)
                break
            except StoreUnavailable:
                # Unrecorded, the leases would run out and the messages go out twice.
                if attempt == RECORD_TRIES:
                    # Kept, and written first thing when the database answers again.
                    self._keep_unrecorded(batch.posted())
                    raise
                logger.warning("recording %d outcome(s) failed; trying again", len(batch.writes))
        taken_back = self._take_back_vanished(batch.posted(), written)
        for write in batch.writes:
            if write.claim.nudge_id not in taken_back:
                _log_written(write, write.claim.nudge_id in written)

    def _take_back_vanished(self, posted: list[_Write], written: set[int]) -> set[int]:
        """Delete the DMs whose every nudge vanished while they were posted; their ids.

        A person who deletes their data (or an interview or application) while a batch posts
        to them: the batch read what to show before, and its post lands after the delete
        and its sweep of the DM, quoting their answers. Their rows are gone, so nothing was
        written; a post that was not written but whose nudge is still stored is another
        matter (its claim ran out: the next worker finds it in the DM) and stays."""
        unwritten = [w for w in posted if w.claim.nudge_id not in written]
        if not unwritten:
            return set()
        try:
            stored = still_stored(self.db, [w.claim.nudge_id for w in unwritten])
        except StoreUnavailable:
            return set()  # left as they are; the look in the DM covers a claim that ran out
        messages: dict[tuple[str | None, str | None, str | None], list[int]] = defaultdict(list)
        for write in posted:
            key = (write.team_id, write.settlement.channel_id, write.settlement.ts)
            messages[key].append(write.claim.nudge_id)
        taken_back: set[int] = set()
        for (team_id, channel, ts), ids in messages.items():
            if team_id is None or channel is None or ts is None:
                continue
            if any(n in written or n in stored for n in ids):
                continue  # a part of it still stands (a grouped DM), or it is recorded
            try:
                self._client_for(team_id).chat_delete(channel=channel, ts=ts)
            except Exception as exc:  # Slack refused, or the workspace has no client
                # The outcomes are written: nothing here may fail the batch after them.
                logger.warning(
                    "nudge(s) %s vanished while posted; taking the DM back failed: %s",
                    ids,
                    exc,
                )
                continue
            logger.warning(
                "nudge(s) %s vanished while posted (deleted by their person); DM taken back",
                ids,
            )
            taken_back.update(ids)
        return taken_back

    def _settle_writes(self, writes: list[_Write]) -> set[int]:
        """Settle `writes` together; if that fails for a reason other than the database (a
        bug re-planning one interview, say), one by one, so one cannot hold up the rest."""
        try:
            return settle(
                self.db,
                self.worker_id,
                [w.settlement for w in writes],
                now=self.clock.now(),
                playbook=self.playbook,
            )
        except StoreUnavailable:
            raise
        except Exception:
            if len(writes) == 1:
                raise
            logger.exception("recording %d outcome(s) together failed; one by one", len(writes))
        written: set[int] = set()
        for write in writes:
            try:
                written |= self._settle_writes([write])
            except StoreUnavailable:
                raise
            except Exception:
                logger.exception("recording nudge %d failed", write.claim.nudge_id)
        return written

    def _keep_unrecorded(self, posted: list[_Write]) -> None:
        for write in posted:
            self._unrecorded[write.claim.nudge_id] = write

    def record_unrecorded(self) -> int:
        """Write `sent` for posts that reached Slack while the database was down; how many.

        Runs before anything is claimed, so no such nudge is considered for a re-post. One
        whose claim ran out meanwhile is recorded if it waits unclaimed; one another worker
        holds is left to that worker, whose look in the DM finds the post.
        """
        if not self._unrecorded:
            return 0
        waiting = list(self._unrecorded.values())
        settle(
            self.db,
            self.worker_id,
            [w.settlement for w in waiting],
            now=self.clock.now(),
            playbook=self.playbook,
            or_pending=True,
        )
        self._unrecorded.clear()
        logger.warning("recorded %d nudge(s) sent while the database was down", len(waiting))
        return len(waiting)

    # -- one nudge ---------------------------------------------------------------------------

    @in_nudge_context  # ops: the nudge's log lines carry a correlation id naming it
    def _settle_safely(self, claim: Claim, delivery: Delivery | None, batch: _Batch) -> _Outcome:
        try:
            return self._settle(claim, delivery, batch)
        except (StoreUnavailable, _RateLimited):
            raise  # StoreUnavailable: nothing more can be recorded; leases bring the rest back
        except Exception as exc:
            # A bug (in rendering, say) must not hold up the other nudges in the batch.
            logger.exception("nudge %d (%s) failed unexpectedly", claim.nudge_id, claim.kind)
            return self._retry_later(claim, f"{type(exc).__name__}: {exc}", batch)

    def _settle(self, claim: Claim, delivery: Delivery | None, batch: _Batch) -> _Outcome:
        now = self.clock.now()
        late = now - claim.first_due_at
        if late > self.playbook.max_lateness_hours.of(claim.kind):
            logger.warning(
                "nudge %d (%s) dropped: %s late, past its max lateness",
                claim.nudge_id,
                claim.kind,
                late,
            )
            self._record_failed(claim, delivery, "too late", batch)
            return _Outcome.DROPPED_LATE
        if delivery is None:
            logger.info("nudge %d vanished before it was sent", claim.nudge_id)
            return _Outcome.STOPPED
        recipient, view = delivery.recipient, delivery.view
        bind_team(recipient.team_id)  # ops: and its workspace, until the nudge is settled
        person = (recipient.team_id, recipient.user_id)
        undeliverable = recipient.undeliverable
        if person in batch.gone_people or recipient.team_id in batch.gone_teams:
            undeliverable = "person gone"  # Slack said so earlier in this batch
        if undeliverable is not None:
            logger.info(
                "nudge %d (%s) for %s not sent: %s",
                claim.nudge_id,
                claim.kind,
                recipient.user_id,
                undeliverable,
            )
            self._record_failed(claim, delivery, undeliverable, batch)
            return _Outcome.STOPPED
        last = self._last_post.get(person)
        if last is not None and now - last < PACE:
            logger.info("nudge %d paced: %s got a message just now", claim.nudge_id, person[1])
            self._release(claim, batch, due_at=last + PACE, count_attempt=False, error=None)
            return _Outcome.RESCHEDULED
        text, blocks = render_nudge(view, self.playbook)
        try:
            found = self._already_posted(claim, recipient)
            if found is not None:
                logger.warning(
                    "nudge %d (%s) had reached Slack before (ts %s): recorded, not posted again",
                    claim.nudge_id,
                    claim.kind,
                    found.ts,
                )
                self._record_sent(claim, delivery, found, batch)
                return _Outcome.SENT
            if claim.nudge_id not in batch.started:
                logger.warning("nudge %d: claim ran out before posting; left alone", claim.nudge_id)
                return _Outcome.STOPPED
            if not self._lease_outlasts_a_post():
                # The heartbeat could not renew (the database unreachable, say): another
                # worker may take this nudge soon, so it is not posted from here.
                logger.warning(
                    "nudge %d: claim may run out during the post; left alone", claim.nudge_id
                )
                return _Outcome.STOPPED
            batch.attempted.add(claim.nudge_id)
            posted = self._post(claim, recipient, text, blocks)
        except SLACK_CALL_ERRORS as exc:
            return self._after_failed_call(claim, delivery, exc, batch)
        self._last_post[person] = self.clock.now()
        self._record_sent(claim, delivery, posted, batch)
        return _Outcome.SENT

    # -- one person's nudges due together, as one DM --------------------------------------------

    def _settle_group_safely(
        self,
        group: list[Claim],
        deliveries: dict[int, Delivery],
        batch: _Batch,
        outcomes: dict[int, _Outcome],
    ) -> None:
        """Settle `group` as one DM; each nudge's outcome is left in `outcomes`."""
        # ops: the DM's log lines carry a correlation id naming its first nudge, and its team.
        try:
            with log_context(correlation_id=f"nudge-{group[0].nudge_id}"):
                self._settle_group(group, deliveries, batch, outcomes)
        except (StoreUnavailable, _RateLimited):
            raise
        except Exception as exc:
            logger.exception("grouped DM of %d nudge(s) failed unexpectedly", len(group))
            for claim in group:
                if claim.nudge_id not in outcomes:
                    outcomes[claim.nudge_id] = self._retry_later(
                        claim, f"{type(exc).__name__}: {exc}", batch
                    )

    def _settle_group(
        self,
        group: list[Claim],
        deliveries: dict[int, Delivery],
        batch: _Batch,
        outcomes: dict[int, _Outcome],
    ) -> None:
        """Post `group` (one person's, each noted as started, none late) as one DM, with the
        same guarantees as one nudge: a post that may have reached Slack is looked for first,
        no post outlasts the lease, and Slack's answer settles every nudge not yet settled."""
        recipient = deliveries[group[0].nudge_id].recipient
        bind_team(recipient.team_id)
        person = (recipient.team_id, recipient.user_id)
        if person in batch.gone_people or recipient.team_id in batch.gone_teams:
            for claim in group:
                self._record_failed(claim, deliveries[claim.nudge_id], "person gone", batch)
                outcomes[claim.nudge_id] = _Outcome.STOPPED
            return
        now = self.clock.now()
        last = self._last_post.get(person)
        if last is not None and now - last < PACE:
            for claim in group:
                self._release(claim, batch, due_at=last + PACE, count_attempt=False, error=None)
                outcomes[claim.nudge_id] = _Outcome.RESCHEDULED
            return
        waiting: list[Claim] = []
        try:
            for claim in group:
                found = self._already_posted(claim, recipient)
                if found is None:
                    waiting.append(claim)
                    continue
                logger.warning(
                    "nudge %d had reached Slack before (ts %s): recorded, not posted again",
                    claim.nudge_id,
                    found.ts,
                )
                self._record_sent(claim, deliveries[claim.nudge_id], found, batch)
                outcomes[claim.nudge_id] = _Outcome.SENT
            if not waiting:
                return
            if not self._lease_outlasts_a_post():
                logger.warning("%d nudge(s): claims may run out during the post", len(waiting))
                for claim in waiting:
                    outcomes[claim.nudge_id] = _Outcome.STOPPED
                return
            shown, text, blocks = self._render_dm(waiting, deliveries)
            for claim in waiting[len(shown) :]:
                # Past Slack's block limit: they stay pending, for the next DM.
                self._release(claim, batch, due_at=now + PACE, count_attempt=False, error=None)
                outcomes[claim.nudge_id] = _Outcome.RESCHEDULED
            batch.attempted.update(claim.nudge_id for claim in shown)
            metadata = (
                group_metadata([c.nudge_id for c in shown])
                if len(shown) > 1
                else nudge_metadata(shown[0].nudge_id)
            )
            posted = self._post_blocks(recipient, text, blocks, metadata)
        except SLACK_CALL_ERRORS as exc:
            unsettled = [c for c in group if c.nudge_id not in outcomes]
            self._group_failed(unsettled, deliveries, exc, batch, outcomes)
            return
        self._last_post[person] = self.clock.now()
        for claim in shown:
            self._record_sent(claim, deliveries[claim.nudge_id], posted, batch)
            outcomes[claim.nudge_id] = _Outcome.SENT

    def _render_dm(
        self, waiting: list[Claim], deliveries: dict[int, Delivery]
    ) -> tuple[list[Claim], str, list[dict[str, Any]]]:
        """What one DM shows of `waiting`: the nudges that fit, its text and its blocks."""
        views = [deliveries[c.nudge_id].view for c in waiting]
        if len(views) == 1:
            text, blocks = render_nudge(views[0], self.playbook)
            return waiting, text, blocks
        team_id = deliveries[waiting[0].nudge_id].recipient.team_id
        (text, blocks), shown_ids = render_group(
            views, self.playbook, home_url=lambda: self.clients.home_url(team_id)
        )
        return waiting[: len(shown_ids)], text, blocks

    def _group_failed(
        self,
        unsettled: list[Claim],
        deliveries: dict[int, Delivery],
        exc: BaseException,
        batch: _Batch,
        outcomes: dict[int, _Outcome],
    ) -> None:
        """Slack refused the grouped DM (or the look before it): the first unsettled nudge is
        settled as a lone one would be, the others the same way."""
        if not unsettled:
            return
        first, others = unsettled[0], unsettled[1:]
        try:
            outcomes[first.nudge_id] = self._after_failed_call(
                first, deliveries[first.nudge_id], exc, batch
            )
        except _RateLimited as limit:
            outcomes[first.nudge_id] = _Outcome.RESCHEDULED
            for claim in others:
                self._release(
                    claim, batch, due_at=limit.until, count_attempt=False, error="ratelimited"
                )
                outcomes[claim.nudge_id] = _Outcome.RESCHEDULED
            raise
        failure = classify(exc)
        reason = getattr(failure, "reason", str(exc))
        for claim in others:
            delivery = deliveries[claim.nudge_id]
            if isinstance(failure, Transient):
                outcomes[claim.nudge_id] = self._retry_later(claim, reason, batch, delivery)
            elif isinstance(failure, Permanent):
                outcomes[claim.nudge_id] = self._fail(claim, delivery, reason, batch)
            else:  # the person or the workspace is gone: the first one's call stopped them
                self._record_failed(claim, delivery, reason, batch)
                outcomes[claim.nudge_id] = _Outcome.STOPPED

    def _already_posted(self, claim: Claim, recipient: Recipient) -> PostedMessage | None:
        """The earlier post of this nudge, if one was started and Slack shows it in the DM.

        Only asked when a post may have reached Slack (started by a worker that died, or
        answered by a 5xx or a timeout). If Slack will not show the history (a scope
        missing, say), the nudge is posted: at least once beats not at all.
        """
        channel = recipient.dm_channel_id
        if claim.post_started_at is None or channel is None:
            return None  # never started, or no DM was ever opened: nothing can be there
        client = self._client_for(recipient.team_id)
        try:
            ts = find_posted(
                client, channel, NUDGE_EVENT_TYPE, NUDGE_ID_KEY, claim.nudge_id, NUDGE_IDS_KEY
            )
        except SLACK_CALL_ERRORS as exc:
            if isinstance(classify(exc), RateLimited | Transient):
                raise  # Slack is busy or down: this try fails, and the look is made again
            # No history to look in (the DM gone, a scope missing): posting is what is left.
            logger.warning(
                "nudge %d: could not look in the DM (%s); posting it", claim.nudge_id, exc
            )
            return None
        return PostedMessage(channel, ts) if ts is not None else None

    def _client_for(self, team_id: str) -> WebClient:
        if (error := self._client_errors.get(team_id)) is not None:
            # Raised afresh each time: several threads raise it, and each raise would add
            # its frames to the one traceback.
            raise error.with_traceback(None)
        client = self._batch_clients.get(team_id)
        if client is None:
            client = self._batch_clients[team_id] = self.clients.client_for(team_id)
        return client

    def _post(
        self, claim: Claim, recipient: Recipient, text: str, blocks: list[dict[str, Any]]
    ) -> PostedMessage:
        return self._post_blocks(recipient, text, blocks, nudge_metadata(claim.nudge_id))

    def _post_blocks(
        self,
        recipient: Recipient,
        text: str,
        blocks: list[dict[str, Any]],
        metadata: dict[str, Any],
    ) -> PostedMessage:
        return post_to_dm(
            self._client_for(recipient.team_id),
            self.db,
            team_id=recipient.team_id,
            user_id=recipient.user_id,
            cached_channel=recipient.dm_channel_id,
            text=text,
            blocks=blocks,
            now=self.clock.now(),
            metadata=metadata,
        )

    def _after_failed_call(
        self, claim: Claim, delivery: Delivery, exc: BaseException, batch: _Batch
    ) -> _Outcome:
        recipient = delivery.recipient
        failure = classify(exc)
        if self.on_slack_error is not None:  # ops: metrics count Slack errors by code
            self.on_slack_error(exc)
        now = self.clock.now()
        match failure:
            case RateLimited(retry_after=seconds):
                until = now + timedelta(seconds=seconds)
                batch.rate_limited(until)  # first: the other threads start no DM from now
                logger.warning(
                    "nudge %d rate limited by Slack; it and the rest of the batch wait until %s",
                    claim.nudge_id,
                    until.isoformat(),
                )
                self._release(claim, batch, due_at=until, count_attempt=False, error="ratelimited")
                raise _RateLimited(until)
            case Transient(reason=reason):
                return self._retry_later(claim, reason, batch, delivery)
            case PersonGone(reason=reason):
                cancelled = deactivate_person(
                    self.db, recipient.team_id, recipient.user_id, now
                ).nudges
                batch.gone_people.add((recipient.team_id, recipient.user_id))
                logger.warning(
                    "%s cannot be reached (%s): stopped, %d pending nudge(s) cancelled",
                    recipient.user_id,
                    reason,
                    cancelled,
                )
                self._record_failed(claim, delivery, reason, batch)
                return _Outcome.STOPPED
            case WorkspaceGone(reason=reason):
                cancelled = deactivate_workspace(self.db, recipient.team_id, now).nudges
                batch.gone_teams.add(recipient.team_id)
                logger.warning(
                    "workspace %s lost the app (%s): stopped, %d pending nudge(s) cancelled",
                    recipient.team_id,
                    reason,
                    cancelled,
                )
                self._record_failed(claim, delivery, reason, batch)
                return _Outcome.STOPPED
            case Permanent(reason=reason):
                return self._fail(claim, delivery, reason, batch)
        raise AssertionError(f"unclassified Slack failure {failure!r}")  # pragma: no cover

    def _retry_later(
        self, claim: Claim, reason: str, batch: _Batch, delivery: Delivery | None = None
    ) -> _Outcome:
        attempts = claim.attempts + 1  # this try
        due_at = self.clock.now() + backoff_delay(attempts, self._rng)
        if due_at - claim.first_due_at > self.playbook.max_lateness_hours.of(claim.kind):
            # The next try would come too late for the advice to be worth having.
            return self._fail(
                claim,
                delivery,
                f"{reason} (still failing at max lateness, {attempts} tries)",
                batch,
                attempts,
            )
        logger.warning(
            "nudge %d (%s) try %d failed (%s); retrying at %s",
            claim.nudge_id,
            claim.kind,
            attempts,
            reason,
            due_at.isoformat(),
        )
        self._release(claim, batch, due_at=due_at, count_attempt=True, error=reason)
        return _Outcome.RESCHEDULED

    def _fail(
        self,
        claim: Claim,
        delivery: Delivery | None,
        reason: str,
        batch: _Batch,
        attempts: int | None = None,
    ) -> _Outcome:
        logger.warning("nudge %d (%s) failed for good: %s", claim.nudge_id, claim.kind, reason)
        self._record_failed(claim, delivery, reason, batch, attempts)
        return _Outcome.FAILED

    # -- writing outcomes back, fenced on the claim --------------------------------------------

    def _record_sent(
        self, claim: Claim, delivery: Delivery, posted: PostedMessage, batch: _Batch
    ) -> None:
        settlement = Settlement.sent(
            claim.nudge_id, delivery.interview_id, posted.channel, posted.ts
        )
        recipient = delivery.recipient
        batch.add(_Write(claim, settlement, recipient.user_id, recipient.team_id))

    def _record_failed(
        self,
        claim: Claim,
        delivery: Delivery | None,
        error: str,
        batch: _Batch,
        attempts: int | None = None,
    ) -> None:
        interview_id = delivery.interview_id if delivery is not None else None
        settlement = Settlement.failed(claim.nudge_id, interview_id, error, attempts)
        batch.add(_Write(claim, settlement, None))

    def _release(
        self,
        claim: Claim,
        batch: _Batch,
        *,
        due_at: datetime,
        count_attempt: bool,
        error: str | None,
    ) -> None:
        # A post noted at the batch's start but never tried: the mark is taken back, so the
        # next worker posts without looking in the DM first.
        unstarted = claim.nudge_id in batch.started and claim.nudge_id not in batch.attempted
        released = release(
            self.db,
            claim.nudge_id,
            self.worker_id,
            due_at=due_at,
            count_attempt=count_attempt,
            error=error,
            post_started_at=claim.post_started_at if unstarted else KEEP,
        )
        if not released:
            logger.warning("nudge %d: claim ran out before it was handed back", claim.nudge_id)

    def _postable(self, claim: Claim, delivery: Delivery | None, now: datetime) -> bool:
        """Whether the batch may post this nudge, as far as is known before posting any."""
        return (
            delivery is not None
            and delivery.recipient.undeliverable is None
            and now - claim.first_due_at <= self.playbook.max_lateness_hours.of(claim.kind)
        )

    def _lease_outlasts_a_post(self) -> bool:
        """Whether a post started now ends, answered or timed out, inside the lease held."""
        until = self.lease_valid_until
        return until is not None and self.clock.now() + POST_MAX < until

    def _forget_old_posts(self) -> None:
        cutoff = self.clock.now() - PACE
        self._last_post = {k: v for k, v in self._last_post.items() if v > cutoff}


def _log_written(write: _Write, written: bool) -> None:
    claim, settlement = write.claim, write.settlement
    if settlement.status is NudgeStatus.SENT:
        if written:
            logger.info(
                "nudge %d (%s) sent to %s in %s at %s",
                claim.nudge_id,
                claim.kind,
                write.user_id,
                settlement.channel_id,
                settlement.ts,
            )
        else:
            logger.warning(
                "nudge %d (%s) was posted (ts %s) after its claim ran out; it may go out twice",
                claim.nudge_id,
                claim.kind,
                settlement.ts,
            )
    elif not written:
        logger.warning("nudge %d: claim ran out before its failure was recorded", claim.nudge_id)


def _count(report: DispatchReport, outcome: _Outcome) -> None:
    setattr(report, outcome.value, getattr(report, outcome.value) + 1)


def _by_person(
    units: list[list[Claim]], deliveries: dict[int, Delivery]
) -> list[list[list[Claim]]]:
    """`units` as runs, one a person (in order of their first DM), each in the batch's order.
    A unit whose nudge vanished is a run of its own: it posts nothing."""
    runs: dict[object, list[list[Claim]]] = {}
    for unit in units:
        delivery = deliveries.get(unit[0].nudge_id)
        who: object = (
            (delivery.recipient.team_id, delivery.recipient.user_id)
            if delivery is not None
            else unit[0].nudge_id
        )
        runs.setdefault(who, []).append(unit)
    return list(runs.values())


def _leads_first(
    runs: list[list[list[Claim]]], deliveries: dict[int, Delivery], started: set[int]
) -> list[list[list[list[Claim]]]]:
    """`runs` in two rounds: each workspace's first run that will call Slack (its first
    nudge noted as started), with the runs before it that will not; then the others."""
    leads: list[list[list[Claim]]] = []
    rest: list[list[list[Claim]]] = []
    led: set[str] = set()
    for run in runs:
        delivery = deliveries.get(run[0][0].nudge_id)
        team = delivery.recipient.team_id if delivery is not None else None
        if team is None or team not in led:
            leads.append(run)
            if team is not None and run[0][0].nudge_id in started:
                led.add(team)
        else:
            rest.append(run)
    return [r for r in (leads, rest) if r]
