"""Rounds of an application: after "Heard back: next round", the "Log round N" offer and its
button, which opens the log modal prefilled from the application and bound to it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.listeners.context import services_of
from bot.listeners.slack_io import open_log_modal, pressed_message
from bot.listeners.view_submissions import team_of
from bot.rules.applications import parse_application_choice
from bot.rules.view_models import NudgeView
from bot.slack.errors import SLACK_CALL_ERRORS, failure_reason
from bot.ui.rounds import next_round_message

logger = logging.getLogger(__name__)


def offer_next_round(client: WebClient, body: dict[str, Any], view: NudgeView) -> None:
    """Post "On to round 2… [Log round 2]" in the DM where "next round" was pressed. The
    press is recorded already; a failed post loses only the shortcut (the Home tab's "Log an
    interview" and `/interview logged` still offer the application)."""
    where = pressed_message(body)
    if where is None or view.interview.application_id is None:
        return
    text, blocks = next_round_message(view.interview)
    try:
        client.chat_postMessage(channel=where[0], text=text, blocks=blocks)
    except SLACK_CALL_ERRORS as exc:
        logger.warning("next-round offer failed: %s", failure_reason(exc))


def handle_log_round_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """ "Log round N": the log modal for the application's next round, prefilled and bound
    to it; for an application that is closed, gone or someone else's, the plain modal."""
    ack()
    open_log_modal(
        client,
        services_of(context),
        trigger_id=body["trigger_id"],
        team_id=team_of(body),
        user_id=body["user"]["id"],
        application_id=parse_application_choice(action.get("value")),
    )
