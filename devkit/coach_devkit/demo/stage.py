"""The demo's stage: the real bot served over HTTP with its scheduler, a Slack stand-in,
SQLite in a temp dir.

Nothing here is a test double of the bot: signature checks, waitress, Bolt, the WebClients,
the migrations and the APScheduler dispatch job are the production ones. Only Slack itself is
replaced by the local stand-in, and the bot's clock (a ScaledClock at CLOCK_SPEEDUP) stands
still but for the demo's skips ahead to each DM's due time.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import BotApp, create_app
from bot.clock import ScaledClock
from bot.config import Settings, load_settings
from bot.http_server import HttpServer
from bot.preview import next_working_day_at
from bot.rules.calendar import at_local
from bot.runner import build_scheduler
from bot.store import migrate
from bot.store.db import Database
from bot.web import EVENTS_PATH, create_wsgi_app
from coach_devkit.demo.ticks import Ticks
from coach_devkit.demo.time_source import SkippingTime
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import SignedSlackSender, SlackPerson

DANA = SlackPerson(user_id="U0456EFGH", team_id="T0123ABCD", name="dana")
DANA_TZ = "America/Los_Angeles"
# Without CLOCK_SPEEDUP (or --speedup). The clock is held and skipped, never left to run,
# so any speed plays the same story in the same real time.
DEMO_SPEEDUP = 60.0
# The dispatcher looks for due DMs this often (real seconds): a DM goes out at its due time,
# within this long after the demo skipped the clock there.
DISPATCH_INTERVAL = 0.02
# The story starts at 10:00, Dana's time, on the day asked for (by default the next
# Tuesday): the interview has just ended.
START_WEEKDAY, START_HOUR = 1, 10


@dataclass(frozen=True)
class Stage:
    standin: SlackStandIn
    bot: BotApp
    server: HttpServer
    slack: SignedSlackSender  # plays Slack's side: signed requests to the bot's URL
    person: SlackPerson
    tz: ZoneInfo
    time: SkippingTime  # what the bot's ScaledClock reads: held, and skipped ahead
    ticks: Ticks  # the dispatch job's runs


def demo_settings(standin: SlackStandIn, database_url: str, speedup: float | None) -> Settings:
    # The demo's own values win over the environment, so a developer's .env or shell (a real
    # token, Socket Mode, a PostgreSQL URL) can never point it at a real workspace or database.
    return load_settings(
        _env_file=None,
        slack_bot_token=standin.bot_token,
        slack_signing_secret=secrets.token_hex(16),
        slack_app_token=None,
        slack_api_url=standin.api_url,
        database_url=database_url,
        host="127.0.0.1",
        log_level="WARNING",
        dispatch_interval_seconds=DISPATCH_INTERVAL,
        playbook_path=None,  # the built-in advice, whatever the environment says
        # A string from the environment is validated (and explained) by Settings like any other.
        clock_speedup=(
            speedup if speedup is not None else os.environ.get("CLOCK_SPEEDUP") or DEMO_SPEEDUP
        ),
    )


def story_start(day: date | None, tz: ZoneInfo, now: datetime) -> datetime:
    """When the story starts (UTC): `day` at START_HOUR in `tz`, or without a day, the
    first Tuesday at START_HOUR after `now`."""
    if day is not None:
        return at_local(day, START_HOUR, tz)
    return next_working_day_at(now, tz, START_HOUR, weekday=START_WEEKDAY)


@contextmanager
def stage(speedup: float | None = None, start: date | None = None) -> Iterator[Stage]:
    """Set everything up, and take it all down again however the demo ends.

    The story starts on `start` (see story_start): a fixed day tells the same dates on
    every run, whatever today is.
    """
    with ExitStack() as cleanup:
        tmp = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="interview-demo-")))
        standin = cleanup.enter_context(SlackStandIn())
        standin.add_user(DANA.user_id, tz=DANA_TZ, name=DANA.name, real_name="Dana Reyes")
        settings = demo_settings(standin, f"sqlite:///{tmp / 'coach.db'}", speedup)

        db = Database(settings.database_url)
        cleanup.callback(db.dispose)
        migrate.upgrade(db.engine)

        tz = ZoneInfo(DANA_TZ)
        time_source = SkippingTime(settings.clock_speedup)
        # Before the clock reads it: setting up takes none of the story's time, and Dana
        # acts in none either. The clock only ever skips ahead to the coach's next DM.
        time_source.hold()
        clock = ScaledClock(
            settings.clock_speedup,
            start=story_start(start, tz, datetime.now(UTC)),
            monotonic=time_source,
        )
        bot = create_app(settings, clock=clock, db=db)
        # Unwound before db.dispose: listener work already accepted finishes first.
        cleanup.callback(bot.listener_executor.shutdown, wait=True)
        server = HttpServer(create_wsgi_app(bot), "127.0.0.1", 0).start()
        cleanup.callback(server.stop)
        # The production scheduler: the dispatch job (and housekeeping), in real time.
        scheduler = build_scheduler(bot)
        ticks = Ticks(scheduler)
        scheduler.start()
        cleanup.callback(scheduler.shutdown, wait=True)

        sender = SignedSlackSender(
            server.url + EVENTS_PATH,
            settings.slack_signing_secret.get_secret_value(),
            response_url=standin.response_url("command"),
        )
        yield Stage(standin, bot, server, sender, DANA, tz, time_source, ticks)
