"""'Change its time' on the evening-before reminder: the press opens the modal, the
submission moves the interview and re-plans at once."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.coach.rescheduling import change_interview_time, interview_for_change
from bot.listeners.context import services_of
from bot.listeners.slack_io import open_modal, publish_home, tell_ephemeral
from bot.listeners.view_submissions import team_of
from bot.ui import change_time_modal
from bot.ui.messages import UNKNOWN_NUDGE
from bot.ui.nudges import nudge_id_of
from bot.ui.nudges.ids import CHANGE_TIME

MODAL_FAILED = "Slack did not open the form ({error}). Please press the button again."


def handle_change_time_press(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Open the modal, prefilled with the interview's time; or say why not."""
    ack()
    services = services_of(context)
    nudge_id = nudge_id_of(action)
    if nudge_id is None:
        tell_ephemeral(client, body, UNKNOWN_NUDGE, respond)
        return
    interview = interview_for_change(
        services.db, nudge_id=nudge_id, team_id=team_of(body), user_id=body["user"]["id"]
    )
    if isinstance(interview, str):
        tell_ephemeral(client, body, interview, respond)
        return
    open_modal(
        client,
        trigger_id=body["trigger_id"],
        view=change_time_modal.build_change_time_modal(interview),
        user_id=body["user"]["id"],
        tell_person=lambda text: tell_ephemeral(client, body, text, respond),
        failed_text=MODAL_FAILED,
    )


def handle_change_time_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Move the interview (or name the problem under the picker), then refresh Home."""
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    interview_id = change_time_modal.interview_id_of(view)
    if interview_id is None:
        ack(response_action="errors", errors=change_time_modal.block_errors(UNKNOWN_NUDGE))
        return
    result = change_interview_time(
        services.db,
        interview_id=interview_id,
        team_id=team_id,
        user_id=user_id,
        starts_at=change_time_modal.read_new_time(view),
        now=services.clock.now(),
        playbook=services.playbook,
    )
    if isinstance(result, str):
        ack(response_action="errors", errors=change_time_modal.block_errors(result))
        return
    # Stored and re-planned before the ack: once the modal closes, the new time holds.
    ack()
    publish_home(client, services, team_id=team_id, user_id=user_id)


def register(app: App) -> None:
    app.action(CHANGE_TIME)(handle_change_time_press)
    app.view(change_time_modal.CALLBACK_ID)(handle_change_time_submission)
