"""Public holidays by country, from the maintained `holidays` package, and the country a
Slack time zone lies in, from the zone table that ships with tzdata (zone.tab).

Pure: no database, no Slack. Both lookups are cached: the calendar asks about the same
days many times while planning.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources

import holidays


@cache
def supported_countries() -> frozenset[str]:
    """The ISO 3166 alpha-2 codes the holidays package knows."""
    return frozenset(holidays.list_supported_countries())


@cache
def _country_calendar(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def is_public_holiday(country: str | None, day: date) -> bool:
    """Whether `day` is a public holiday in `country` (None, or a code the package does not
    know: no holidays)."""
    if country is None or country not in supported_countries():
        return False
    return day in _country_calendar(country, day.year)


def holiday_name(country: str | None, day: date) -> str | None:
    """The holiday's name, for showing why a day was skipped."""
    if not is_public_holiday(country, day):
        return None
    assert country is not None
    return _country_calendar(country, day.year).get(day)


@cache
def _zone_countries() -> dict[str, str]:
    """Zone name → the country code zone.tab gives it (one per zone)."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    countries: dict[str, str] = {}
    for line in table.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            countries[fields[2]] = fields[0]
    return countries


def country_of_zone(zone: str | None) -> str | None:
    """The country whose holidays a person in `zone` most likely keeps: the zone table's
    country, when the holidays package knows it; None for UTC, Etc/… and unknown zones."""
    if zone is None:
        return None
    country = _zone_countries().get(zone)
    return country if country in supported_countries() else None
