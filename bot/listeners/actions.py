"""Button presses: the Home tab's "Log an interview", and the controls on the coach's nudges."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.coach.choices import record_choice
from bot.coach.errors import StoreUnavailable
from bot.coach.reflections import reflection_prompt
from bot.listeners.slack_io import (
    open_log_modal,
    open_modal,
    pressed_message,
    tell_ephemeral,
    update_message,
)
from bot.listeners.view_submissions import team_of
from bot.rules.view_models import AnswerStatus, ChoiceStatus
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
    nudge_id_of,
    parse_press,
    pressed_line,
    render_nudge,
)
from bot.ui.reflection_modal import build_reflection_modal

logger = logging.getLogger(__name__)

# What to tell the presser when nothing changed; the message itself stays as it is.
_REFUSALS = {
    ChoiceStatus.NOT_OWNER: NOT_YOURS,
    ChoiceStatus.UNKNOWN: UNKNOWN_NUDGE,
    ChoiceStatus.INVALID: INVALID_CHOICE,
}
# Why the Answer modal does not open.
_PROMPT_REFUSALS = {
    AnswerStatus.NOT_OWNER: NOT_YOURS,
    AnswerStatus.NO_OPEN_PROMPT: PROMPT_CLOSED,
    AnswerStatus.UNKNOWN: UNKNOWN_NUDGE,
}


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
        press = parse_press(action)
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
        if refusal is not None or result.view is None:
            tell_ephemeral(client, body, refusal or UNKNOWN_NUDGE, respond)
            return
        # Rendered from what the database holds, so presses racing on one message each
        # leave every recorded line, whatever copy of the message their payload carried.
        text, blocks = render_nudge(result.view, services.playbook)
        where = pressed_message(body)
        updated = where is not None and update_message(
            client, channel=where[0], ts=where[1], text=text, blocks=blocks
        )
        if not updated or result.status is ChoiceStatus.CLOSED:
            # Say what the press did when the message cannot show it (it was recorded all the
            # same), or when it did nothing because the interview had closed.
            tell_ephemeral(client, body, pressed_line(result.view, choice), respond)

    for action_id in ACTION_IDS.values():
        app.action(action_id)(nudge_pressed)

    @app.action(ANSWER)
    def answer_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        nudge_id = nudge_id_of(action)
        if nudge_id is None:
            tell_ephemeral(client, body, UNKNOWN_NUDGE, respond)
            return
        try:
            prompt = reflection_prompt(
                services.db,
                nudge_id=nudge_id,
                team_id=team_of(body),
                user_id=body["user"]["id"],
                playbook=services.playbook,
            )
        except StoreUnavailable as exc:
            logger.error("could not read reflection prompt %s: %s", nudge_id, exc)
            tell_ephemeral(client, body, PRESS_FAILED, respond)
            return
        if isinstance(prompt, AnswerStatus):
            tell_ephemeral(client, body, _PROMPT_REFUSALS.get(prompt, UNKNOWN_NUDGE), respond)
            return
        open_modal(
            client,
            trigger_id=body["trigger_id"],
            view=build_reflection_modal(prompt, services.playbook),
            user_id=body["user"]["id"],
            tell_person=lambda text: tell_ephemeral(client, body, text, respond),
            failed_text=ANSWER_MODAL_FAILED,
        )
