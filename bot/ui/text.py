"""Making user text safe for mrkdwn, and showing instants in the reader's own time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def escape_mrkdwn(value: str) -> str:
    """Slack's three control characters, so `<!channel>` typed by a person stays text."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_slack_text(value: str) -> str:
    """Text as the person typed it: Slack sends `&`, `<` and `>` escaped in command text."""
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def local_time_fallback(instant: datetime, tz: ZoneInfo) -> str:
    local = instant.astimezone(tz)
    return f"{local:%a %-d %b %Y} at {local:%H:%M} {local.tzname()}"


def slack_date(instant: datetime, tz: ZoneInfo) -> str:
    """A date token Slack renders in each reader's zone; the fallback uses the person's."""
    epoch = int(instant.timestamp())
    fallback = local_time_fallback(instant, tz)
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback}>"


def day_label(day: date) -> str:
    return f"{day:%a %-d %b %Y}"


def truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
