"""The person's settings form, read and checked; pure. Each problem is named by its field, so
the modal can show it under that input and keep everything else the person chose."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.rules.public_holidays import supported_countries

# "Whose holidays": the country of the person's Slack zone, or none at all.
FROM_ZONE = "auto"
NO_HOLIDAYS = "none"


class Field(StrEnum):
    WAKING_START = "waking_start"
    WAKING_END = "waking_end"
    WORKING_DAYS = "working_days"
    HOLIDAYS = "holidays"
    FOLLOW_UP_HOUR = "follow_up_hour"


@dataclass(frozen=True)
class SettingsForm:
    """What the modal sent, as strings (None: left empty)."""

    waking_start: str | None
    waking_end: str | None
    working_days: tuple[str, ...]
    holidays: str | None
    follow_up_hour: str | None


@dataclass(frozen=True)
class PersonSettings:
    """Valid settings. `holiday_country`: a code, NO_HOLIDAYS, or None (from the zone);
    `follow_up_hour` None: the playbook's."""

    waking_start_hour: int
    waking_end_hour: int
    working_days: frozenset[int]
    holiday_country: str | None
    follow_up_hour: int | None


def _hour(text: str | None, low: int, high: int) -> int | None:
    try:
        value = int(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and low <= value <= high else None


def read_settings(form: SettingsForm) -> PersonSettings | dict[Field, str]:
    """The settings, or a message per field that cannot be used."""
    errors: dict[Field, str] = {}
    start = _hour(form.waking_start, 0, 23)
    end = _hour(form.waking_end, 1, 24)
    if start is None:
        errors[Field.WAKING_START] = "Pick the hour your day starts (0 to 23)."
    if end is None:
        errors[Field.WAKING_END] = "Pick the hour your day ends (1 to 24)."
    elif start is not None and end <= start:
        errors[Field.WAKING_END] = "Your day has to end after it starts."
    days: set[int] = set()
    for value in form.working_days:
        day = _hour(value, 0, 6)
        if day is None:
            errors[Field.WORKING_DAYS] = "That is not a day of the week."
            break
        days.add(day)
    if not days and Field.WORKING_DAYS not in errors:
        errors[Field.WORKING_DAYS] = "Pick at least one working day: follow-ups need one."
    country = (form.holidays or FROM_ZONE).strip()
    if country.lower() == FROM_ZONE:
        holiday_country = None
    elif country.lower() == NO_HOLIDAYS:
        holiday_country = NO_HOLIDAYS
    elif country.upper() in supported_countries():
        holiday_country = country.upper()
    else:
        errors[Field.HOLIDAYS] = (
            "Use a two-letter country code like US, IL or JP, or auto (from your time zone), "
            "or none."
        )
        holiday_country = None
    follow_up_hour = None
    if form.follow_up_hour:
        follow_up_hour = _hour(form.follow_up_hour, 0, 23)
        if follow_up_hour is None:
            errors[Field.FOLLOW_UP_HOUR] = "Pick an hour from 0 to 23."
        elif start is not None and end is not None and not start <= follow_up_hour < end:
            errors[Field.FOLLOW_UP_HOUR] = "Pick an hour inside your waking hours."
    if errors:
        return errors
    assert start is not None and end is not None
    return PersonSettings(start, end, frozenset(days), holiday_country, follow_up_hour)
