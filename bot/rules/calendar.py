"""The person's calendar: waking hours, working days, public holidays and a pause, in
their own zone.

Instants stay in UTC; only the questions "what local day is it" and "when does their day
start" go through the zone, so a DST change never shifts a nudge by an hour. Public holidays
come from the maintained `holidays` package (bot.rules.public_holidays), never a hand-written list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.rules.public_holidays import is_public_holiday

# Monday to Friday, as date.weekday() numbers them: the default working week.
WEEKDAYS = frozenset(range(5))
# Far enough to cross any run of weekend days and holidays (a long Golden Week after a
# weekend, a one-day working week); the search never needs more.
_SEARCH_DAYS = 60
# An open-ended pause ("until I resume") has no end to plan towards: what falls inside it is
# planned this far after the pause began, out of the dispatcher's reach, and moves to its
# real slot when the person resumes. A fixed offset keeps re-planning during the pause stable.
OPEN_PAUSE_HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class Pause:
    """The person's pause: from `start`, until `until` (None: until they resume)."""

    start: datetime
    until: datetime | None = None

    def end(self, now: datetime) -> datetime:
        """When the pause ends, for planning: its date, or, open-ended, a horizon that keeps
        its nudges out of reach (moved again on resume)."""
        if self.until is not None:
            return self.until
        end = self.start + OPEN_PAUSE_HORIZON
        while end <= now:  # a pause older than the horizon: the next horizon, still stable
            end += OPEN_PAUSE_HORIZON
        return end

    def covers(self, instant: datetime, now: datetime) -> bool:
        return self.start <= instant < self.end(now)


@dataclass(frozen=True)
class PersonHours:
    """When a person may be messaged: their zone, waking hours [start, end), working days
    (date.weekday() numbers), the country whose public holidays they keep (None: none),
    the hour follow-ups come at (None: the playbook's), and their pause, if any."""

    tz: ZoneInfo
    waking_start_hour: int = 8
    waking_end_hour: int = 20
    working_days: frozenset[int] = WEEKDAYS
    holiday_country: str | None = None
    follow_up_hour: int | None = None
    pause: Pause | None = None
    # The instant the plan is made for: an open-ended pause is measured from it.
    now: datetime | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.waking_start_hour < self.waking_end_hour <= 24:
            raise ValueError("waking hours must satisfy 0 <= start < end <= 24")
        if not self.working_days or not self.working_days <= frozenset(range(7)):
            raise ValueError("working days must be a non-empty set of weekdays 0-6")
        if self.follow_up_hour is not None and not 0 <= self.follow_up_hour <= 23:
            raise ValueError("the follow-up hour must be 0-23")

    def is_working_day(self, day: date) -> bool:
        """A day the person works: one of their weekdays and no public holiday where they
        live."""
        return day.weekday() in self.working_days and not is_public_holiday(
            self.holiday_country, day
        )

    def is_paused(self, instant: datetime) -> bool:
        return self.pause is not None and self.pause.covers(instant, self.now or instant)

    def pause_end(self) -> datetime | None:
        if self.pause is None:
            return None
        return self.pause.end(self.now or self.pause.start)


def at_local(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of `hour`:00 on `day` in `tz`.

    An hour that a spring-forward skips maps to the same instant an hour later on the wall
    clock (zoneinfo's fold=0 rule), which is never earlier than asked.
    """
    if hour >= 24:
        return at_local(day + timedelta(days=1), hour - 24, tz)
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def days_later(instant: datetime, days: int, tz: ZoneInfo) -> datetime:
    """`days` days after `instant` on the calendar of `tz`: the same wall-clock time (a week
    later is the same weekday and hour), so across a DST change it is 24 hours a day, plus
    or minus the hour the clocks moved. Counted in UTC, a week across a spring-forward ends
    at 11:00 on the wall clock, past a 10:00 slot, and the follow-up waited a day more."""
    local = instant.astimezone(tz)
    later = datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=tz)
    return later.astimezone(UTC)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def is_working_day(day: date, person: PersonHours | None = None) -> bool:
    """Monday to Friday, or, given a person, one of their working days that is no holiday."""
    return day.weekday() < 5 if person is None else person.is_working_day(day)


def next_waking(instant: datetime, person: PersonHours, *, working_days_only: bool) -> datetime:
    """The earliest instant at or after `instant` inside the person's waking hours, outside
    their pause, on one of their working days that is no public holiday when asked.

    Waking hours are wall-clock hours: when clocks go back and an hour repeats, the repeat
    of an hour before `waking_start_hour` is not waking, even though it comes after the day's
    first `waking_start_hour`:00.
    """

    if person.is_paused(instant):
        # Nothing inside a pause: the first suitable moment after it.
        end = person.pause_end()
        assert end is not None
        instant = end

    def fits(candidate: datetime) -> bool:
        local = candidate.astimezone(person.tz)
        return _in_waking_hours(local, person) and (
            not working_days_only or person.is_working_day(local.date())
        )

    if fits(instant):
        return instant
    first_day = local_date(instant, person.tz)
    for offset in range(_SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        for opening in _openings(day, person):
            if opening > instant and fits(opening):
                return opening
    # Unreachable for real calendars: a week always has a working day that is no holiday.
    raise AssertionError("no working waking hour within sixty days")


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
