"""The person's calendar: waking hours and working days in their own zone.

Instants stay in UTC; only the questions "what local day is it" and "when does their day
start" go through the zone, so a DST change never shifts a nudge by an hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Far enough to cross any holiday-free run of weekend days; the loop never needs more.
_SEARCH_DAYS = 8


@dataclass(frozen=True)
class PersonHours:
    """When a person may be messaged: their zone and waking hours [start, end)."""

    tz: ZoneInfo
    waking_start_hour: int = 8
    waking_end_hour: int = 20

    def __post_init__(self) -> None:
        if not 0 <= self.waking_start_hour < self.waking_end_hour <= 24:
            raise ValueError("waking hours must satisfy 0 <= start < end <= 24")


def at_local(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of `hour`:00 on `day` in `tz`.

    An hour that a spring-forward skips maps to the same instant an hour later on the wall
    clock (zoneinfo's fold=0 rule), which is never earlier than asked.
    """
    if hour >= 24:
        return at_local(day + timedelta(days=1), hour - 24, tz)
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def next_waking(instant: datetime, person: PersonHours, *, working_days_only: bool) -> datetime:
    """The earliest instant at or after `instant` inside the person's waking hours, on a
    working day (Monday to Friday, their time) when asked.

    Waking hours are wall-clock hours: when clocks go back and an hour repeats, the repeat
    of an hour before `waking_start_hour` is not waking, even though it comes after the day's
    first `waking_start_hour`:00.
    """

    def fits(candidate: datetime) -> bool:
        local = candidate.astimezone(person.tz)
        return _in_waking_hours(local, person) and (
            not working_days_only or is_working_day(local.date())
        )

    if fits(instant):
        return instant
    first_day = local_date(instant, person.tz)
    for offset in range(_SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        for opening in _openings(day, person):
            if opening > instant and fits(opening):
                return opening
    raise AssertionError("no waking hour within a week")  # unreachable: start < end


def is_waking(instant: datetime, person: PersonHours) -> bool:
    return _in_waking_hours(instant.astimezone(person.tz), person)


def _in_waking_hours(local: datetime, person: PersonHours) -> bool:
    wall = local.time()
    after_start = wall >= time(person.waking_start_hour)
    return after_start and (person.waking_end_hour == 24 or wall < time(person.waking_end_hour))


def _openings(day: date, person: PersonHours) -> list[datetime]:
    """The instants the wall clock shows `waking_start_hour`:00 on `day`: twice when clocks
    go back over it; in a gap, the instant the gap ends (zoneinfo's fold=0)."""
    start = time(person.waking_start_hour)
    instants = {
        datetime.combine(day, start.replace(fold=fold), tzinfo=person.tz).astimezone(UTC)
        for fold in (0, 1)
    }
    return sorted(instants)
