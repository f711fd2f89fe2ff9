"""The person's data, from Slack: `/interview export` and `/interview delete my data` (in
commands.py, which calls these), the Home tab's "Export my data" and "Delete my data", and
the delete confirmation's submission. The slow part of each runs after the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coach.people import dm_channel_of
from bot.coach.personal_data import data_counts, delete_person, export_person
from bot.listeners.context import services_of
from bot.listeners.slack_io import open_modal, publish_home
from bot.listeners.view_submissions import team_of
from bot.rules.personal_export import CSV_FILENAME, JSON_FILENAME, applications_csv, export_json
from bot.services import Services
from bot.slack.cleanup import CLEANUP, BotIdentity, delete_dm_messages
from bot.slack.errors import SLACK_CALL_ERRORS, failure_reason
from bot.ui import my_data
from bot.ui.home import DELETE_MY_DATA, EXPORT_MY_DATA

logger = logging.getLogger(__name__)


def send_export(
    client: WebClient,
    services: Services,
    *,
    team_id: str,
    user_id: str,
    tell_person: Callable[[str], Any],
) -> bool:
    """Upload the person's export (JSON and CSV) to their DM with `files_upload_v2`; on
    failure, log Slack's reason (never the content) and tell them."""
    export = export_person(services.db, team_id, user_id, services.clock.now())
    try:
        channel = dm_channel_of(services.db, team_id, user_id) or _open_dm(client, user_id)
        client.files_upload_v2(
            channel=channel,
            initial_comment=my_data.EXPORT_READY,
            file_uploads=[
                {"content": export_json(export), "filename": JSON_FILENAME, "title": JSON_FILENAME},
                {
                    "content": applications_csv(export),
                    "filename": CSV_FILENAME,
                    "title": CSV_FILENAME,
                },
            ],
        )
    except SLACK_CALL_ERRORS as exc:
        logger.warning("export upload for %s failed: %s", user_id, failure_reason(exc))
        tell_person(my_data.EXPORT_FAILED.format(error=failure_reason(exc)))
        return False
    logger.info("sent %s their export (%d interview(s))", user_id, len(export.interviews))
    return True


def _open_dm(client: WebClient, user_id: str) -> str:
    # Not remembered: that would store a row for someone the coach may not know.
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def handle_export_button(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The Home tab's "Export my data": acked at once, the file follows in the DM."""
    ack()
    user_id = body["user"]["id"]
    send_export(
        client,
        services_of(context),
        team_id=team_of(body),
        user_id=user_id,
        tell_person=lambda text: _post(client, user_id, text),
    )


def open_delete_modal(
    client: WebClient,
    services: Services,
    *,
    trigger_id: str,
    team_id: str,
    user_id: str,
    tell_person: Callable[[str], Any] | None = None,
) -> bool:
    """The confirmation, naming what will go."""
    return open_modal(
        client,
        trigger_id=trigger_id,
        view=my_data.delete_modal(data_counts(services.db, team_id, user_id)),
        user_id=user_id,
        tell_person=tell_person,
        failed_text=my_data.DELETE_FAILED,
    )


def handle_delete_button(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The Home tab's "Delete my data"."""
    ack()
    open_delete_modal(
        client,
        services_of(context),
        trigger_id=body["trigger_id"],
        team_id=team_of(body),
        user_id=body["user"]["id"],
    )


def handle_delete_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Delete every row about the person (one transaction, before the ack), then, unless
    they kept them, the coach's messages in their DM; then say what went."""
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    deleted = delete_person(services.db, team_id, user_id)
    ack()
    logger.info("deleted the data of %s on their request", user_id)
    services.db.scrub_journal()  # after the ack: it may wait on readers
    channels = {k: list(v) for k, v in deleted.sent_messages.items()}
    if deleted.dm_channel_id is not None:
        channels.setdefault(deleted.dm_channel_id, [])
    removed: int | None = None
    failed = files = 0
    if not my_data.keeps_messages(view):
        cleaner = services.clients.with_profile(CLEANUP).client_for(team_id)
        if not channels:
            # Nothing known of their DM (their data went before, keeping the messages): the
            # DM itself still holds what the coach sent, which this delete promises to take.
            try:
                channels[_open_dm(cleaner, user_id)] = []
            except SLACK_CALL_ERRORS as exc:
                logger.warning("could not open the DM of %s: %s", user_id, failure_reason(exc))
        bot = BotIdentity(context.bot_user_id, context.bot_id)
        result = delete_dm_messages(cleaner, channels, bot)
        removed, failed, files = result.deleted, result.failed, result.files
    # The last word goes where the messages were (after them, so it is not deleted).
    where = deleted.dm_channel_id or next(iter(channels), None)
    text = my_data.deleted_text(deleted.counts, removed, failed, files)
    _post(client, user_id, text, where)
    publish_home(client, services, team_id=team_id, user_id=user_id)


def _post(client: WebClient, user_id: str, text: str, channel: str | None = None) -> None:
    """A DM straight through Slack, stored nowhere: the coach may no longer know them."""
    try:
        client.chat_postMessage(channel=channel or _open_dm(client, user_id), text=text)
    except SLACK_CALL_ERRORS as exc:
        logger.warning("DM to %s failed: %s", user_id, failure_reason(exc))


def register(app: App) -> None:
    """Before actions.register: its catch-all takes every action no listener took first."""
    app.action(EXPORT_MY_DATA)(handle_export_button)
    app.action(DELETE_MY_DATA)(handle_delete_button)
    app.view(my_data.DELETE_CALLBACK_ID)(handle_delete_submission)
