"""Events API: DMs (answers to the reflection questions, and edits of them), the Home tab,
the app being removed, and a person's new time zone.

Every subscribed event has a listener, even one that only ignores it; anything else still
gets its 200 (error_handler), since Slack retries an event it sees refused.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk import WebClient

from bot.coach.people import deactivate_workspace, follow_zone
from bot.coach.reflections import answer_by_edit, answer_by_message
from bot.listeners.answer_routing import ask_which_interview
from bot.listeners.context import services_of
from bot.listeners.slack_io import message_text, publish_home, show_answer
from bot.rules.view_models import AnswerStatus
from bot.services import Services
from bot.slack.oauth import installation_store_of

logger = logging.getLogger(__name__)

# Message subtypes that are still a person writing: plain, with a file attached, or a thread
# reply also sent to the DM ("Also send to direct message").
_WRITTEN = frozenset({None, "file_share", "thread_broadcast"})
EDITED = "message_changed"


def _written_by_a_person(message: dict[str, Any]) -> bool:
    return not message.get("bot_id") and bool(message.get("user"))


def handle_message(
    event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """A person writing in their DM with the bot gets a reply; editing an answer edits it.

    The bot's own echoes, deletions and the like arrive here too, and are left alone.
    """
    if event.get("channel_type") != "im":
        return
    team_id = str(body.get("team_id") or event.get("team"))
    services = services_of(context)
    if event.get("subtype") == EDITED:
        _edited(event, team_id, client, services)
    elif event.get("subtype") in _WRITTEN and _written_by_a_person(event):
        _written(event, team_id, client, services)


def _written(event: dict[str, Any], team_id: str, client: WebClient, services: Services) -> None:
    channel, thread_ts = event["channel"], event.get("thread_ts")
    result = answer_by_message(
        services.db,
        team_id=team_id,
        user_id=event["user"],
        channel_id=channel,
        thread_ts=thread_ts,
        message_ts=str(event["ts"]),
        text=message_text(client, event.get("text") or ""),
        now=services.clock.now(),
        playbook=services.playbook,
    )
    if result.status is AnswerStatus.WHICH_INTERVIEW:
        # Several prompts it could answer: ask, and store it on the person's pick.
        ask_which_interview(
            client, result, channel=channel, message_ts=str(event["ts"]), thread_ts=thread_ts
        )
        return
    # Answers are kept together under the prompt they belong to; anything else is
    # answered where it was written.
    show_answer(client, services, result, channel=channel, thread_ts=thread_ts)


def _edited(event: dict[str, Any], team_id: str, client: WebClient, services: Services) -> None:
    message, before = event.get("message") or {}, event.get("previous_message") or {}
    if not _written_by_a_person(message) or not message.get("ts"):
        return
    if message.get("text") == before.get("text"):
        return  # Slack unfurled a link or the like: the words are the same
    result = answer_by_edit(
        services.db,
        team_id=team_id,
        user_id=message["user"],
        message_ts=str(message["ts"]),
        text=message_text(client, message.get("text") or ""),
        now=services.clock.now(),
        playbook=services.playbook,
    )
    if result is None or result.status is AnswerStatus.UNCHANGED:
        return  # not an answer (any more), or edited back to what is stored
    show_answer(client, services, result)


def handle_home_opened(
    event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Publish the person's Home tab: their interviews in progress and a button to log one."""
    if event.get("tab") != "home":
        return
    publish_home(client, services_of(context), team_id=body["team_id"], user_id=event["user"])


def handle_app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
    """The workspace removed the app: stop coaching everyone there, and (OAuth) forget its
    installation, tokens and all, through Bolt's own revocation listener."""
    services = services_of(context)
    store = installation_store_of(services.clients)
    if store is not None:
        TokenRevocationListeners(store).handle_app_uninstalled_events(context)
    stopped = deactivate_workspace(services.db, body["team_id"], services.clock.now())
    logger.warning(
        "app uninstalled from %s; stopped coaching %d people, %d pending nudge(s)",
        body["team_id"],
        stopped.people,
        stopped.nudges,
    )


def handle_tokens_revoked(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext
) -> None:
    """The bot's token was revoked: as good as uninstalled. User tokens alone do not matter."""
    if not (event.get("tokens") or {}).get("bot"):
        return  # only user tokens went, and the bot uses none
    services = services_of(context)
    store = installation_store_of(services.clients)
    if store is not None:
        # Bolt's own listener deletes the bot's rows from the installation store.
        TokenRevocationListeners(store).handle_tokens_revoked_events(event, context)
    stopped = deactivate_workspace(services.db, body["team_id"], services.clock.now())
    logger.warning(
        "bot token revoked in %s; stopped coaching %d people, %d pending nudge(s)",
        body["team_id"],
        stopped.people,
        stopped.nudges,
    )


def handle_user_change(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """A person's profile changed; when their time zone did, their plan follows it at once
    (someone who travels gets their follow-ups at 10:00 where they are now)."""
    user = event.get("user") or {}
    user_id, tz = user.get("id"), user.get("tz")
    if not user_id or not tz:
        return
    team_id = str(user.get("team_id") or body.get("team_id"))
    services = services_of(context)
    changed = follow_zone(
        services.db, team_id, user_id, tz, services.clock.now(), playbook=services.playbook
    )
    if changed is not None:
        logger.info(
            "time zone of %s in %s changed; %d nudge(s) re-planned", user_id, team_id, changed
        )


def register(app: App) -> None:
    app.event("message")(handle_message)
    app.event("app_home_opened")(handle_home_opened)
    app.event("app_uninstalled")(handle_app_uninstalled)
    app.event("tokens_revoked")(handle_tokens_revoked)
    app.event("user_change")(handle_user_change)
