"""Claiming due nudges on the test's database (SQLite, or PostgreSQL with TEST_DATABASE_URL):
one claimer per row, leases that run out, and fences against a worker that lost its lease."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import event, select

from bot.clock import FixedClock
from bot.coach.deliveries import mark_sent
from bot.dispatch.claims import (
    Claim,
    claim_due,
    mark_post_started,
    release,
    renew,
    requeue_and_claim,
    requeue_expired,
)
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.store.db import Database
from bot.store.models import Nudge
from tests.coach_helpers import log

LEASE = timedelta(minutes=5)


def log_people(db: Database, now: datetime, count: int) -> None:
    """`count` people, each with an interview whose "get some distance" nudge is due now."""
    for n in range(count):
        log(db, now, user_id=f"U0P{n:06d}", view_id=f"V{n}")


def due_ids(db: Database, now: datetime) -> list[int]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(Nudge.id)
                .where(Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= now)
                .order_by(Nudge.id)
            )
        )


def row(db: Database, nudge_id: int) -> Nudge:
    with db.transaction() as session:
        return session.get_one(Nudge, nudge_id)


def claim(db: Database, now: datetime, worker: str, limit: int = 50) -> list[Claim]:
    return claim_due(db, now=now, worker_id=worker, limit=limit, lease=LEASE)


def test_claims_the_oldest_due_nudges_and_leases_them(db: Database, clock: FixedClock) -> None:
    now = clock.now()
    log(db, now - timedelta(minutes=20), view_id="V-older")
    log(db, now - timedelta(minutes=10), view_id="V-old")
    log(db, now, view_id="V-now")
    older, old, newest = due_ids(db, now)

    claims = claim(db, now, "worker-a", limit=2)

    assert [c.nudge_id for c in claims] == [older, old]
    assert [c.kind for c in claims] == [NudgeKind.DISTANCE] * 2
    assert [c.due_at for c in claims] == [now - timedelta(minutes=20), now - timedelta(minutes=10)]
    # A claim is no attempt: only a try Slack answered "try again" to counts.
    assert {c.attempts for c in claims} == {0}
    assert [c.first_due_at for c in claims] == [c.due_at for c in claims]
    assert {c.post_started_at for c in claims} == {None}
    for nudge_id in (older, old):
        stored = row(db, nudge_id)
        assert (stored.status, stored.claimed_by) == (NudgeStatus.CLAIMED, "worker-a")
        assert (stored.attempts, stored.lease_until) == (0, now + LEASE)
    assert row(db, newest).status is NudgeStatus.PENDING
    # Nothing that is not yet due is ever claimed.
    assert [c.nudge_id for c in claim(db, now, "worker-b")] == [newest]
    assert claim(db, now, "worker-b") == []


def test_racing_claimers_never_get_the_same_nudge(db: Database, clock: FixedClock) -> None:
    now = clock.now()
    log_people(db, now, 40)
    expected = set(due_ids(db, now))
    assert len(expected) == 40
    claimers = 4
    start = threading.Barrier(claimers)
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def claimer(name: str) -> None:
        mine: list[int] = []
        try:
            start.wait()
            while batch := claim(db, now, name, limit=3):
                mine += [c.nudge_id for c in batch]
        except BaseException as exc:
            errors.append(exc)
        got[name] = mine

    threads = [threading.Thread(target=claimer, args=(f"w{n}",)) for n in range(claimers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    everything = [nudge_id for ids in got.values() for nudge_id in ids]
    assert len(everything) == len(set(everything)) == 40  # none twice, none missed
    assert set(everything) == expected
    with db.transaction() as session:
        claimed_by = {
            r.id: r.claimed_by for r in session.execute(select(Nudge.id, Nudge.claimed_by))
        }
    for name, ids in got.items():
        assert all(claimed_by[nudge_id] == name for nudge_id in ids)


def test_an_expired_lease_goes_back_to_pending(db: Database, clock: FixedClock) -> None:
    now = clock.now()
    log(db, now)
    [claimed] = claim(db, now, "worker-dead")

    assert requeue_expired(db, now + LEASE) == 0  # not yet past it
    assert requeue_expired(db, now + LEASE + timedelta(seconds=1)) == 1

    stored = row(db, claimed.nudge_id)
    assert stored.status is NudgeStatus.PENDING
    assert (stored.claimed_by, stored.lease_until) == (None, None)
    assert stored.attempts == 0  # a worker that died never got an answer: no attempt
    assert stored.due_at == now  # still due: the next claim takes it at once
    [again] = claim(db, now + LEASE + timedelta(seconds=1), "worker-b")
    assert (again.nudge_id, again.attempts) == (claimed.nudge_id, 0)


def test_the_tick_takes_back_an_expired_lease_and_claims_it_in_one_transaction(
    db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    log(db, now)
    [claimed] = claim(db, now, "worker-dead")
    later = now + LEASE + timedelta(seconds=1)
    statements: list[str] = []
    commits: list[object] = []

    def capture(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.split()[0].upper())

    def committed(conn: object) -> None:
        commits.append(conn)

    event.listen(db.engine, "before_cursor_execute", capture)
    event.listen(db.engine, "commit", committed)
    try:
        requeued, claims = requeue_and_claim(
            db, now=later, worker_id="worker-b", limit=50, lease=LEASE
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
        event.remove(db.engine, "commit", committed)

    assert requeued == 1
    assert [(c.nudge_id, c.attempts) for c in claims] == [(claimed.nudge_id, 0)]
    assert row(db, claimed.nudge_id).claimed_by == "worker-b"
    # The requeue and the claim, in one transaction (an idle tick's whole cost).
    assert [s for s in statements if s == "UPDATE"] == ["UPDATE", "UPDATE"]
    assert len(commits) == 1


def test_a_worker_that_lost_its_lease_cannot_record_anything(
    db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    log(db, now)
    [first] = claim(db, now, "worker-slow")
    later = now + LEASE + timedelta(seconds=1)
    requeue_expired(db, later)
    [second] = claim(db, later, "worker-b")
    assert second.nudge_id == first.nudge_id
    playbook = default_playbook()

    stale_release = release(
        db, first.nudge_id, "worker-slow", due_at=later, count_attempt=False, error="x"
    )
    stale_sent = mark_sent(
        db, first.nudge_id, "worker-slow", channel_id="D1", ts="1.1", now=later, playbook=playbook
    )
    assert (stale_release, stale_sent) == (False, False)
    stored = row(db, first.nudge_id)
    assert (stored.status, stored.claimed_by, stored.attempts) == (
        NudgeStatus.CLAIMED,
        "worker-b",
        0,
    )

    assert mark_sent(
        db, first.nudge_id, "worker-b", channel_id="D2", ts="2.2", now=later, playbook=playbook
    )
    stored = row(db, first.nudge_id)
    assert (stored.status, stored.channel_id, stored.message_ts) == (NudgeStatus.SENT, "D2", "2.2")
    # A sent nudge is not requeued however old its lease.
    assert requeue_expired(db, later + 10 * LEASE) == 0


def test_release_counts_an_attempt_only_when_asked(db: Database, clock: FixedClock) -> None:
    now = clock.now()
    log(db, now)
    [claimed] = claim(db, now, "worker-a")
    wait = now + timedelta(seconds=30)

    assert release(db, claimed.nudge_id, "worker-a", due_at=wait, count_attempt=False, error="429")
    stored = row(db, claimed.nudge_id)
    assert (stored.status, stored.attempts, stored.due_at) == (NudgeStatus.PENDING, 0, wait)
    assert (stored.claimed_by, stored.lease_until, stored.last_error) == (None, None, "429")
    assert claim(db, now, "worker-a") == []  # not due before `wait`

    [again] = claim(db, wait, "worker-a")
    assert again.attempts == 0
    # Lateness keeps counting from the plan, however often the nudge is put off.
    assert (again.due_at, again.first_due_at) == (wait, now)
    later = wait + timedelta(minutes=1)
    assert release(db, again.nudge_id, "worker-a", due_at=later, count_attempt=True, error=None)
    stored = row(db, claimed.nudge_id)
    assert (stored.attempts, stored.last_error) == (1, "429")  # no new error: the old stays
    assert (stored.due_at, stored.first_due_at) == (later, now)
    # Released once, it is no longer this worker's to release.
    assert not release(db, again.nudge_id, "worker-a", due_at=wait, count_attempt=True, error=None)


def test_the_heartbeat_renews_only_the_claims_this_worker_holds(
    db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    log(db, now, view_id="V-a")
    log(db, now, view_id="V-b")
    mine, theirs = claim(db, now, "worker-a", limit=1) + claim(db, now, "worker-b", limit=1)
    later = now + LEASE * 10

    held = renew(db, "worker-a", [mine.nudge_id, theirs.nudge_id], later)

    assert held == 1
    assert row(db, mine.nudge_id).lease_until == later
    assert row(db, theirs.nudge_id).lease_until == now + LEASE
    # A renewed lease does not run out; the other one does.
    assert requeue_expired(db, now + LEASE + timedelta(seconds=1)) == 1
    assert row(db, mine.nudge_id).status is NudgeStatus.CLAIMED


def test_a_post_is_noted_as_started_only_under_a_live_claim(
    db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    log(db, now)
    [claimed] = claim(db, now, "worker-a")

    assert not mark_post_started(db, claimed.nudge_id, "worker-b", now)
    assert row(db, claimed.nudge_id).post_started_at is None
    assert mark_post_started(db, claimed.nudge_id, "worker-a", now)
    requeue_expired(db, now + LEASE + timedelta(seconds=1))
    [again] = claim(db, now + LEASE + timedelta(seconds=1), "worker-b")
    assert again.post_started_at == now  # the next worker looks in the DM first
