"""GET /metrics after an end-to-end run: Prometheus' text format, each value as it happened."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from coach_devkit.slack_standin import SlackStandIn
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.rules.domain import NudgeStatus
from bot.store.models import Nudge
from tests.e2e.ops_flow import run_flow, tick_until_idle
from tests.harness import RunningBot, start_bot
from tests.outage import database_outage

PREFIX = "interview_coach"


def scrape(running: RunningBot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample /metrics shows over HTTP, by name and labels."""
    status, body = running.get("/metrics")
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def count(running: RunningBot, *where: object) -> int:
    with running.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Nudge).where(*where)) or 0)


def test_metrics_count_what_the_run_did(running: RunningBot) -> None:
    flow = run_flow(running)
    assert flow.dispatcher is not None

    # A post Slack refuses for good: one failure, counted by its code.
    running.standin.fail_next("chat.postMessage", "invalid_blocks")
    with running.db.transaction() as session:
        next_due = session.scalar(
            select(func.min(Nudge.due_at)).where(Nudge.status == NudgeStatus.PENDING)
        )
    assert next_due is not None
    tick_until_idle(running, flow.dispatcher, next_due)
    # Then far past every pending nudge's max lateness: the rest are dropped as too late.
    tick_until_idle(running, flow.dispatcher, running.clock.now() + timedelta(days=90))

    sent = count(running, Nudge.status == NudgeStatus.SENT)
    late = count(running, Nudge.status == NudgeStatus.FAILED, Nudge.last_error == "too late")
    failed = count(running, Nudge.status == NudgeStatus.FAILED, Nudge.last_error != "too late")
    assert (sent, failed) >= (3, 1) and late >= 1, (sent, failed, late)

    # Two nudges come due, one of them five minutes ago, and nothing has sent them yet.
    now = running.clock.now()
    with running.db.transaction() as session:
        for nudge in list(session.scalars(select(Nudge).order_by(Nudge.id)))[:2]:
            nudge.status, nudge.due_at = NudgeStatus.PENDING, now - timedelta(minutes=5)
        session.scalars(select(Nudge).order_by(Nudge.id)).all()[1].due_at = now

    metrics = scrape(running)
    assert metrics[(f"{PREFIX}_nudges_sent_total", ())] == sent
    assert metrics[(f"{PREFIX}_nudges_failed_total", ())] == failed
    assert metrics[(f"{PREFIX}_nudges_dropped_late_total", ())] == late
    errors = {
        labels[0][1]: value
        for (name, labels), value in metrics.items()
        if name == f"{PREFIX}_slack_errors_total"
    }
    assert errors == {"ratelimited": 1, "invalid_blocks": 1}
    requests = {
        labels[0][1]: value
        for (name, labels), value in metrics.items()
        if name == f"{PREFIX}_slack_requests_total"
    }
    assert {kind: n for kind, n in requests.items() if n} == dict(flow.requests)
    assert metrics[(f"{PREFIX}_nudges_due", ())] == 2
    assert metrics[(f"{PREFIX}_dispatch_lag_seconds", ())] == 300
    assert metrics[(f"{PREFIX}_database_up", ())] == 1


def test_metrics_is_not_counted_as_a_slack_request_and_needs_no_signature(
    running: RunningBot,
) -> None:
    scrape(running)
    metrics = scrape(running)
    assert not any(
        value for (name, _), value in metrics.items() if name == f"{PREFIX}_slack_requests_total"
    )
    assert metrics[(f"{PREFIX}_nudges_due", ())] == 0
    assert metrics[(f"{PREFIX}_dispatch_lag_seconds", ())] == 0


def test_with_the_database_down_metrics_still_answer_and_say_so(
    standin: SlackStandIn, clock: FixedClock, postgres_url: str | None, tmp_path: Path
) -> None:
    with database_outage(postgres_url, tmp_path) as outage:
        running = start_bot(standin, clock, outage.database)
        try:
            metrics = scrape(running)
            assert metrics[(f"{PREFIX}_database_up", ())] == 0
            assert (f"{PREFIX}_nudges_due", ()) not in metrics  # unknown, not zero
            outage.restore()
            metrics = scrape(running)
            assert metrics[(f"{PREFIX}_database_up", ())] == 1
            assert metrics[(f"{PREFIX}_nudges_due", ())] == 0
        finally:
            running.server.stop()
