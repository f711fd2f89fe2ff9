"""Every listener meets a database it cannot reach the same way: Slack gets 200, the person a
short apology where one is due, the log one warning line (the outage starting) and one INFO
line per request and no traceback, and an event is left unhandled so Slack's retry can
deliver it once the database is back."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import fill_view_state
from sqlalchemy import select

from bot.clock import FixedClock
from bot.store.models import EventReceipt
from bot.ui.log_modal import BLOCK_IDS, build_log_modal
from bot.ui.messages import (
    ANSWER_SAVE_FAILED,
    DM_HELP,
    PRESS_FAILED,
    SAVE_FAILED,
    STORE_UNAVAILABLE,
)
from bot.ui.nudges import EMAIL_SENT
from tests.e2e.test_log_submission import answers
from tests.harness import DANA, RunningBot, fixture_json, start_bot
from tests.outage import Outage, database_outage

DM = "D0456EFGH"
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}


@pytest.fixture
def outage(postgres_url: str | None, tmp_path: Path) -> Iterator[Outage]:
    with database_outage(postgres_url, tmp_path) as down:
        yield down


@pytest.fixture
def down(standin: SlackStandIn, clock: FixedClock, outage: Outage) -> Iterator[RunningBot]:
    bot = start_bot(standin, clock, outage.database)
    try:
        yield bot
    finally:
        bot.idle()
        bot.server.stop()


def _only_one_warning(caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    """The outage's one warning checked (no traceback anywhere); returns the request's one
    INFO line, which names what was not handled."""
    # waitress warns of its own queue when the machine is busy; that is not the bot's.
    loud = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and not r.name.startswith("waitress")
    ]
    assert len(loud) == 1, [r.getMessage() for r in loud]
    [warning] = loud
    assert warning.getMessage().startswith("database unavailable")
    assert all(r.exc_info is None for r in caplog.records)
    assert "Traceback" not in caplog.text
    [line] = [r for r in caplog.records if r.name == "bot.listeners.error_handler"]
    assert line.levelno == logging.INFO
    assert "database unavailable" in line.getMessage()
    return line


def _receipts(outage: Outage) -> list[str]:
    with outage.database.transaction() as session:
        return list(session.scalars(select(EventReceipt.event_id)))


def test_a_dm_answer_is_apologised_for_and_left_for_slacks_retry(
    down: RunningBot, outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        reply = down.slack.direct_message(
            "It went well", DANA, DM, thread_ts="1700000000.000100", event_id="Ev0DOWN0001"
        )
        down.idle()

    assert reply.status == 200
    [apology] = [c.params for c in down.standin.calls_to("chat.postMessage")]
    assert apology["text"] == ANSWER_SAVE_FAILED
    assert (apology["channel"], apology["thread_ts"]) == (DM, "1700000000.000100")
    assert "event message" in _only_one_warning(caplog).getMessage()

    # Back up: Slack's retry of the same event is handled, not taken for a redelivery.
    outage.restore()
    retry = down.slack.direct_message(
        "It went well", DANA, DM, event_id="Ev0DOWN0001", extra_headers=RETRY
    )
    down.idle()

    assert retry.status == 200
    assert [c.params["text"] for c in down.standin.calls_to("chat.postMessage")][1:] == [DM_HELP]
    assert _receipts(outage) == ["Ev0DOWN0001"]


def test_an_edited_answer_is_apologised_for_too(
    down: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    edit = fixture_json("event_message_im_edited.json")

    with caplog.at_level(logging.INFO):
        reply = down.slack.post(json.dumps(edit), "application/json")
        down.idle()

    assert reply.status == 200
    [apology] = [c.params for c in down.standin.calls_to("chat.postMessage")]
    assert (apology["channel"], apology["text"]) == (edit["event"]["channel"], ANSWER_SAVE_FAILED)
    _only_one_warning(caplog)


def test_opening_home_gets_200_and_no_view(
    down: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        home = fixture_json("event_app_home_opened.json")
        reply = down.slack.post(json.dumps(home), "application/json")
        down.idle()

    assert reply.status == 200
    assert down.standin.calls_to("views.publish") == []
    assert down.standin.calls_to("chat.postMessage") == []
    assert "event app_home_opened" in _only_one_warning(caplog).getMessage()


def test_a_command_is_answered_only_to_the_person(
    down: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        reply = down.slack.slash_command("list", DANA)
        down.idle()

    assert reply.status == 200
    assert reply.json() == {"text": STORE_UNAVAILABLE, "response_type": "ephemeral"}
    _only_one_warning(caplog)


def test_logging_opens_the_form_then_says_the_notes_are_away(
    down: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        reply = down.slack.slash_command("logged Acme", DANA)
        down.idle()

    assert reply.status == 200
    assert len(down.standin.calls_to("views.open")) == 1  # the trigger would not wait
    [told] = [c.params for c in down.standin.calls_to("response_url")]
    assert (told["text"], told["response_type"]) == (STORE_UNAVAILABLE, "ephemeral")
    _only_one_warning(caplog)


def test_a_press_asks_to_try_again(down: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    container = {"type": "message", "message_ts": "1.2", "channel_id": DM}
    message = {"ts": "1.2", "blocks": [], "text": "Send a thank-you note"}
    action = {"action_id": EMAIL_SENT, "block_id": "nudge:1", "value": "1"}

    with caplog.at_level(logging.INFO):
        reply = down.slack.block_action(action, container=container, message=message)
        down.idle()

    assert reply.status == 200
    assert [c.params["text"] for c in down.standin.calls_to("response_url")] == [PRESS_FAILED]
    assert down.standin.calls_to("chat.update") == []
    _only_one_warning(caplog)


def test_a_modal_keeps_its_input_and_says_to_save_again(
    down: RunningBot, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    view = {**build_log_modal(now=clock.now(), company="Acme"), "id": "V0DOWN0002"}

    with caplog.at_level(logging.INFO):
        reply = down.slack.view_submission(view, fill_view_state(view, answers(down)), DANA)
        down.idle()

    assert reply.status == 200
    assert reply.json() == {
        "response_action": "errors",
        "errors": {BLOCK_IDS["company"]: SAVE_FAILED},
    }
    _only_one_warning(caplog)
