"""The people the stand-in knows, and the user object ``users.info`` answers for each."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# zoneinfo only knows abbreviations; Slack's tz_label spells them out.
_TZ_LABELS = {
    "HST": "Hawaii-Aleutian Standard Time",
    "AKST": "Alaska Standard Time",
    "AKDT": "Alaska Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "GMT": "Greenwich Mean Time",
    "UTC": "Coordinated Universal Time",
    "BST": "British Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "IST": "India Standard Time",
    "JST": "Japan Standard Time",
    "KST": "Korea Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
    "NZST": "New Zealand Standard Time",
    "NZDT": "New Zealand Daylight Time",
}


@dataclass(frozen=True)
class StandInUser:
    """A workspace member as a test describes them."""

    id: str
    tz: str
    name: str
    real_name: str
    updated: int  # when the profile last changed, epoch seconds


def tz_fields(tz: str) -> tuple[str, int]:
    """Slack's (tz_label, tz_offset) for a zone right now, so DST shows the way Slack shows it."""
    local = datetime.now(ZoneInfo(tz))
    offset = int((local.utcoffset() or timedelta(0)).total_seconds())
    label = _TZ_LABELS.get(local.tzname() or "")
    if label is None:
        sign = "+" if offset >= 0 else "-"
        hours, minutes = divmod(abs(offset) // 60, 60)
        label = f"GMT{sign}{hours:02d}:{minutes:02d}"
    return label, offset


def user_object(user: StandInUser, team_id: str) -> dict[str, Any]:
    """The ``user`` of a ``users.info`` answer, shaped like tests/fixtures/slack/api_users_info."""
    tz_label, tz_offset = tz_fields(user.tz)
    first_name, _, last_name = user.real_name.partition(" ")
    return {
        "id": user.id,
        "team_id": team_id,
        "name": user.name,
        "deleted": False,
        "color": hashlib.sha1(user.id.encode()).hexdigest()[:6],
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": tz_label,
        "tz_offset": tz_offset,
        "profile": {
            "real_name": user.real_name,
            "display_name": user.name,
            "first_name": first_name,
            "last_name": last_name,
        },
        "is_admin": False,
        "is_owner": False,
        "is_bot": False,
        "is_app_user": False,
        "updated": user.updated,
    }
