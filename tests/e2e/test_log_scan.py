"""Nothing secret in the logs: the end-to-end run with every logger at DEBUG, each record
formatted by the bot's real handlers (text and JSON), searched for the token, the signing
secret, the planted answers and the planted draft."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from coach_devkit.slack_standin import SlackStandIn

from bot.clock import FixedClock
from bot.logging_setup import build_handler, secret_values
from bot.store.db import Database
from tests.e2e.ops_flow import PLANTED, run_flow
from tests.harness import SIGNING_SECRET, RunningBot, start_bot

# Every logger that could narrate a request, a response or a row.
LOUD = ("", "slack_sdk", "slack_bolt", "urllib3", "sqlalchemy.engine", "waitress", "apscheduler")


class RawRecords(logging.Handler):
    """Each record's message as the library logged it, before the bot's filters rewrite it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, record.getMessage()))


@dataclass
class Captured:
    running: RunningBot
    text: io.StringIO
    json: io.StringIO
    raw: RawRecords


@pytest.fixture
def captured(standin: SlackStandIn, clock: FixedClock, db: Database) -> Iterator[Captured]:
    """A bot started with every logger at DEBUG, logging through the bot's two handler kinds."""
    levels = {name: logging.getLogger(name).level for name in LOUD}
    raw, text, as_json = RawRecords(), io.StringIO(), io.StringIO()
    root = logging.getLogger()
    # Bolt's loggers copy the root's level when the app is built: DEBUG first, then the app.
    for name in LOUD:
        logging.getLogger(name).setLevel(logging.DEBUG)
    root.addHandler(raw)  # first: it sees each record before the bot's filters rewrite it
    running = start_bot(standin, clock, db)
    secrets = secret_values(running.bot.settings)
    handlers = [build_handler("text", secrets, text), build_handler("json", secrets, as_json)]
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield Captured(running, text, as_json, raw)
    finally:
        running.idle()
        running.server.stop()
        for handler in [raw, *handlers]:
            root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_no_log_line_carries_a_secret_an_answer_or_a_draft(captured: Captured) -> None:
    running = captured.running
    run_flow(running)
    running.idle()

    forbidden = {
        "bot token": running.standin.bot_token,
        "signing secret": SIGNING_SECRET,
        # Whatever else is configured as a secret (client secret, encryption keys) too.
        **{f"secret setting {i}": v for i, v in enumerate(secret_values(running.bot.settings))},
        **{f"planted {i}": text for i, text in enumerate(PLANTED)},
    }
    assert running.standin.bot_token.startswith("xoxb-")
    # The scan means something: the libraries did log these, before the filters.
    raw = "\n".join(message for _, message in captured.raw.lines)
    for planted in PLANTED:
        assert planted in raw, f"{planted!r} never reached a log record; the scan proves nothing"
    text, as_json = captured.text.getvalue(), captured.json.getvalue()
    assert len(text.splitlines()) > 200  # a DEBUG run's worth of lines
    for name, value in forbidden.items():
        assert value not in text, f"{name} in the text log"
        assert value not in as_json, f"{name} in the JSON log"
        assert json.dumps(value)[1:-1] not in as_json, f"{name} (escaped) in the JSON log"

    # Useful lines stay: each Slack call's method and status, and the bot's own INFO lines.
    assert "chat.postMessage (parameters hidden)" in text
    assert "Received the following response - status: 200 (body hidden)" in text
    assert "rate limited by Slack" in text


def test_json_lines_carry_the_team_and_a_correlation_id(captured: Captured) -> None:
    run_flow(captured.running)
    captured.running.idle()

    lines = [json.loads(line) for line in captured.json.getvalue().splitlines()]
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    from_requests = [line for line in lines if line["logger"].startswith("slack_bolt")]
    assert from_requests and all(line.get("correlation_id") for line in from_requests)
    # A listener's lines, run in the listener pool after the ack, keep the request's ids.
    listener = [line for line in lines if line["message"].startswith("Running listener")]
    assert listener and all(line.get("team_id") == "T0123ABCD" for line in listener)
    # A dispatched nudge's lines name the nudge and its workspace.
    limited = [line for line in lines if "rate limited by Slack" in line["message"]]
    assert len(limited) == 1
    assert limited[0]["correlation_id"].startswith("nudge-")
    assert limited[0]["team_id"] == "T0123ABCD"
    # Different requests, different ids.
    assert len({line["correlation_id"] for line in from_requests}) >= 5


def test_a_raw_slack_sdk_debug_record_would_carry_the_answer(captured: Captured) -> None:
    """Without the filter, slack_sdk's own DEBUG lines hold the person's words."""
    run_flow(captured.running)
    captured.running.idle()
    sdk_lines = [m for name, m in captured.raw.lines if name.startswith("slack_sdk")]
    assert any(PLANTED[1] in m and "chat.update" in m for m in sdk_lines)
