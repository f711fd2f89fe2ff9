"""Button presses: the Home tab's "Log an interview", and the controls on the coach's nudges."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coach.choices import record_choice
from bot.coach.errors import StoreUnavailable
from bot.coach.reflections import reflection_prompt
from bot.coach.views import AnswerStatus, ChoiceStatus
from bot.listeners.slack_io import (
    open_log_modal,
    slack_error,
    tell_ephemeral,
    update_message,
)
from bot.listeners.views import team_of
from bot.services import Services
from bot.ui.home import OPEN_LOG_MODAL
from bot.ui.messages import (
    ANSWER_MODAL_FAILED,
    INVALID_CHOICE,
    NOT_YOURS,
    PRESS_FAILED,
    PROMPT_CLOSED,
    UNKNOWN_NUDGE,
)
from bot.ui.nudges import (
    ACTION_IDS,
    ANSWER,
    earlier_records,
    nudge_id_of,
    parse_press,
    render_recorded,
)
from bot.ui.reflection_modal import build_reflection_modal

logger = logging.getLogger(__name__)

# What to tell the presser when nothing changed; the message itself stays as it is.
_REFUSALS = {
    ChoiceStatus.NOT_OWNER: NOT_YOURS,
    ChoiceStatus.UNKNOWN: UNKNOWN_NUDGE,
    ChoiceStatus.INVALID: INVALID_CHOICE,
}


def pressed_message(body: dict[str, Any]) -> tuple[str, str] | None:
    """The channel and ts of the message whose control was pressed."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return (str(channel), str(ts)) if channel and ts else None


def register(app: App, services: Services) -> None:
    @app.action(OPEN_LOG_MODAL)
    def open_log_modal_from_home(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        open_log_modal(
            client,
            services,
            trigger_id=body["trigger_id"],
            team_id=team_of(body),
            user_id=body["user"]["id"],
        )

    def nudge_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        press = parse_press(action, action.get("block_id"))
        if press is None:
            tell_ephemeral(client, body, UNKNOWN_NUDGE, respond)
            return
        choice, nudge_id, option = press
        try:
            result = record_choice(
                services.db,
                nudge_id=nudge_id,
                team_id=team_of(body),
                user_id=body["user"]["id"],
                choice=choice,
                option=option,
                now=services.clock.now(),
                playbook=services.playbook,
            )
        except StoreUnavailable as exc:
            logger.error("could not record %s on nudge %s: %s", choice, nudge_id, exc)
            tell_ephemeral(client, body, PRESS_FAILED, respond)
            return
        refusal = _REFUSALS.get(result.status)
        where = pressed_message(body)
        if refusal is not None or result.view is None or where is None:
            tell_ephemeral(client, body, refusal or UNKNOWN_NUDGE, respond)
            return
        earlier = earlier_records((body.get("message") or {}).get("blocks") or [])
        text, blocks = render_recorded(result, services.playbook, earlier)
        update_message(client, channel=where[0], ts=where[1], text=text, blocks=blocks)

    for action_id in ACTION_IDS.values():
        app.action(action_id)(nudge_pressed)

    @app.action(ANSWER)
    def answer_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        nudge_id = nudge_id_of(action, action.get("block_id"))
        try:
            prompt = (
                reflection_prompt(
                    services.db,
                    nudge_id=nudge_id,
                    team_id=team_of(body),
                    user_id=body["user"]["id"],
                    playbook=services.playbook,
                )
                if nudge_id is not None
                else AnswerStatus.NO_OPEN_PROMPT
            )
        except StoreUnavailable as exc:
            logger.error("could not read reflection prompt %s: %s", nudge_id, exc)
            tell_ephemeral(client, body, PRESS_FAILED, respond)
            return
        if prompt is AnswerStatus.NOT_OWNER:
            tell_ephemeral(client, body, NOT_YOURS, respond)
            return
        if isinstance(prompt, AnswerStatus):
            tell_ephemeral(client, body, PROMPT_CLOSED, respond)
            return
        try:
            client.views_open(
                trigger_id=body["trigger_id"],
                view=build_reflection_modal(prompt, services.playbook),
            )
        except SlackApiError as exc:
            logger.warning("views.open failed for %s: %s", body["user"]["id"], slack_error(exc))
            tell_ephemeral(
                client, body, ANSWER_MODAL_FAILED.format(error=slack_error(exc)), respond
            )
