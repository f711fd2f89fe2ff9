"""Delivering due nudges: claim a batch, then for each one check, render, post and record.

The database is the only schedule. A claim is a short lease, renewed by a heartbeat while
the batch is worked on; every outcome is written back fenced on it, and nothing waits in
this thread for Slack: a rate limit or an outage moves the nudge's `due_at` instead of
sleeping, so the next tick (in any process) picks it up.

Attempts count tries Slack answered "try again" to, never claims: a nudge is given up only
when it is later than its kind allows. Each post carries message metadata naming the nudge,
so a nudge whose earlier post may have reached Slack is first looked for in the DM.
"""

from __future__ import annotations

import logging
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.clock import Clock
from bot.coach.deliveries import (
    Recipient,
    delivery_of,
    mark_failed,
    mark_sent,
)
from bot.coach.people import deactivate_person, deactivate_workspace
from bot.dispatch.claims import Claim, claim_due, mark_post_started, release, renew
from bot.dispatch.slack_errors import (
    Permanent,
    PersonGone,
    RateLimited,
    Transient,
    WorkspaceGone,
    classify,
)
from bot.log_context import bind_team, in_nudge_context
from bot.rules.playbook import Playbook
from bot.slack.clients import SlackClients
from bot.slack.dm import PostedMessage, find_posted, post_to_dm
from bot.slack.errors import SLACK_CALL_ERRORS
from bot.store.db import Database, StoreUnavailable
from bot.ui.nudges import render_nudge

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
# A post already made must be recorded; each try already waits out SQLite's busy timeout.
RECORD_TRIES = 3
# The message metadata every nudge is posted with, and looked for before posting again.
NUDGE_EVENT_TYPE = "interview_coach_nudge"
NUDGE_ID_KEY = "nudge_id"


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


@dataclass(frozen=True)
class _Unrecorded:
    """A post that reached Slack while its `sent` could not be written: kept until it is."""

    claim: Claim
    recipient: Recipient
    posted: PostedMessage


