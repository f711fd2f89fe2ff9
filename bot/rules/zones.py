"""Time zones as Slack names them, resolved safely; imports nothing of the bot's own."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_ZONE = ZoneInfo("UTC")


def find_zone(name: str) -> ZoneInfo | None:
    """The named IANA zone, or None for a name this machine doesn't know.

    Besides unknown names, zoneinfo raises ValueError for malformed ones ("../x") and an
    OSError for a folder of the database such as "America".
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def known_zone(name: str | None) -> ZoneInfo:
    """The named zone, or UTC when Slack gave none or one this machine doesn't know."""
    return (find_zone(name) if name else None) or UTC_ZONE
