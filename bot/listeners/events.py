"""Events API: DMs (answers to the reflection questions), the Home tab, and the app being removed.

Every subscribed event has a listener, even one that only ignores it: Bolt answers 404
to an unmatched event and Slack would keep retrying it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.coach.errors import StoreUnavailable
from bot.coach.event_receipts import first_delivery
from bot.coach.people import deactivate_workspace
from bot.coach.reflections import answer_by_message
from bot.listeners.slack_io import publish_home, reply_in_thread, show_answer
from bot.services import Services
from bot.ui.messages import ANSWER_SAVE_FAILED
from bot.ui.text import unescape_slack_text

logger = logging.getLogger(__name__)


def register_middleware(app: App, services: Services) -> None:
    @app.middleware
    def once_per_event(body: dict[str, Any], next_: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id")
        if (
            body.get("type") == "event_callback"
            and event_id
            and not first_delivery(services.db, str(event_id), services.clock.now())
        ):
            logger.info("event %s already handled; ignoring the redelivery", event_id)
            return BoltResponse(status=200, body="")
        next_()
        return None


def _is_person_writing(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def register(app: App, services: Services) -> None:
    @app.event("message")
    def direct_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        # Edits, deletions and the bot's own echoes arrive here too: only people get a reply.
        if not _is_person_writing(event):
            return
        channel, thread_ts = event["channel"], event.get("thread_ts")
        try:
            result = answer_by_message(
                services.db,
                team_id=str(body.get("team_id") or event.get("team")),
                user_id=event["user"],
                channel_id=channel,
                thread_ts=thread_ts,
                # Slack escapes &, < and > in what people type: store it as they typed it.
                text=unescape_slack_text(event.get("text") or ""),
                now=services.clock.now(),
                playbook=services.playbook,
            )
        except StoreUnavailable as exc:
            logger.error("could not store a DM answer from %s: %s", event["user"], exc)
            reply_in_thread(client, channel=channel, thread_ts=thread_ts, text=ANSWER_SAVE_FAILED)
            return
        # Answers are kept together under the prompt they belong to; anything else is
        # answered where it was written.
        show_answer(client, services, result, channel=channel, thread_ts=thread_ts)

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        publish_home(client, services, team_id=body["team_id"], user_id=event["user"])

    @app.event("app_uninstalled")
    def app_uninstalled(body: dict[str, Any]) -> None:
        stopped = deactivate_workspace(services.db, body["team_id"], services.clock.now())
        logger.warning(
            "app uninstalled from %s; stopped coaching %d people, %d pending nudge(s)",
            body["team_id"],
            stopped.people,
            stopped.nudges,
        )

    @app.event("tokens_revoked")
    def tokens_revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        if not (event.get("tokens") or {}).get("bot"):
            return  # only user tokens went, and the bot uses none
        stopped = deactivate_workspace(services.db, body["team_id"], services.clock.now())
        logger.warning(
            "bot token revoked in %s; stopped coaching %d people, %d pending nudge(s)",
            body["team_id"],
            stopped.people,
            stopped.nudges,
        )
