"""The history pruner as a scheduled job, beside the dispatch job: hourly, never raising."""

from __future__ import annotations

import logging

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler

from bot.clock import Clock
from bot.coach.history import prune_history
from bot.store.db import Database, StoreUnavailable

logger = logging.getLogger(__name__)

JOB_ID = "prune_history"
INTERVAL_SECONDS = 3600


def prune_tick(db: Database, clock: Clock, keep_days: int) -> int | None:
    """Prune what is older than `keep_days`; how many rows went, None if the run failed.

    Never raises: a database that is down now is tried again at the next run.
    """
    try:
        return prune_history(db, clock.now(), keep_days)
    except StoreUnavailable as exc:
        logger.info("database unavailable, history not pruned this hour: %s", exc)
    except Exception:
        logger.exception("pruning the nudge history failed")
    return None


def add_prune_job(scheduler: BaseScheduler, db: Database, clock: Clock, keep_days: int) -> Job:
    """Every hour; never two at once in this process (other replicas' pruners are safe)."""
    return scheduler.add_job(
        prune_tick,
        "interval",
        args=[db, clock, keep_days],
        seconds=INTERVAL_SECONDS,
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
    )
