"""How fast the dispatcher delivers due nudges, against a bare loop of chat.postMessage calls.

Seeds N people in a temporary SQLite database, each with a logged interview whose first nudge
is due now (one per person, so pacing never holds a message back), then runs the real
Dispatcher against the local Slack stand-in until every one is sent. In the same run, the
baseline: N `chat.postMessage` calls with the same message from the same client, one after
another. The ratio is what claiming, checking, rendering and recording cost per message.

    .venv/bin/python bench/dispatch_throughput.py [--nudges 500] [--batch-size 50]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.coach.deliveries import nudge_view
from bot.coach.interviews import LogResult, submit_interview
from bot.coach.people import note_profile
from bot.config import load_settings
from bot.dispatch.dispatcher import Dispatcher
from bot.dispatch.job import dispatch_until_idle, new_worker_id
from bot.rules.domain import NudgeStatus
from bot.rules.interview_form import InterviewForm
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, single_workspace
from bot.store import migrate
from bot.store.db import Database
from bot.store.models import Nudge
from bot.ui.nudges import render_nudge

TEAM = "T0123ABCD"
ZONE = "America/Los_Angeles"
# 10:00 in Los Angeles, so the nudges are due in waking hours whenever the bench runs. The
# clock stands still; timings are wall time.
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def seed(db: Database, clock: FixedClock, people: int) -> list[int]:
    """One interview per person, logged now; returns the ids of the nudges due now."""
    playbook = default_playbook()
    for n in range(people):
        user_id = f"U0B{n:06d}"
        now = clock.now()
        # A cached DM, as for anyone who has used the bot before.
        note_profile(
            db, TEAM, user_id, now, tz=ZONE, dm_channel_id=f"D0B{n:06d}", playbook=playbook
        )
        result = submit_interview(
            db,
            team_id=TEAM,
            user_id=user_id,
            form=InterviewForm(
                company=f"Company {n}",
                format="video",
                happened_at=now - timedelta(minutes=30),
            ),
            now=now,
            source_view_id=f"V{n}",
            playbook=playbook,
        )
        assert isinstance(result, LogResult), result
    with db.transaction() as session:
        return list(
            session.scalars(
                select(Nudge.id).where(
                    Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= clock.now()
                )
            )
        )


def sent_count(db: Database) -> int:
    with db.transaction() as session:
        return int(
            session.scalar(select(func.count()).where(Nudge.status == NudgeStatus.SENT)) or 0
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nudges", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    clock = FixedClock(NOW)
    playbook = default_playbook()

    with tempfile.TemporaryDirectory() as tmp, SlackStandIn() as standin:
        settings = load_settings(
            _env_file=None,
            slack_bot_token=standin.bot_token,
            slack_signing_secret="bench-signing-secret",
            slack_api_url=standin.api_url,
            database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
        )
        db = Database(settings.database_url)
        try:
            migrate.upgrade(db.engine)
            due = seed(db, clock, args.nudges)
            if len(due) != args.nudges:
                raise SystemExit(f"seeded {len(due)} due nudges, expected {args.nudges}")
            view = nudge_view(db, due[0], playbook)
            assert view is not None
            text, blocks = render_nudge(view, playbook)
            clients = single_workspace(settings).with_profile(DISPATCH)  # auth.test warms up
            client = clients.client_for(TEAM)

            dispatcher = Dispatcher(
                db, clock, clients, playbook, new_worker_id(), batch_size=args.batch_size
            )
            started = time.perf_counter()
            report = dispatch_until_idle(dispatcher)
            dispatch_seconds = time.perf_counter() - started
            delivered = sent_count(db)

            started = time.perf_counter()
            for n in range(args.nudges):
                client.chat_postMessage(channel=f"D0B{n:06d}", text=text, blocks=blocks)
            bare_seconds = time.perf_counter() - started
        finally:
            db.dispose()

    if delivered != args.nudges or report.sent != args.nudges:
        raise SystemExit(f"only {delivered} of {args.nudges} nudges were sent: {report}")
    dispatch_rate = args.nudges / dispatch_seconds
    bare_rate = args.nudges / bare_seconds
    print(f"{args.nudges} due nudges, SQLite, stand-in over HTTP (higher is better)")
    print(
        f"dispatcher (batch {args.batch_size}):  {dispatch_rate:8.1f} nudges/s"
        f"   ({dispatch_seconds:.2f} s; {report})"
    )
    print(f"bare chat.postMessage loop: {bare_rate:8.1f} posts/s    ({bare_seconds:.2f} s)")
    print(f"dispatcher ÷ bare loop: {dispatch_rate / bare_rate:.2f}x")


if __name__ == "__main__":
    main()
