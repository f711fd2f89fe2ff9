"""Days counted on a person's calendar (`calendar.days_later`): the same wall-clock time that
many dates later, so a DST change never moves a weekly follow-up off its hour, or its day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.calendar import days_later

LA = ZoneInfo("America/Los_Angeles")  # forward Sun 14 Mar 2027, back Sun 7 Nov 2027
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # a half-hour shift, back Sun 4 Apr 2027
KOLKATA = ZoneInfo("Asia/Kolkata")  # no DST


@pytest.mark.parametrize(
    ("rule", "zone", "start", "days", "expected", "elapsed"),
    [
        (
            "a week across spring-forward: 10:00 again, 23 hours shorter a day",
            LA,
            datetime(2027, 3, 9, 10, 0),
            7,
            datetime(2027, 3, 16, 10, 0),
            timedelta(days=7, hours=-1),
        ),
        (
            "a week across fall-back: 10:00 again, an hour longer",
            LA,
            datetime(2027, 11, 2, 10, 0),
            7,
            datetime(2027, 11, 9, 10, 0),
            timedelta(days=7, hours=1),
        ),
        (
            "a week with no change: exactly 7 x 24 hours",
            LA,
            datetime(2027, 1, 5, 10, 0),
            7,
            datetime(2027, 1, 12, 10, 0),
            timedelta(days=7),
        ),
        (
            "a half-hour shift",
            LORD_HOWE,
            datetime(2027, 4, 1, 10, 0),
            7,
            datetime(2027, 4, 8, 10, 0),
            timedelta(days=7, minutes=30),
        ),
        (
            "a zone without DST",
            KOLKATA,
            datetime(2027, 3, 9, 10, 0),
            21,
            datetime(2027, 3, 30, 10, 0),
            timedelta(days=21),
        ),
    ],
)
def test_days_later_keeps_the_wall_clock(
    rule: str,
    zone: ZoneInfo,
    start: datetime,
    days: int,
    expected: datetime,
    elapsed: timedelta,
) -> None:
    instant = start.replace(tzinfo=zone).astimezone(UTC)
    later = days_later(instant, days, zone)
    assert later.tzinfo is UTC, rule
    assert later.astimezone(zone).replace(tzinfo=None) == expected, rule
    assert later - instant == elapsed, rule


def test_a_time_the_clocks_skip_lands_just_after_the_change() -> None:
    # 02:30 on 14 Mar 2027 does not exist in Los Angeles: zoneinfo reads it with the offset
    # before the change, which is 03:30 on the wall clock, never earlier than asked.
    instant = datetime(2027, 3, 7, 2, 30, tzinfo=LA).astimezone(UTC)
    later = days_later(instant, 7, LA)
    assert later.astimezone(LA).replace(tzinfo=None) == datetime(2027, 3, 14, 3, 30)


@given(
    instant=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from([LA, LORD_HOWE, KOLKATA, ZoneInfo("Europe/Dublin")]),
    days=st.integers(0, 60),
)
def test_days_later_is_that_many_dates_on_and_within_an_hour_of_24_each(
    instant: datetime, zone: ZoneInfo, days: int
) -> None:
    later = days_later(instant, days, zone)
    assert later.astimezone(zone).date() == instant.astimezone(zone).date() + timedelta(days)
    assert abs((later - instant) - timedelta(days=days)) <= timedelta(hours=1)
