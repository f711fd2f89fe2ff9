"""The `/interview` slash command."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.coach.application_list import applications_in_progress
from bot.coach.people import pause_coaching, resume_coaching, zone_of
from bot.listeners.context import services_of
from bot.listeners.corrections import answer_edit_command
from bot.listeners.my_data import open_delete_modal, send_export
from bot.listeners.rhythm import open_settings_modal
from bot.listeners.slack_io import open_log_modal
from bot.rules.pausing import PauseRefused, read_pause
from bot.rules.zones import known_zone
from bot.services import Services
from bot.ui import my_data
from bot.ui.command_text import (
    Subcommand,
    parse_command,
    paused_text,
    resumed_text,
    usage_text,
)
from bot.ui.rounds import application_list

COMMAND = "/interview"


def handle_interview_command(
    ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """`logged [company]` opens the log modal; `list` lists applications in progress with
    their rounds; `edit [company]` corrects an interview (bot.listeners.corrections); `pause
    [until DATE]` and `resume` pause and resume the coach; `export` sends the person their
    data and `delete my data` asks to delete it; anything else gets the usage, only to the
    person."""
    services = services_of(context)
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
        applications = applications_in_progress(services.db, team_id, user_id)
        ack(text=application_list(applications, services.clock.now()), response_type="ephemeral")
    elif parsed.subcommand is Subcommand.EDIT:
        answer_edit_command(ack, command, client, respond, services, parsed.argument)
    elif parsed.subcommand is Subcommand.SETTINGS:
        ack()
        open_settings_modal(
            client,
            services,
            trigger_id=command["trigger_id"],
            team_id=team_id,
            user_id=user_id,
            tell_person=lambda text: respond(text=text, response_type="ephemeral"),
        )
    elif parsed.subcommand is Subcommand.PAUSE:
        ack(text=_pause(services, team_id, user_id, parsed.argument), response_type="ephemeral")
    elif parsed.subcommand is Subcommand.RESUME:
        now = services.clock.now()
        state = resume_coaching(services.db, team_id, user_id, now, playbook=services.playbook)
        text = resumed_text(state.was_paused, state.next_due, known_zone(state.tz))
        ack(text=text, response_type="ephemeral")
    elif parsed.subcommand is Subcommand.EXPORT:
        ack(text=my_data.EXPORT_STARTED, response_type="ephemeral")
        send_export(
            client,
            services,
            team_id=team_id,
            user_id=user_id,
            tell_person=lambda text: respond(text=text, response_type="ephemeral"),
        )
    elif parsed.subcommand is Subcommand.DELETE:
        if parsed.argument.lower() not in ("", "my data"):
            ack(text=my_data.DELETE_USAGE, response_type="ephemeral")
            return
        ack()
        open_delete_modal(
            client,
            services,
            trigger_id=command["trigger_id"],
            team_id=team_id,
            user_id=user_id,
            tell_person=lambda text: respond(text=text, response_type="ephemeral"),
        )
    else:
        ack(text=usage_text(parsed), response_type="ephemeral")


def _pause(services: Services, team_id: str, user_id: str, argument: str) -> str:
    """Pause as asked, or say why not; the answer is only for the person."""
    now = services.clock.now()
    tz = zone_of(services.db, team_id, user_id)
    request = read_pause(argument, now, tz)
    if isinstance(request, PauseRefused):
        return request.reason
    state = pause_coaching(
        services.db, team_id, user_id, now, until=request.until, playbook=services.playbook
    )
    return paused_text(state.until, tz, state.moved)


def register(app: App) -> None:
    app.command(COMMAND)(handle_interview_command)
