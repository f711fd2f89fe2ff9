"""What `/interview pause [until DATE]` asks for, read and checked; pure.

The end date is a local day: "until 2027-01-04" means the coach is back on the morning of
Monday 4 January in the person's zone, so the pause ends at that day's local midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rules.calendar import at_local, local_date

# A pause longer than a year is almost certainly a typo (2207 for 2027).
LONGEST_PAUSE = timedelta(days=366)
# Year-month-day only: date.fromisoformat also takes 20270104 and week dates (2027-W01-1),
# which nobody means and the person would not recognise in the answer.
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@dataclass(frozen=True)
class PauseRequest:
    """A valid request: `until` is None for "until I resume"."""

    until: datetime | None
    until_day: date | None = None


@dataclass(frozen=True)
class PauseRefused:
    """Why the request cannot be done, in words for the person."""

    reason: str


def read_pause(argument: str, now: datetime, tz: ZoneInfo) -> PauseRequest | PauseRefused:
    """`argument` is what follows `pause`: empty, or `until YYYY-MM-DD` (`until` optional)."""
    words = argument.split()
    if not words:
        return PauseRequest(until=None)
    if words[0].lower() == "until":
        words = words[1:]
    if len(words) != 1:
        return PauseRefused("Give one date, like `/interview pause until 2027-01-04`.")
    try:
        if not _DAY.fullmatch(words[0]):
            raise ValueError(words[0])
        day = date.fromisoformat(words[0])
    except ValueError:
        return PauseRefused(
            "I read dates as year-month-day, like `/interview pause until 2027-01-04`."
        )
    today = local_date(now, tz)
    if day <= today:
        return PauseRefused("That day has already begun; pick a day after today.")
    if day - today > LONGEST_PAUSE:
        return PauseRefused("That is more than a year away; pause without a date instead.")
    return PauseRequest(until=at_local(day, 0, tz), until_day=day)
