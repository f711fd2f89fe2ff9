"""The few Web API round trips several listeners share: profile, DM, log modal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coach.interview_form import clean_text
from bot.coach.people import find_person, remember_profile
from bot.services import Services
from bot.store.models import COMPANY_MAX
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
    with services.db.transaction() as session:
        remember_profile(session, team_id, user_id, services.clock.now(), tz=user.get("tz"))


def send_dm(
    client: WebClient,
    services: Services,
    *,
    team_id: str,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> str | None:
    """Post to the person's DM with the bot, opening it once and caching its id."""
    with services.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        channel = person.dm_channel_id if person else None
    try:
        if channel is None:
            channel = client.conversations_open(users=user_id)["channel"]["id"]
            with services.db.transaction() as session:
                remember_profile(
                    session, team_id, user_id, services.clock.now(), dm_channel_id=channel
                )
        response = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except SlackApiError as exc:
        logger.warning("DM to %s failed: %s", user_id, slack_error(exc))
        return None
    return str(response["ts"])
