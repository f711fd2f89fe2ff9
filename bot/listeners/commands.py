"""The `/interview` slash command."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.coach.errors import StoreUnavailable
from bot.coach.interviews import active_interviews
from bot.listeners.slack_io import open_log_modal
from bot.services import Services
from bot.ui.command_text import Subcommand, parse_command, usage_text
from bot.ui.messages import STORE_UNAVAILABLE, interview_list


def register(app: App, services: Services) -> None:
    @app.command("/interview")
    def interview_command(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        parsed = parse_command(command.get("text"))
        team_id, user_id = command["team_id"], command["user_id"]
        if parsed.subcommand is Subcommand.LOGGED:
            ack()
            open_log_modal(
                client,
                services,
                trigger_id=command["trigger_id"],
                team_id=team_id,
                user_id=user_id,
                company=parsed.argument,
                tell_person=lambda text: respond(text=text, response_type="ephemeral"),
            )
        elif parsed.subcommand is Subcommand.LIST:
            try:
                text = interview_list(active_interviews(services.db, team_id, user_id))
            except StoreUnavailable:
                text = STORE_UNAVAILABLE
            ack(text=text, response_type="ephemeral")
        else:
            ack(text=usage_text(parsed), response_type="ephemeral")
