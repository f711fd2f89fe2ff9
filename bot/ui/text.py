"""Making user text safe for mrkdwn, and showing instants in the reader's own time."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

# Slack's markup in message text: <target> or <target|label>. Characters a person typed are
# sent escaped (&lt; &gt; &amp;), so a raw < always opens markup Slack itself made.
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")
# Mentions that notify many people at once; shown by name, never passed on as markup.
_BROADCASTS = frozenset({"channel", "here", "everyone"})


def escape_mrkdwn(value: str) -> str:
    """Slack's three control characters, so `<!channel>` typed by a person stays text."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_slack_text(value: str) -> str:
    """Text as the person typed it: Slack sends `&`, `<` and `>` escaped in command text."""
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mentioned_users(message_text: str) -> list[str]:
    """The users a message mentions without a name beside the id (Slack's usual `<@U123>`),
    in order, each once: their names have to be looked up to show the text as Slack does."""
    return list(dict.fromkeys(_USER_MENTION.findall(message_text)))


def as_shown_in_slack(message_text: str, user_names: Mapping[str, str]) -> str:
    """A message's text as plain text, the way Slack shows it to the person who wrote it.

    A link shows its text (and where it goes), a mention `@name` (from `user_names`, else
    the id), a channel `#name`, `@channel` and other special mentions their words; what the
    person typed is unescaped. The result is plain text again: escape_mrkdwn makes it safe,
    so no mention or broadcast in it is ever live when the coach quotes it back.
    """

    def shown(markup: re.Match[str]) -> str:
        target, label = markup.group(1), markup.group(2) or ""
        if target.startswith("@"):
            return "@" + (label or user_names.get(target[1:]) or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            name = target[1:].split("^", 1)[0]
            if name in _BROADCASTS or not label:
                return "@" + name
            return label  # a user group's @handle, or a date's fallback text
        address = target.removeprefix("mailto:")
        return f"{label} ({address})" if label and label not in (target, address) else address

    return unescape_slack_text(_MARKUP.sub(shown, message_text))


def local_time_fallback(instant: datetime, tz: ZoneInfo) -> str:
    local = instant.astimezone(tz)
    return f"{local:%a %-d %b %Y} at {local:%H:%M} {local.tzname()}"


def slack_date(instant: datetime, tz: ZoneInfo) -> str:
    """A date token Slack renders in each reader's zone; the fallback uses the person's."""
    epoch = int(instant.timestamp())
    fallback = local_time_fallback(instant, tz)
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback}>"


def slack_day(instant: datetime, tz: ZoneInfo) -> str:
    """A day token Slack renders in each reader's zone ("Monday, January 4th")."""
    epoch = int(instant.timestamp())
    return f"<!date^{epoch}^{{date_long_pretty}}|{instant.astimezone(tz):%a %-d %b %Y}>"


def day_label(day: date) -> str:
    return f"{day:%a %-d %b %Y}"


def truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
