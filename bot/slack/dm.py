"""The one way the bot posts to a person's DM: the channel it remembers, or one opened now.

Listeners (the confirmation after logging) and the dispatcher (every nudge) both post
through `post_to_dm`; each decides for itself what a failure means.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coach.people import forget_dm_channel, remember_dm_channel
from bot.slack.errors import error_code
from bot.store.db import Database

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostedMessage:
    channel: str
    ts: str


def post_to_dm(
    client: WebClient,
    db: Database,
    *,
    team_id: str,
    user_id: str,
    cached_channel: str | None,
    text: str,
    blocks: list[dict[str, Any]] | None,
    now: datetime,
    metadata: dict[str, Any] | None = None,
) -> PostedMessage:
    """Post to the person's DM with the bot, opening it when no channel is remembered.

    A remembered channel Slack no longer knows (channel_not_found) is forgotten and the DM
    opened afresh, once; a newly opened channel is remembered. Raises what the Slack calls
    raised (bot.slack.errors.SLACK_CALL_ERRORS), and StoreUnavailable.
    """
    if cached_channel is not None:
        try:
            return PostedMessage(
                cached_channel, _post(client, cached_channel, text, blocks, metadata)
            )
        except SlackApiError as exc:
            if error_code(exc) != "channel_not_found":
                raise
        logger.info("DM channel %s of %s is gone; reopening", cached_channel, user_id)
        forget_dm_channel(db, team_id, user_id, now)
    channel = str(client.conversations_open(users=user_id)["channel"]["id"])
    remember_dm_channel(db, team_id, user_id, channel, now)
    return PostedMessage(channel, _post(client, channel, text, blocks, metadata))


def _post(
    client: WebClient,
    channel: str,
    text: str,
    blocks: list[dict[str, Any]] | None,
    metadata: dict[str, Any] | None,
) -> str:
    answer = client.chat_postMessage(channel=channel, text=text, blocks=blocks, metadata=metadata)
    return str(answer["ts"])


# How far back in a DM to look for a post that may have gone out. A DM with the coach holds
# a few messages a day, so the newest page reaches back well past any retry. No `oldest`:
# Slack's ts is Slack's clock, not the bot's.
HISTORY_PAGE = 100


def find_posted(
    client: WebClient,
    channel: str,
    event_type: str,
    key: str,
    value: object,
    list_key: str | None = None,
) -> str | None:
    """The ts of a recent message in `channel` whose metadata names `key`=`value` under
    `event_type` (or lists `value` under `list_key`: a grouped DM names all its nudges), or
    None. Raises what the Slack call raised."""
    answer = client.conversations_history(
        channel=channel, limit=HISTORY_PAGE, include_all_metadata=True
    )
    for message in answer.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") != event_type:
            continue
        listed = payload.get(list_key) if list_key is not None else None
        if payload.get(key) == value or (isinstance(listed, list) and value in listed):
            return str(message["ts"])
    return None
