"""Delivering due nudges: claim a batch, then for each one check, render, post and record.

The database is the only schedule. A claim is a lease; every outcome is written back fenced
on it, and nothing waits in this thread for Slack: a rate limit or an outage moves the
nudge's `due_at` instead of sleeping, so the next tick (in any process) picks it up.
"""

from __future__ import annotations

import logging
import random
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
from bot.dispatch.claims import Claim, claim_due, release
from bot.dispatch.slack_errors import (
    Permanent,
    PersonGone,
    RateLimited,
    Transient,
    WorkspaceGone,
    classify,
)
from bot.rules.playbook import Playbook
from bot.slack.clients import SlackClients
from bot.slack.dm import PostedMessage, post_to_dm
from bot.slack.errors import SLACK_CALL_ERRORS
from bot.store.db import Database, StoreUnavailable
from bot.ui.nudges import render_nudge

logger = logging.getLogger(__name__)

# Slack's guidance for posting: about one message a second to a channel.
PACE = timedelta(seconds=1)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
BACKOFF_JITTER = 0.2  # ±20%, so nudges that failed together do not all retry together
# A batch stops taking its next nudge once this share of the lease is gone (a nudge's two
# Slack calls can take up to twice the client's timeout).
LEASE_SHARE_FOR_BATCH = 0.5
# A post already made must be recorded; each try already waits out SQLite's busy timeout.
RECORD_TRIES = 3


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


def backoff_delay(attempts: int, rng: random.Random) -> timedelta:
    """How long to wait after the `attempts`-th try failed for a reason that may pass."""
    base = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempts - 1, 0))
    return base * rng.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER)


class Dispatcher:
    """Delivers due nudges, each through a client for its person's workspace.

    `clients` must not retry or sleep (bot.slack.clients.DISPATCH).
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        clients: SlackClients,
        playbook: Playbook,
        worker_id: str,
        *,
        batch_size: int = 50,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 6,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.clients = clients
        self.playbook = playbook
        self.worker_id = worker_id
        self.batch_size = batch_size
        self.lease = lease
        self.max_attempts = max_attempts
        self._rng = rng or random.Random()
        # When this worker last posted to each person's DM, by the bot's clock.
        self._last_post: dict[tuple[str, str], datetime] = {}

    def run_once(self) -> DispatchReport:
        """Claim one batch of due nudges and settle every one of them."""
        report = DispatchReport()
        claims = claim_due(
            self.db,
            now=self.clock.now(),
            worker_id=self.worker_id,
            limit=self.batch_size,
            lease=self.lease,
        )
        report.claimed = len(claims)
        for index, claim in enumerate(claims):
            if self.clock.now() >= claim.lease_until - self.lease * LEASE_SHARE_FOR_BATCH:
                # Slack is slow: hand the rest back while the lease still fences them, so no
                # other worker takes one over while this one is still about to post it.
                rest = claims[index:]
                for waiting in rest:
                    self._release(waiting, due_at=waiting.due_at, count_attempt=False, error=None)
                logger.warning("batch ran long: handed %d nudge(s) back", len(rest))
                report.rescheduled += len(rest)
                break
            try:
                outcome = self._settle_safely(claim)
            except _RateLimited as limit:
                # Slack limits the method for the whole workspace: the rest must wait as well.
                rest = claims[index + 1 :]
                for waiting in rest:
                    self._release(
                        waiting, due_at=limit.until, count_attempt=False, error="ratelimited"
                    )
                report.rescheduled += 1 + len(rest)
                break
            _count(report, outcome)
        self._forget_old_posts()
        return report

    # -- one nudge ---------------------------------------------------------------------------

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
        if claim.attempts > self.max_attempts:
            # Claimed again and again without an outcome: its worker keeps dying on it.
            return self._fail(claim, f"gave up after {claim.attempts - 1} attempts")
        late = now - claim.due_at
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
            posted = self._post(recipient, text, blocks)
        except SLACK_CALL_ERRORS as exc:
            return self._after_failed_call(claim, recipient, exc)
        self._last_post[person] = self.clock.now()
        self._record_sent(claim, recipient, posted)
        return _Outcome.SENT

    def _post(self, recipient: Recipient, text: str, blocks: list[dict[str, Any]]) -> PostedMessage:
        return post_to_dm(
            self.clients.client_for(recipient.team_id),
            self.db,
            team_id=recipient.team_id,
            user_id=recipient.user_id,
            cached_channel=recipient.dm_channel_id,
            text=text,
            blocks=blocks,
            now=self.clock.now(),
        )

    def _after_failed_call(
        self, claim: Claim, recipient: Recipient, exc: BaseException
    ) -> _Outcome:
        failure = classify(exc)
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
        if claim.attempts >= self.max_attempts:
            return self._fail(claim, f"{reason} (after {claim.attempts} attempts)")
        due_at = self.clock.now() + backoff_delay(claim.attempts, self._rng)
        logger.warning(
            "nudge %d (%s) attempt %d failed (%s); retrying at %s",
            claim.nudge_id,
            claim.kind,
            claim.attempts,
            reason,
            due_at.isoformat(),
        )
        self._release(claim, due_at=due_at, count_attempt=True, error=reason)
        return _Outcome.RESCHEDULED

    def _fail(self, claim: Claim, reason: str) -> _Outcome:
        logger.warning("nudge %d (%s) failed for good: %s", claim.nudge_id, claim.kind, reason)
        self._record_failed(claim, reason)
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

    def _record_failed(self, claim: Claim, error: str) -> None:
        recorded = mark_failed(
            self.db,
            claim.nudge_id,
            self.worker_id,
            error=error,
            now=self.clock.now(),
            playbook=self.playbook,
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