class _Heartbeat:
    """Renews this worker's claims every `interval` seconds until stopped, so a lease can be
    short and a live, slow worker still never loses what it holds."""

    def __init__(self, dispatcher: Dispatcher, claims: list[Claim], interval: float) -> None:
        self._dispatcher = dispatcher
        self._held = {claim.nudge_id for claim in claims}
        self._lock = threading.Lock()
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
                renew(d.db, d.worker_id, held, d.clock.now() + d.lease)
            except StoreUnavailable:
                pass  # the batch itself notices; the lease covers a short blip
            except Exception:
                logger.exception("renewing claims failed")


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
    ) -> None:
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
        self._unrecorded: dict[int, _Unrecorded] = {}
        self._stopping = threading.Event()
        self._running = threading.Lock()  # held while a batch is worked on

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

    def run_once(self) -> DispatchReport:
        """Record posts left unrecorded, then claim one batch of due nudges and settle them."""
        with self._running:
            return self._run_once()

    def _run_once(self) -> DispatchReport:
        report = DispatchReport()
        self.record_unrecorded()
        if self.stopping:
            return report
        claims = claim_due(
            self.db,
            now=self.clock.now(),
            worker_id=self.worker_id,
            limit=self.batch_size,
            lease=self.lease,
        )
        report.claimed = len(claims)
        with _Heartbeat(self, claims, self.heartbeat_seconds) as heartbeat:
            for index, claim in enumerate(claims):
                if self.stopping:
                    # Shutting down: hand the rest back now, so another replica sends them
                    # at its next tick instead of waiting out the lease.
                    rest = claims[index:]
                    for waiting in rest:
                        self._release(
                            waiting, due_at=waiting.due_at, count_attempt=False, error=None
                        )
                    logger.info("shutting down: handed %d nudge(s) back", len(rest))
                    report.rescheduled += len(rest)
                    break
                try:
                    outcome = self._settle_safely(claim)
                except _RateLimited as limit:
                    # Slack limits the method for the whole workspace: the rest wait as well.
                    rest = claims[index + 1 :]
                    for waiting in rest:
                        self._release(
                            waiting, due_at=limit.until, count_attempt=False, error="ratelimited"
                        )
                    report.rescheduled += 1 + len(rest)
                    break
                finally:
                    heartbeat.settled(claim.nudge_id)
                _count(report, outcome)
        self._forget_old_posts()
        return report

    def record_unrecorded(self) -> int:
        """Write `sent` for posts that reached Slack while the database was down; how many.

        Runs before anything is claimed, so no such nudge is considered for a re-post. One
        whose claim ran out meanwhile is recorded if it waits unclaimed; one another worker
        holds is left to that worker, whose look in the DM finds the post.
        """
        recorded = 0
        for nudge_id, waiting in list(self._unrecorded.items()):
            mark_sent(
                self.db,
                nudge_id,
                self.worker_id,
                channel_id=waiting.posted.channel,
                ts=waiting.posted.ts,
                now=self.clock.now(),
                playbook=self.playbook,
                or_pending=True,
            )
            del self._unrecorded[nudge_id]
            recorded += 1
        if recorded:
            logger.warning("recorded %d nudge(s) sent while the database was down", recorded)
        return recorded

    # -- one nudge ---------------------------------------------------------------------------

    @in_nudge_context  # ops: the nudge's log lines carry a correlation id naming it
    def _settle_safely(self, claim: Claim) -> _Outcome:
        try:
            return self._settle(claim)
        except (StoreUnavailable, _RateLimited):
            raise  # StoreUnavailable: nothing more can be recorded; leases bring the rest back
        except Exception as exc:
            # A bug (in rendering, say) must not hold up the other nudges in the batch.
            logger.exception("nudge %d (%s) failed unexpectedly", claim.nudge_id, claim.kind)
            return self._retry_later(claim, f"{type(exc).__name__}: {exc}")

    def _settle(self, claim: Claim) -> _Outcome:
        now = self.clock.now()
        late = now - claim.first_due_at
        if late > self.playbook.max_lateness_hours.of(claim.kind):
            logger.warning(
                "nudge %d (%s) dropped: %s late, past its max lateness",
                claim.nudge_id,
                claim.kind,
                late,
            )
            self._record_failed(claim, "too late")
            return _Outcome.DROPPED_LATE
        delivery = delivery_of(self.db, claim.nudge_id, self.playbook)
        if delivery is None:
            logger.info("nudge %d vanished before it was sent", claim.nudge_id)
            return _Outcome.STOPPED
        recipient, view = delivery.recipient, delivery.view
        bind_team(recipient.team_id)  # ops: and its workspace, until the nudge is settled
        if recipient.undeliverable is not None:
            logger.info(
                "nudge %d (%s) for %s not sent: %s",
                claim.nudge_id,
                claim.kind,
                recipient.user_id,
                recipient.undeliverable,
            )
            self._record_failed(claim, recipient.undeliverable)
            return _Outcome.STOPPED
        person = (recipient.team_id, recipient.user_id)
        last = self._last_post.get(person)
        if last is not None and now - last < PACE:
            logger.info("nudge %d paced: %s got a message just now", claim.nudge_id, person[1])
            self._release(claim, due_at=last + PACE, count_attempt=False, error=None)
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
                self._record_sent(claim, recipient, found)
                return _Outcome.SENT
            if not mark_post_started(self.db, claim.nudge_id, self.worker_id, self.clock.now()):
                logger.warning("nudge %d: claim ran out before posting; left alone", claim.nudge_id)
                return _Outcome.STOPPED
            posted = self._post(claim, recipient, text, blocks)
        except SLACK_CALL_ERRORS as exc:
            return self._after_failed_call(claim, recipient, exc)
        self._last_post[person] = self.clock.now()
        self._record_sent(claim, recipient, posted)
        return _Outcome.SENT

    def _already_posted(self, claim: Claim, recipient: Recipient) -> PostedMessage | None:
        """The earlier post of this nudge, if one was started and Slack shows it in the DM.

        Only asked when a post may have reached Slack (started by a worker that died, or
        answered by a 5xx or a timeout). If Slack will not show the history (a scope
        missing, say), the nudge is posted: at least once beats not at all.
        """
        channel = recipient.dm_channel_id
        if claim.post_started_at is None or channel is None:
            return None  # never started, or no DM was ever opened: nothing can be there
        client = self.clients.client_for(recipient.team_id)
        try:
            ts = find_posted(client, channel, NUDGE_EVENT_TYPE, NUDGE_ID_KEY, claim.nudge_id)
        except SLACK_CALL_ERRORS as exc:
            if isinstance(classify(exc), RateLimited | Transient):
                raise  # Slack is busy or down: this try fails, and the look is made again
            # No history to look in (the DM gone, a scope missing): posting is what is left.
            logger.warning(
                "nudge %d: could not look in the DM (%s); posting it", claim.nudge_id, exc
            )
            return None
        return PostedMessage(channel, ts) if ts is not None else None

    def _post(
        self, claim: Claim, recipient: Recipient, text: str, blocks: list[dict[str, Any]]
    ) -> PostedMessage:
        return post_to_dm(
            self.clients.client_for(recipient.team_id),
            self.db,
            team_id=recipient.team_id,
            user_id=recipient.user_id,
            cached_channel=recipient.dm_channel_id,
            text=text,
            blocks=blocks,
            now=self.clock.now(),
            metadata=nudge_metadata(claim.nudge_id),
        )

    def _after_failed_call(
        self, claim: Claim, recipient: Recipient, exc: BaseException
    ) -> _Outcome:
        failure = classify(exc)
        if self.on_slack_error is not None:  # ops: metrics count Slack errors by code
            self.on_slack_error(exc)
        now = self.clock.now()
        match failure:
            case RateLimited(retry_after=seconds):
                until = now + timedelta(seconds=seconds)
                logger.warning(
                    "nudge %d rate limited by Slack; it and the rest of the batch wait until %s",
                    claim.nudge_id,
                    until.isoformat(),
                )
                self._release(claim, due_at=until, count_attempt=False, error="ratelimited")
                raise _RateLimited(until)
            case Transient(reason=reason):
                return self._retry_later(claim, reason)
            case PersonGone(reason=reason):
                cancelled = deactivate_person(
                    self.db, recipient.team_id, recipient.user_id, now
                ).nudges
                logger.warning(
                    "%s cannot be reached (%s): stopped, %d pending nudge(s) cancelled",
                    recipient.user_id,
                    reason,
                    cancelled,
                )
                self._record_failed(claim, reason)
                return _Outcome.STOPPED
            case WorkspaceGone(reason=reason):
                cancelled = deactivate_workspace(self.db, recipient.team_id, now).nudges
                logger.warning(
                    "workspace %s lost the app (%s): stopped, %d pending nudge(s) cancelled",
                    recipient.team_id,
                    reason,
                    cancelled,
                )
                self._record_failed(claim, reason)
                return _Outcome.STOPPED
            case Permanent(reason=reason):
                return self._fail(claim, reason)
        raise AssertionError(f"unclassified Slack failure {failure!r}")  # pragma: no cover

    def _retry_later(self, claim: Claim, reason: str) -> _Outcome:
        attempts = claim.attempts + 1  # this try
        due_at = self.clock.now() + backoff_delay(attempts, self._rng)
        if due_at - claim.first_due_at > self.playbook.max_lateness_hours.of(claim.kind):
            # The next try would come too late for the advice to be worth having.
            return self._fail(
                claim, f"{reason} (still failing at max lateness, {attempts} tries)", attempts
            )
        logger.warning(
            "nudge %d (%s) try %d failed (%s); retrying at %s",
            claim.nudge_id,
            claim.kind,
            attempts,
            reason,
            due_at.isoformat(),
        )
        self._release(claim, due_at=due_at, count_attempt=True, error=reason)
        return _Outcome.RESCHEDULED

    def _fail(self, claim: Claim, reason: str, attempts: int | None = None) -> _Outcome:
        logger.warning("nudge %d (%s) failed for good: %s", claim.nudge_id, claim.kind, reason)
        self._record_failed(claim, reason, attempts)
        return _Outcome.FAILED

    # -- writing outcomes back, fenced on the claim --------------------------------------------

    def _record_sent(self, claim: Claim, recipient: Recipient, posted: PostedMessage) -> None:
        recorded = False
        for attempt in range(1, RECORD_TRIES + 1):
            try:
                recorded = mark_sent(
                    self.db,
                    claim.nudge_id,
                    self.worker_id,
                    channel_id=posted.channel,
                    ts=posted.ts,
                    now=self.clock.now(),
                    playbook=self.playbook,
                )
                break
            except StoreUnavailable:
                # Unrecorded, the lease would run out and the message go out twice.
                if attempt == RECORD_TRIES:
                    # Kept, and written first thing when the database answers again.
                    self._unrecorded[claim.nudge_id] = _Unrecorded(claim, recipient, posted)
                    raise
                logger.warning("recording nudge %d as sent failed; trying again", claim.nudge_id)
        if recorded:
            logger.info(
                "nudge %d (%s) sent to %s in %s at %s",
                claim.nudge_id,
                claim.kind,
                recipient.user_id,
                posted.channel,
                posted.ts,
            )
        else:
            logger.warning(
                "nudge %d (%s) was posted (ts %s) after its claim ran out; it may go out twice",
                claim.nudge_id,
                claim.kind,
                posted.ts,
            )

    def _record_failed(self, claim: Claim, error: str, attempts: int | None = None) -> None:
        recorded = mark_failed(
            self.db,
            claim.nudge_id,
            self.worker_id,
            error=error,
            now=self.clock.now(),
            playbook=self.playbook,
            attempts=attempts,
        )
        if not recorded:
            logger.warning(
                "nudge %d: claim ran out before its failure was recorded", claim.nudge_id
            )

    def _release(
        self, claim: Claim, *, due_at: datetime, count_attempt: bool, error: str | None
    ) -> None:
        released = release(
            self.db,
            claim.nudge_id,
            self.worker_id,
            due_at=due_at,
            count_attempt=count_attempt,
            error=error,
        )
        if not released:
            logger.warning("nudge %d: claim ran out before it was handed back", claim.nudge_id)

    def _forget_old_posts(self) -> None:
        cutoff = self.clock.now() - PACE
        self._last_post = {k: v for k, v in self._last_post.items() if v > cutoff}


def _count(report: DispatchReport, outcome: _Outcome) -> None:
    setattr(report, outcome.value, getattr(report, outcome.value) + 1)
