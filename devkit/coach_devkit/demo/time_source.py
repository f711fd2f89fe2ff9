"""The demo's time: the bot's own ScaledClock at CLOCK_SPEEDUP, fed by a source of seconds
that the demo controls.

Weeks pass between one follow-up and the next. At a speed that keeps a person's minutes
readable they would take hours; at a speed that plays weeks in seconds, the dispatcher's tick
would be hours or days wide and a DM could overtake the person's typing, or go out before
she answered the one before. So the source stands still (Dana answers at once) and skips
straight to each nudge's due time, where the real APScheduler job finds the nudge due and
sends it, as in production; the clock never runs on by itself meanwhile, whatever the speed.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable
from datetime import timedelta


class SkippingTime:
    """Monotonic seconds that can stand still and jump ahead: for ScaledClock(monotonic=...).

    Kept as a list of breakpoints (real instant, reading then, rate after), so the reading at
    any past real instant (a recorded call's stamp) can be told afterwards.
    """

    def __init__(self, speedup: float, source: Callable[[], float] = time.monotonic) -> None:
        self._speedup = speedup
        self._source = source
        self._lock = threading.Lock()
        start = source()
        self._reals = [start]
        self._points = [(start, start, 1.0)]

    def __call__(self) -> float:
        with self._lock:
            return self._reading(self._source())

    def reading_at(self, real: float) -> float:
        """What this source read at the real monotonic instant `real`."""
        with self._lock:
            return self._reading(real)

    def skip(self, bot_time: timedelta) -> None:
        """Move the clock fed by this source `bot_time` ahead, at once."""
        if bot_time > timedelta(0):
            self._change(jump=bot_time.total_seconds() / self._speedup)

    def hold(self) -> None:
        """Stand still until `run`."""
        self._change(rate=0.0)

    def run(self) -> None:
        """Go on at real-time pace (which the ScaledClock multiplies by its speedup)."""
        self._change(rate=1.0)

    def _reading(self, real: float) -> float:
        index = max(bisect.bisect_right(self._reals, real) - 1, 0)
        at, reading, rate = self._points[index]
        return reading + rate * (real - at)

    def _change(self, *, jump: float = 0.0, rate: float | None = None) -> None:
        with self._lock:
            now = self._source()
            reading = self._reading(now) + jump
            keep_rate = self._points[-1][2]
            self._reals.append(now)
            self._points.append((now, reading, keep_rate if rate is None else rate))
