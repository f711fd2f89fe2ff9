"""Counting the dispatch job's runs, so the demo can wait for the scheduler (an event) after
it moves the clock, instead of sleeping."""

from __future__ import annotations

import threading

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.base import BaseScheduler

from bot.dispatch.job import JOB_ID


class Ticks:
    def __init__(self, scheduler: BaseScheduler) -> None:
        self._runs = 0
        self._changed = threading.Condition()
        scheduler.add_listener(self._ran, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _ran(self, event: JobExecutionEvent) -> None:
        if event.job_id != JOB_ID:
            return
        with self._changed:
            self._runs += 1
            self._changed.notify_all()

    def wait(self, runs: int = 2, timeout: float = 10.0) -> bool:
        """Wait for `runs` whole runs to end from now; False if they did not in `timeout` s.

        Two by default: the first may have begun before the caller's change.
        """
        with self._changed:
            target = self._runs + runs
            return self._changed.wait_for(lambda: self._runs >= target, timeout)
