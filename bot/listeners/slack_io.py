"""The Web API round trips several listeners share: profile, DM, log modal, Home tab."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coach.interview_form import clean_text
from bot.coach.interviews import active_interviews
from bot.coach.people import dm_channel_of, forget_dm_channel, note_profile
from bot.domain import COMPANY_MAX
from bot.services import Services
from bot.ui.home import home_view
from bot.ui.log_modal import build_log_modal
from bot.ui.messages import MODAL_FAILED

logger = logging.getLogger(__name__)


def slack_error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or exc.response.status_code)


def open_log_modal(
    client: WebClient,
    services: Services,
    *,
    trigger_id: str,
    team_id: str,
    user_id: str,
    company: str | None = None,
    tell_person: Callable[[str], Any] | None = None,
) -> bool:
    """Open the modal first (the trigger expires in 3 s), then learn the person's time zone."""
    prefill = clean_text(company)
    view = build_log_modal(
        now=services.clock.now(), company=prefill[:COMPANY_MAX] if prefill else None
    )
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        logger.warning("views.open failed for %s: %s", user_id, slack_error(exc))
        if tell_person is not None:
            tell_person(MODAL_FAILED.format(error=slack_error(exc)))
        return False
    refresh_profile(client, services, team_id=team_id, user_id=user_id)
    return True


def refresh_profile(client: WebClient, services: Services, *, team_id: str, user_id: str) -> None:
    """Store the person's Slack time zone; on failure the last known one (or UTC) stands."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except SlackApiError as exc:
        logger.warning("users.info failed for %s: %s", user_id, slack_error(exc))
        user = {}
    note_profile(services.db, team_id, user_id, services.clock.now(), tz=user.get("tz"))


def send_dm(
    client: WebClient,
    services: Services,
    *,
    team_id: str,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> str | None:
    """Post to the person's DM with the bot, opening it once and caching its id.

    A cached channel Slack no longer knows is dropped and the DM opened afresh, once.
    """
    cached = dm_channel_of(services.db, team_id, user_id)
    for channel in ([cached] if cached else []) + [None]:
        try:
            if channel is None:
                channel = client.conversations_open(users=user_id)["channel"]["id"]
                note_profile(
                    services.db, team_id, user_id, services.clock.now(), dm_channel_id=channel
                )
            response = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
            return str(response["ts"])
        except SlackApiError as exc:
            if channel == cached and slack_error(exc) == "channel_not_found":
                forget_dm_channel(services.db, team_id, user_id, services.clock.now())
                continue
            logger.warning("DM to %s failed: %s", user_id, slack_error(exc))
            return None
    return None


def publish_home(client: WebClient, services: Services, *, team_id: str, user_id: str) -> None:
    interviews = active_interviews(services.db, team_id, user_id)
    try:
        client.views_publish(user_id=user_id, view=home_view(interviews))
    except SlackApiError as exc:
        logger.warning("views.publish failed for %s: %s", user_id, slack_error(exc))
