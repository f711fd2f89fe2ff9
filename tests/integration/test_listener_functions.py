"""Listeners are plain functions: called here directly, with a recording ack and respond and a
context carrying the services, as Bolt would call them; no HTTP, a real database."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy import select

from bot.clock import FixedClock
from bot.listeners.actions import handle_nudge_press, handle_unknown_button
from bot.listeners.commands import handle_interview_command
from bot.listeners.context import SERVICES
from bot.listeners.events import handle_tokens_revoked
from bot.rules.playbook import default_playbook
from bot.services import Services
from bot.slack.clients import SingleWorkspaceAuthorize, SlackClients
from bot.store.db import Database
from bot.store.models import SlackUser
from bot.ui.messages import STALE_BUTTON, UNKNOWN_NUDGE
from tests.coach_helpers import DANA, TEAM, log

# Nothing listens here: a handler that called Slack would fail loudly.
NO_SLACK = "http://127.0.0.1:9/api/"


class Recorder:
    """Stands in for Bolt's ack or respond: remembers how it was called."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, text: str | None = None, **kwargs: Any) -> None:
        self.calls.append({"text": text, **kwargs} if text is not None else kwargs)


@pytest.fixture
def context(db: Database, clock: FixedClock) -> BoltContext:
    clients = SlackClients(SingleWorkspaceAuthorize("xoxb-unused", {}), NO_SLACK)
    services = Services(db=db, clock=clock, playbook=default_playbook(), clients=clients)
    return BoltContext({SERVICES: services})


def _command(text: str) -> dict[str, str]:
    return {"text": text, "team_id": TEAM, "user_id": DANA, "trigger_id": "1.2.3"}


def test_the_command_lists_the_persons_interviews_from_the_database(
    context: BoltContext, db: Database, clock: FixedClock
) -> None:
    log(db, clock.now(), company="Globex")
    ack, respond = Recorder(), Recorder()

    handle_interview_command(ack, _command("list"), WebClient(base_url=NO_SLACK), respond, context)

    [acked] = ack.calls
    assert acked["response_type"] == "ephemeral"
    assert "Globex" in acked["text"]
    assert respond.calls == []


def test_the_command_answers_anything_else_with_its_usage(context: BoltContext) -> None:
    ack = Recorder()

    handle_interview_command(ack, _command("frobnicate"), WebClient(), Recorder(), context)

    [acked] = ack.calls
    assert "I don't know `frobnicate`" in acked["text"]
    assert "/interview logged [company]" in acked["text"]


def _press(action_id: str, value: str) -> tuple[dict[str, Any], dict[str, Any]]:
    action = {"action_id": action_id, "block_id": "nudge", "value": value}
    body = {
        "type": "block_actions",
        "user": {"id": DANA, "team_id": TEAM},
        "team": {"id": TEAM},
        "response_url": "https://hooks.slack.com/actions/T0/1/x",
        "actions": [action],
    }
    return body, action


def test_a_press_on_no_such_nudge_is_answered_only_to_the_presser(context: BoltContext) -> None:
    body, action = _press("nudge_email_sent", "987654")
    ack, respond = Recorder(), Recorder()

    handle_nudge_press(ack, body, action, WebClient(base_url=NO_SLACK), respond, context)

    assert ack.calls == [{}]
    assert respond.calls == [
        {"text": UNKNOWN_NUDGE, "response_type": "ephemeral", "replace_original": False}
    ]


def test_a_button_no_listener_knows_is_acked_and_explained(context: BoltContext) -> None:
    body, action = _press("nudge_renamed_long_ago", "1")
    ack, respond = Recorder(), Recorder()

    handle_unknown_button(ack, body, action, WebClient(base_url=NO_SLACK), respond)

    assert ack.calls == [{}]
    assert [c["text"] for c in respond.calls] == [STALE_BUTTON]


def test_a_revoked_bot_token_stops_coaching_the_workspace(
    context: BoltContext, db: Database, clock: FixedClock
) -> None:
    log(db, clock.now())
    event = {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT5678"]}}

    handle_tokens_revoked(event, {"team_id": TEAM, "event": event}, context)

    with db.transaction() as session:
        assert session.scalars(select(SlackUser.deactivated_at)).one() == clock.now()
