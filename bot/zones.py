"""Time zones as Slack names them, resolved safely; imports nothing of the bot's own."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_ZONE = ZoneInfo("UTC")


def known_zone(name: str | None) -> ZoneInfo:
    """The named zone, or UTC when Slack gave none or one this machine doesn't know."""
    try:
        return ZoneInfo(name) if name else UTC_ZONE
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE
