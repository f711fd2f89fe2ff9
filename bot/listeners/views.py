"""Modal submissions."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.coach.errors import StoreUnavailable
from bot.coach.interviews import submit_interview
from bot.listeners.slack_io import publish_home, send_dm
from bot.services import Services
from bot.ui.log_modal import BLOCK_IDS, CALLBACK_ID, block_errors, read_submission
from bot.ui.messages import SAVE_FAILED, logged_confirmation

logger = logging.getLogger(__name__)


def team_of(body: dict[str, Any]) -> str:
    team = body.get("team") or {}
    return str(team.get("id") or body["user"].get("team_id") or body["view"]["team_id"])


def register(app: App, services: Services) -> None:
    @app.view(CALLBACK_ID)
    def log_interview_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        team_id, user_id = team_of(body), body["user"]["id"]
        try:
            outcome = submit_interview(
                services.db,
                team_id=team_id,
                user_id=user_id,
                form=read_submission(view),
                now=services.clock.now(),
                source_view_id=view.get("id"),
            )
        except StoreUnavailable as exc:
            logger.error("could not store an interview for %s: %s", user_id, exc)
            ack(response_action="errors", errors={BLOCK_IDS["company"]: SAVE_FAILED})
            return
        if isinstance(outcome, dict):
            ack(response_action="errors", errors=block_errors(outcome))
            return
        # Saved before the ack: once the modal closes, the interview is safe.
        ack()
        if outcome.created:
            text, blocks = logged_confirmation(outcome.interview)
            send_dm(client, services, team_id=team_id, user_id=user_id, text=text, blocks=blocks)
            publish_home(client, services, team_id=team_id, user_id=user_id)
