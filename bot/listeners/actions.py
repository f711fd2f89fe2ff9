"""Button presses."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.listeners.slack_io import open_log_modal
from bot.listeners.views import team_of
from bot.services import Services
from bot.ui.home import OPEN_LOG_MODAL


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
