"""Measuring and shortening text for Slack's length limits."""

from __future__ import annotations

ELLIPSIS = "…"
# A cut this close to the limit backs off to the last space, so words stay whole; further
# back (one long word, or text without spaces) it cuts mid-word rather than lose too much.
_WORD_BACKOFF = 30


def slack_length(text: str) -> int:
    """The length Slack's limits are checked against, counted safely.

    Slack's clients count UTF-16 code units: a character beyond the Basic Multilingual Plane
    (most emoji) counts twice. Counting that way never undercounts.
    """
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, limit: int) -> str:
    """The longest start of `text` whose slack_length is at most `limit`."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def shorten(text: str, limit: int) -> str:
    """`text` if it fits in `limit`, else its start ending in an ellipsis, within `limit`.

    The cut falls after a whole word where one ends near the limit. A `limit` of 0 gives "".
    """
    if slack_length(text) <= limit:
        return text
    if limit < 1:
        return ""
    head = _prefix_within(text, limit - len(ELLIPSIS))
    space = head.rfind(" ")
    if space > 0 and len(head) - space <= _WORD_BACKOFF:
        head = head[:space]
    return head.rstrip() + ELLIPSIS
