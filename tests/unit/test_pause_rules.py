"""`/interview pause [until DATE]` read and checked (bot.rules.pausing): a table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.rules.pausing import PauseRefused, PauseRequest, read_pause

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)  # Tue 8 Dec, 10:00 in Los Angeles


@pytest.mark.parametrize(
    ("argument", "until_day"),
    [
        ("", None),
        ("until 2027-01-04", date(2027, 1, 4)),
        ("2027-01-04", date(2027, 1, 4)),
        ("UNTIL 2026-12-09", date(2026, 12, 9)),
    ],
)
def test_a_date_given_as_year_month_day_is_read(argument: str, until_day: date | None) -> None:
    request = read_pause(argument, NOW, LA)
    assert isinstance(request, PauseRequest)
    assert request.until_day == until_day


@pytest.mark.parametrize(
    "argument",
    [
        "until 20270104",  # date.fromisoformat reads these; nobody means them
        "until 2027-W01-1",
        "until 2027W011",
        "until ٢٠٢٧-٠١-٠٤",  # other digits
        "until 2027-1-4",
        "until 4/1/2027",
        "until 2027-02-30",
    ],
)
def test_anything_else_is_refused_with_the_form_it_takes(argument: str) -> None:
    refused = read_pause(argument, NOW, LA)
    assert isinstance(refused, PauseRefused)
    assert "year-month-day" in refused.reason
