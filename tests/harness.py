"""A running bot wired to a Slack stand-in, as every HTTP-level test uses it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import SignedSlackSender, SlackPerson

from bot.app import BotApp, create_app
from bot.clock import FixedClock
from bot.config import Settings, load_settings
from bot.http_server import HttpServer
from bot.store.db import Database
from bot.web import create_wsgi_app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "slack"
SIGNING_SECRET = "test-signing-secret"
DANA = SlackPerson(user_id="U0456EFGH", team_id="T0123ABCD", name="dana")
SAM = SlackPerson(user_id="U0SAM0001", team_id="T0123ABCD", name="sam")


def fixture_json(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def test_settings(standin: SlackStandIn, database_url: str, **overrides: Any) -> Settings:
    return load_settings(
        _env_file=None,
        slack_bot_token=standin.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        database_url=database_url,
        **overrides,
    )


test_settings.__test__ = False  # type: ignore[attr-defined]


@dataclass
class RunningBot:
    bot: BotApp
    server: HttpServer
    slack: SignedSlackSender
    standin: SlackStandIn
    clock: FixedClock
    db: Database

    @property
    def url(self) -> str:
        return self.server.url

    def idle(self) -> None:
        """Wait until every listener has finished what it does after the ack."""
        self.bot.listener_executor.wait_idle()

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def open_log_modal(self, text: str = "logged Acme Corp", person: SlackPerson = DANA) -> dict:
        """Run the slash command and return the view the stand-in now shows."""
        before = len(self.standin.calls_to("views.open"))
        reply = self.slack.slash_command(text, person)
        assert reply.status == 200, reply
        call = self.standin.wait_for("views.open", before + 1)[-1]
        self.idle()  # the bot learns the person's time zone after opening the modal
        view = self.standin.view(call.response["view"]["id"])
        assert view is not None
        return view


def start_bot(
    standin: SlackStandIn, clock: FixedClock, db: Database, **overrides: Any
) -> RunningBot:
    settings = test_settings(standin, db.url, **overrides)
    bot = create_app(settings, clock=clock, db=db)
    server = HttpServer(create_wsgi_app(bot), "127.0.0.1", 0).start()
    sender = SignedSlackSender(
        server.url + "/slack/events", SIGNING_SECRET, response_url=standin.response_url("command")
    )
    return RunningBot(bot, server, sender, standin, clock, db)


@contextmanager
def serving(
    standin: SlackStandIn, clock: FixedClock, db: Database, **overrides: Any
) -> Iterator[RunningBot]:
    """`start_bot` for the length of a block; its work after an ack is waited for before the
    server stops, so nothing writes into the next test's tables."""
    bot = start_bot(standin, clock, db, **overrides)
    try:
        yield bot
    finally:
        bot.idle()
        bot.server.stop()
