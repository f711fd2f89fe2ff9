"""Reopen: on the DM that confirms a close (and the auto-close's), and on the Home tab."""

from __future__ import annotations

import dataclasses
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.coach.outcomes import ReopenResult, ReopenStatus, reopen
from bot.listeners.context import services_of
from bot.listeners.grouped_press import render_pressed
from bot.listeners.slack_io import pressed_message, publish_home, tell_ephemeral, update_message
from bot.listeners.view_submissions import team_of
from bot.ui.messages import NOT_YOURS, UNKNOWN_NUDGE
from bot.ui.nudges import nudge_id_of
from bot.ui.nudges.ids import REOPEN, parse_id
from bot.ui.outcomes import (
    HOME_REOPEN,
    already_open_text,
    later_round_text,
    reopened_text,
    too_late_text,
)


def _answer(result: ReopenResult) -> str:
    name = result.interview
    match result.status:
        case ReopenStatus.REOPENED:
            assert name is not None
            return reopened_text(name)
        case ReopenStatus.ALREADY_OPEN:
            assert name is not None
            return already_open_text(name)
        case ReopenStatus.TOO_LATE:
            assert name is not None
            return too_late_text(name)
        case ReopenStatus.LATER_ROUND:
            assert name is not None
            return later_round_text(name)
        case ReopenStatus.NOT_OWNER:
            return NOT_YOURS
    return UNKNOWN_NUDGE


def handle_reopen_press(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Reopen from a DM: the message then shows the interview open again (or, pressed too
    late, without the button), and the presser is told what happened."""
    ack()
    services = services_of(context)
    nudge_id = nudge_id_of(action)
    person = (team_of(body), body["user"]["id"])
    result = (
        reopen(
            services.db,
            team_id=person[0],
            user_id=person[1],
            now=services.clock.now(),
            playbook=services.playbook,
            nudge_id=nudge_id,
        )
        if nudge_id is not None
        else ReopenResult(ReopenStatus.UNKNOWN)
    )
    view = result.view
    if view is not None and result.status is not ReopenStatus.NOT_OWNER:
        if result.status in {ReopenStatus.TOO_LATE, ReopenStatus.LATER_ROUND}:
            view = dataclasses.replace(view, reopen_until=None)  # no longer offered
        text, blocks = render_pressed(services.db, services.playbook, body, view, person)
        where = pressed_message(body)
        if where is not None:
            update_message(client, channel=where[0], ts=where[1], text=text, blocks=blocks)
    tell_ephemeral(client, body, _answer(result), respond)
    if result.status is ReopenStatus.REOPENED:
        publish_home(client, services, team_id=person[0], user_id=person[1])


def handle_home_reopen(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Reopen from the Home tab's "Closed today": the tab is published again, with a line
    saying what happened."""
    ack()
    services = services_of(context)
    interview_id = parse_id(str(action.get("value") or ""))
    team_id, user_id = team_of(body), body["user"]["id"]
    result = (
        reopen(
            services.db,
            team_id=team_id,
            user_id=user_id,
            now=services.clock.now(),
            playbook=services.playbook,
            interview_id=interview_id,
        )
        if interview_id is not None
        else ReopenResult(ReopenStatus.UNKNOWN)
    )
    publish_home(client, services, team_id=team_id, user_id=user_id, notice=_answer(result))


def register(app: App) -> None:
    app.action(REOPEN)(handle_reopen_press)
    app.action(HOME_REOPEN)(handle_home_reopen)
