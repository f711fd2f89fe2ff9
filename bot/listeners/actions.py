"""Button presses: the Home tab's "Log an interview", the controls on the coach's nudges, and
any button this version of the coach does not know."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.coach.choices import record_choice
from bot.coach.reflections import reflection_prompt
from bot.listeners.context import services_of
from bot.listeners.grouped_press import render_pressed
from bot.listeners.rounds import handle_log_round_button, offer_next_round
from bot.listeners.slack_io import (
    open_log_modal,
    open_modal,
    pressed_message,
    tell_ephemeral,
    update_message,
)
from bot.listeners.view_submissions import team_of
from bot.rules.domain import Choice, Outcome
from bot.rules.view_models import AnswerStatus, ChoiceStatus
from bot.slack.errors import SLACK_CALL_ERRORS, failure_reason
from bot.ui.call_questions_modal import build_call_questions_modal, call_questions_reply
from bot.ui.home import OPEN_LOG_MODAL
from bot.ui.messages import (
    ANSWER_MODAL_FAILED,
    INVALID_CHOICE,
    NOT_YOURS,
    PROMPT_CLOSED,
    STALE_BUTTON,
    UNKNOWN_NUDGE,
)
from bot.ui.nudges import (
    ACTION_IDS,
    ANSWER,
    CALL_QUESTIONS,
    nudge_id_of,
    parse_press,
    pressed_line,
)
from bot.ui.reflection_modal import build_reflection_modal
from bot.ui.rounds import LOG_ROUND

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
ANY_ACTION = re.compile(".*")


def handle_log_button(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The Home tab's "Log an interview": the same modal as `/interview logged`."""
    ack()
    open_log_modal(
        client,
        services_of(context),
        trigger_id=body["trigger_id"],
        team_id=team_of(body),
        user_id=body["user"]["id"],
    )


def handle_nudge_press(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Record a choice pressed on a nudge, once and for its owner only, and show it in place."""
    ack()
    services = services_of(context)
    press = parse_press(action)
    if press is None:
        tell_ephemeral(client, body, UNKNOWN_NUDGE, respond)
        return
    choice, nudge_id, option = press
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
    refusal = _REFUSALS.get(result.status)
    if refusal is not None or result.view is None:
        tell_ephemeral(client, body, refusal or UNKNOWN_NUDGE, respond)
        return
    # Rendered from what the database holds, so presses racing on one message each
    # leave every recorded line, whatever copy of the message their payload carried.
    # A grouped DM: only this nudge's part changes (bot.listeners.grouped_press).
    person = (team_of(body), body["user"]["id"])
    text, blocks = render_pressed(services.db, services.playbook, body, result.view, person)
    where = pressed_message(body)
    updated = where is not None and update_message(
        client, channel=where[0], ts=where[1], text=text, blocks=blocks
    )
    if not updated or result.status is ChoiceStatus.CLOSED:
        # Say what the press did when the message cannot show it (it was recorded all the
        # same), or when it did nothing because the interview had closed.
        tell_ephemeral(client, body, pressed_line(result.view, choice), respond)
    if (
        result.status is ChoiceStatus.RECORDED
        and choice is Choice.HEARD_BACK
        and option == Outcome.NEXT_ROUND.value
    ):
        offer_next_round(client, body, result.view)


def handle_answer_press(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Open the Answer modal for the owner's open reflection prompt, or say why not."""
    ack()
    services = services_of(context)
    nudge_id = nudge_id_of(action)
    if nudge_id is None:
        tell_ephemeral(client, body, UNKNOWN_NUDGE, respond)
        return
    prompt = reflection_prompt(
        services.db,
        nudge_id=nudge_id,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        playbook=services.playbook,
    )
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


def handle_call_questions_press(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """Open the call questions (the playbook's, the same for everyone: no ownership to
    check); if Slack will not open the modal, tell them in a note only the presser sees."""
    ack()
    playbook = services_of(context).playbook
    try:
        client.views_open(trigger_id=body["trigger_id"], view=build_call_questions_modal(playbook))
    except SLACK_CALL_ERRORS as exc:
        logger.warning("views.open (call questions) failed: %s", failure_reason(exc))
        tell_ephemeral(client, body, call_questions_reply(playbook, failure_reason(exc)), respond)


def handle_unknown_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """A control no listener above takes: one on a message an older version of the coach sent,
    renamed since. Acked (anything else makes Slack show an error), and the presser told."""
    ack()
    logger.info("press of unknown action %r; told the presser it is stale", action.get("action_id"))
    tell_ephemeral(client, body, STALE_BUTTON, respond)


def register(app: App) -> None:
    app.action(OPEN_LOG_MODAL)(handle_log_button)
    app.action(LOG_ROUND)(handle_log_round_button)
    for action_id in ACTION_IDS.values():
        app.action(action_id)(handle_nudge_press)
    app.action(ANSWER)(handle_answer_press)
    app.action(CALL_QUESTIONS)(handle_call_questions_press)
    # Last: Bolt runs the first listener that matches, so this one takes only the rest.
    app.block_action(ANY_ACTION)(handle_unknown_button)
