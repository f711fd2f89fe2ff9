"""Deleting the coach's own messages in a person's DM, when they delete their data.

The messages are found in the DM's history and its threads (the bot's own, by its user or
bot id) and from the ts the database kept of each sent nudge; each goes with `chat.delete`,
and the files the bot shared there (exports) with `files.delete`. Deleting is paced
(Slack's chat.delete is a Tier 3 method, about 50 calls a minute) and a 429 is retried after
Slack's Retry-After by slack_sdk's own RateLimitErrorRetryHandler: this runs after the ack,
in the listener pool, where waiting harms nobody.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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
# A message or file already gone counts as deleted.
_GONE_MESSAGE = frozenset({"message_not_found", "channel_not_found"})
_GONE_FILE = frozenset({"file_not_found", "file_deleted"})


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


@dataclass(frozen=True)
class OwnMessages:
    """The bot's messages in a channel (thread replies before their parent) and its files."""

    ts: list[str]
    files: list[str]


def own_messages(client: WebClient, channel: str, bot: BotIdentity) -> OwnMessages:
    """Every message the bot wrote in `channel`, its thread replies included, and the files
    it shared there; all pages. Raises what the Slack calls raised."""
    found = OwnMessages(ts=[], files=[])

    def keep(message: dict[str, Any]) -> None:
        if bot.wrote(message):
            found.ts.append(str(message["ts"]))
            found.files.extend(str(f["id"]) for f in message.get("files") or [] if f.get("id"))

    for message in _pages(
        lambda cursor: client.conversations_history(
            channel=channel, limit=HISTORY_PAGE, cursor=cursor
        )
    ):
        if message.get("reply_count"):
            # History shows only a thread's parent; the replies (the bot's acknowledgements
            # of answers among them) are read from the thread.
            parent = str(message["ts"])
            for reply in _pages(
                lambda cursor, parent=parent: client.conversations_replies(
                    channel=channel, ts=parent, limit=HISTORY_PAGE, cursor=cursor
                )
            ):
                if str(reply["ts"]) != parent:
                    keep(reply)
        keep(message)
    return found


def _pages(call: Callable[[str | None], Any]) -> Iterator[dict[str, Any]]:
    """The messages of every page of a cursor-paginated history call."""
    cursor: str | None = None
    while True:
        answer = call(cursor)
        yield from answer.get("messages") or []
        cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
        if not answer.get("has_more") or not cursor:
            return


@dataclass(frozen=True)
class Cleanup:
    deleted: int = 0  # messages
    failed: int = 0  # messages and files Slack would not delete
    files: int = 0  # files deleted


def _delete_each(
    call: Callable[[str], Any], items: Iterable[str], gone: frozenset[str], pacer: Pacer, what: str
) -> tuple[int, int]:
    """Call `call` on each item once, paced; (done, failed). An item already gone is done."""
    done = failed = 0
    for item in dict.fromkeys(items):  # once each, in the order given
        pacer.wait()
        try:
            call(item)
        except SLACK_CALL_ERRORS as exc:
            if error_code(exc) in gone:
                done += 1
                continue
            failed += 1
            logger.warning("%s failed: %s", what, failure_reason(exc))
            continue
        done += 1
    return done, failed


def delete_dm_messages(
    client: WebClient,
    channels: dict[str, list[str]],
    bot: BotIdentity,
    pacer: Pacer | None = None,
) -> Cleanup:
    """Delete the bot's messages in each channel (those its history and threads show as the
    bot's, and the `channels[channel]` ts the database kept), then the files it shared there
    (the person's exports). A history Slack will not give is logged and the kept ts are
    deleted all the same. Never raises."""
    pacer = pacer or Pacer()
    deleted = failed = files = 0
    for channel, known in channels.items():
        try:
            found = own_messages(client, channel, bot)
        except SLACK_CALL_ERRORS as exc:
            logger.warning("reading the history of %s failed: %s", channel, failure_reason(exc))
            found = OwnMessages(ts=[], files=[])
        done, refused = _delete_each(
            lambda ts, channel=channel: client.chat_delete(channel=channel, ts=ts),
            [*found.ts, *known],
            _GONE_MESSAGE,
            pacer,
            f"chat.delete in {channel}",
        )
        gone_files, refused_files = _delete_each(
            lambda file_id: client.files_delete(file=file_id),
            found.files,
            _GONE_FILE,
            pacer,
            "files.delete",
        )
        deleted, files = deleted + done, files + gone_files
        failed += refused + refused_files
    return Cleanup(deleted=deleted, failed=failed, files=files)
