"""Modal submissions."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.coach.interview_form import validate_interview_form
from bot.coach.interviews import log_interview
from bot.coach.people import find_person, known_zone
from bot.listeners.slack_io import send_dm
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
        now = services.clock.now()
        with services.db.transaction() as session:
            person = find_person(session, team_id, user_id)
            tz = known_zone(person.tz if person else None)
        checked = validate_interview_form(read_submission(view), now=now, tz=tz)
        if isinstance(checked, dict):
            ack(response_action="errors", errors=block_errors(checked))
            return
        try:
            with services.db.transaction() as session:
                result = log_interview(
                    session,
                    team_id=team_id,
                    user_id=user_id,
                    draft=checked,
                    now=now,
                    source_view_id=view.get("id"),
                )
        except SQLAlchemyError:
            logger.exception("could not store an interview for %s", user_id)
            ack(response_action="errors", errors={BLOCK_IDS["company"]: SAVE_FAILED})
            return
        # Saved before the ack: once the modal closes, the interview is safe.
        ack()
        if result.created:
            text, blocks = logged_confirmation(result.interview)
            send_dm(client, services, team_id=team_id, user_id=user_id, text=text, blocks=blocks)
