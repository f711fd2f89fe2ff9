"""Deleting the coach's own messages in a person's DM, when they delete their data.

The messages are found in the DM's history (the bot's own, by its user or bot id) and from
the ts the database kept of each sent nudge; each goes with `chat.delete`. Deleting is paced
(Slack's chat.delete is a Tier 3 method, about 50 calls a minute) and a 429 is retried after
Slack's Retry-After by slack_sdk's own RateLimitErrorRetryHandler: this runs after the ack,
in the listener pool, where waiting harms nobody.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.slack.clients import REQUEST_TIMEOUT_SECONDS, ClientProfile
from bot.slack.errors import SLACK_CALL_ERRORS, error_code, failure_reason

logger = logging.getLogger(__name__)

# Tier 3: 50+ calls a minute; a short burst first, as Slack allows.
DELETES_PER_MINUTE = 50
DELETE_BURST = 5
RATE_LIMIT_RETRIES = 5
HISTORY_PAGE = 200
# A message already gone counts as deleted.
_GONE = frozenset({"message_not_found", "channel_not_found"})


def _cleanup_retries() -> list[RetryHandler]:
    return [
        RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ConnectionErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


# For deleting a person's DMs: a 429 waits Retry-After in the thread, as often as needed.
CLEANUP = ClientProfile("cleanup", REQUEST_TIMEOUT_SECONDS, _cleanup_retries)


class Pacer:
    """A token bucket: `burst` calls at once, then one every 60/`per_minute` seconds."""

    def __init__(
        self,
        per_minute: float = DELETES_PER_MINUTE,
        burst: int = DELETE_BURST,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._tokens = float(burst)
        self._monotonic = monotonic
        self._sleep = sleep
        self._last = monotonic()
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Return when the next call may go, having waited if the bucket is empty."""
        with self._lock:
            now = self._monotonic()
            self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
            self._last = now
            if self._tokens < 1:
                wait = (1 - self._tokens) / self._rate
                self._sleep(wait)
                self._last = self._monotonic()
                self._tokens = 1.0
            self._tokens -= 1


@dataclass(frozen=True)
class BotIdentity:
    """How the bot's own messages are told apart in a history."""

    user_id: str | None
    bot_id: str | None

    def wrote(self, message: dict[str, object]) -> bool:
        user, bot = message.get("user"), message.get("bot_id")
        return bool((self.user_id and user == self.user_id) or (self.bot_id and bot == self.bot_id))


def own_messages(client: WebClient, channel: str, bot: BotIdentity) -> list[str]:
    """The ts of every message the bot wrote in `channel`, newest first, all pages.

    Raises what the Slack calls raised.
    """
    found: list[str] = []
    cursor: str | None = None
    while True:
        answer = client.conversations_history(channel=channel, limit=HISTORY_PAGE, cursor=cursor)
        found.extend(str(m["ts"]) for m in answer.get("messages") or [] if bot.wrote(m))
        cursor = ((answer.get("response_metadata") or {}).get("next_cursor")) or None
        if not answer.get("has_more") or not cursor:
            return found


@dataclass(frozen=True)
class Cleanup:
    deleted: int = 0
    failed: int = 0


def delete_messages(
    client: WebClient, channel: str, timestamps: Iterable[str], pacer: Pacer
) -> Cleanup:
    """Delete each message, paced; one already gone counts as deleted. Never raises: what
    Slack refuses is counted and logged by its error code."""
    deleted = failed = 0
    for ts in dict.fromkeys(timestamps):  # once each, in the order given
        pacer.wait()
        try:
            client.chat_delete(channel=channel, ts=ts)
        except SLACK_CALL_ERRORS as exc:
            if error_code(exc) in _GONE:
                deleted += 1
                continue
            failed += 1
            logger.warning("chat.delete in %s failed: %s", channel, failure_reason(exc))
            continue
        deleted += 1
    return Cleanup(deleted=deleted, failed=failed)


def delete_dm_messages(
    client: WebClient,
    channels: dict[str, list[str]],
    bot: BotIdentity,
    pacer: Pacer | None = None,
) -> Cleanup:
    """Delete the bot's messages in each channel: those its history shows as the bot's, and
    the `channels[channel]` ts the database kept. A history Slack will not give is logged and
    the kept ts are deleted all the same."""
    pacer = pacer or Pacer()
    deleted = failed = 0
    for channel, known in channels.items():
        try:
            found = own_messages(client, channel, bot)
        except SLACK_CALL_ERRORS as exc:
            logger.warning("conversations.history of %s failed: %s", channel, failure_reason(exc))
            found = []
        result = delete_messages(client, channel, [*found, *known], pacer)
        deleted, failed = deleted + result.deleted, failed + result.failed
    return Cleanup(deleted=deleted, failed=failed)
