"""The Draft button on the coach's messages: open the person's drafts in a modal, save their
edits, and show them copy-ready. Nothing is sent for them, and no draft goes into a log.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.coach.drafts import DraftStatus, open_drafts, save_drafts
from bot.listeners.context import services_of
from bot.listeners.slack_io import open_modal, refresh_profile, tell_ephemeral
from bot.listeners.view_submissions import team_of
from bot.rules.draft_sheet import EditProblem
from bot.ui import draft_modal
from bot.ui.messages import (
    DRAFT_MODAL_FAILED,
    DRAFTS_GONE,
    NOT_YOUR_DRAFTS,
    NOT_YOUR_DRAFTS_SAVE,
    UNKNOWN_NUDGE,
)
from bot.ui.nudges import DRAFT, nudge_id_of

logger = logging.getLogger(__name__)

_OPEN_IN_EMAIL = re.compile(f"^{re.escape(draft_modal.OPEN_IN_EMAIL_ACTION)}")


def handle_draft_press(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Open the message's drafts for their owner at once (the trigger lasts 3 s), then learn
    their display name anew for the next drafts' sign-off."""
    ack()
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    nudge_id = nudge_id_of(action)
    sheet = (
        open_drafts(
            services.db,
            nudge_id=nudge_id,
            team_id=team_id,
            user_id=user_id,
            playbook=services.playbook,
        )
        if nudge_id is not None
        else DraftStatus.UNKNOWN
    )
    if isinstance(sheet, DraftStatus):
        refusal = NOT_YOUR_DRAFTS if sheet is DraftStatus.NOT_OWNER else UNKNOWN_NUDGE
        tell_ephemeral(client, body, refusal, respond)
        return
    opened = open_modal(
        client,
        trigger_id=body["trigger_id"],
        view=draft_modal.build_draft_modal(sheet),
        user_id=user_id,
        tell_person=lambda text: tell_ephemeral(client, body, text, respond),
        failed_text=DRAFT_MODAL_FAILED,
    )
    if opened:
        refresh_profile(client, services, team_id=team_id, user_id=user_id)


def handle_open_in_email(ack: Ack) -> None:
    """The Copy-ready view's link buttons: Slack opens the link; a press only needs its ack."""
    ack()


def handle_drafts_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    """Store the owner's edits (or say in the modal why not), then show them copy-ready."""
    services = services_of(context)
    first = _first_input(view)
    nudge_id = draft_modal.nudge_id_of(view)
    if nudge_id is None:
        ack(response_action="errors", errors={first: DRAFTS_GONE})
        return
    try:
        saved = save_drafts(
            services.db,
            nudge_id=nudge_id,
            team_id=team_of(body),
            user_id=body["user"]["id"],
            edits=draft_modal.read_edits(view),
            now=services.clock.now(),
            playbook=services.playbook,
        )
    except EditProblem as problem:
        ack(response_action="errors", errors=draft_modal.edit_errors(problem))
        return
    if saved.sheet is None:
        refusal = NOT_YOUR_DRAFTS_SAVE if saved.status is DraftStatus.NOT_OWNER else DRAFTS_GONE
        ack(response_action="errors", errors={first: refusal})
        return
    # Which message and what the Save did; never the drafts themselves.
    logger.info("drafts of nudge %s saved: %s", nudge_id, saved.status.value)
    ack(response_action="update", view=draft_modal.build_copy_ready(saved.sheet))


def _first_input(view: dict[str, Any]) -> str:
    """The first input's block_id: where a refusal of the whole modal is shown."""
    inputs = [b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"]
    return str(next((i for i in inputs if i), "draft"))


def register(app: App) -> None:
    app.action(DRAFT)(handle_draft_press)
    app.block_action(_OPEN_IN_EMAIL)(handle_open_in_email)
    app.view(draft_modal.CALLBACK_ID)(handle_drafts_submission)
