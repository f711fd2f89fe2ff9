"""Every part of the bot asks a Clock for the time, so tests and the demo can move it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock.set needs a timezone-aware instant")
        with self._lock:
            self._now = instant.astimezone(UTC)


class ScaledClock:
    """Real time sped up by `speedup`, anchored at the moment it was created.

    The demo uses it so five weeks of coaching play out in under a minute; a
    monotonic source keeps it steady if the wall clock is adjusted meanwhile.
    """

    def __init__(
        self,
        speedup: float,
        *,
        start: datetime | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speedup <= 0:
            raise ValueError("speedup must be positive")
        self.speedup = speedup
        self._start = (start or datetime.now(UTC)).astimezone(UTC)
        self._monotonic = monotonic
        self._monotonic_start = monotonic()

    def now(self) -> datetime:
        elapsed = self._monotonic() - self._monotonic_start
        return self._start + timedelta(seconds=elapsed * self.speedup)


def clock_for_speedup(speedup: float) -> Clock:
    return SystemClock() if speedup == 1 else ScaledClock(speedup)
