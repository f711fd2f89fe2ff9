"""The clocks every part of the bot asks for the time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FixedClock, ScaledClock, SystemClock, clock_for_speedup

START = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(START)
    assert clock.now() == START
    assert clock.advance(timedelta(days=7)) == START + timedelta(days=7)
    assert clock.now() == START + timedelta(days=7)
    clock.set(START)
    assert clock.now() == START


def test_fixed_clock_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1))


def test_scaled_clock_runs_faster_than_real_time() -> None:
    real_seconds = [100.0]
    clock = ScaledClock(3600, start=START, monotonic=lambda: real_seconds[0])
    assert clock.now() == START
    real_seconds[0] += 2.5  # two and a half real seconds later…
    assert clock.now() == START + timedelta(hours=2.5)  # …two and a half scaled hours


def test_speedup_one_is_the_system_clock() -> None:
    assert isinstance(clock_for_speedup(1), SystemClock)
    assert isinstance(clock_for_speedup(60), ScaledClock)
    assert SystemClock().now().tzinfo is UTC
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)
