"""The person's own rhythm: the settings modal (from the Home tab and `/interview
settings`), and pausing or resuming from the Home tab. `/interview pause` and `resume` are
in commands.py, beside the other subcommands."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coach.people import pause_coaching, resume_coaching, save_settings, settings_of, zone_of
from bot.listeners.context import services_of
from bot.listeners.slack_io import open_modal, publish_home
from bot.listeners.view_submissions import team_of
from bot.rules.pausing import PauseRefused, read_pause
from bot.rules.person_settings import read_settings
from bot.services import Services
from bot.ui import settings_modal
from bot.ui.home import OPEN_SETTINGS, PAUSE_UNTIL, RESUME

logger = logging.getLogger(__name__)

SETTINGS_FAILED = "I couldn't open your settings ({error}). Please try again."


def open_settings_modal(
    client: WebClient,
    services: Services,
    *,
    trigger_id: str,
    team_id: str,
    user_id: str,
    tell_person: Callable[[str], Any] | None = None,
) -> bool:
    """Open the settings modal, filled in with the person's settings as they stand."""
    current, zone_country = settings_of(services.db, team_id, user_id)
    return open_modal(
        client,
        trigger_id=trigger_id,
        view=settings_modal.settings_modal(current, zone_country, services.retention),
        user_id=user_id,
        tell_person=tell_person,
        failed_text=SETTINGS_FAILED,
    )


def handle_settings_button(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The Home tab's "Settings"."""
    ack()
    open_settings_modal(
        client,
        services_of(context),
        trigger_id=body["trigger_id"],
        team_id=team_of(body),
        user_id=body["user"]["id"],
    )


def handle_settings_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Store the settings (or name each field's problem) and re-plan by them at once."""
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    settings = read_settings(settings_modal.read_submission(view))
    if isinstance(settings, dict):
        ack(response_action="errors", errors=settings_modal.block_errors(settings))
        return
    save_settings(
        services.db, team_id, user_id, settings, services.clock.now(), playbook=services.playbook
    )
    ack()  # saved before the ack: once the modal closes, the settings are safe
    publish_home(client, services, team_id=team_id, user_id=user_id)


def handle_pause_until(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The Home tab's date picker: paused until the picked day (the Home tab says why not,
    for a day that has begun)."""
    ack()
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    picked = action.get("selected_date") or ""
    now = services.clock.now()
    request = read_pause(picked, now, zone_of(services.db, team_id, user_id))
    notice = None
    if isinstance(request, PauseRefused):
        notice = request.reason
    else:
        pause_coaching(
            services.db, team_id, user_id, now, until=request.until, playbook=services.playbook
        )
    publish_home(client, services, team_id=team_id, user_id=user_id, notice=notice)


def handle_resume(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The Home tab's "Resume"."""
    ack()
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    resume_coaching(services.db, team_id, user_id, services.clock.now(), playbook=services.playbook)
    publish_home(client, services, team_id=team_id, user_id=user_id)


def register(app: App) -> None:
    """Before actions.register: its catch-all takes every action no listener took first."""
    app.action(OPEN_SETTINGS)(handle_settings_button)
    app.action(PAUSE_UNTIL)(handle_pause_until)
    app.action(RESUME)(handle_resume)
    app.view(settings_modal.CALLBACK_ID)(handle_settings_submission)
