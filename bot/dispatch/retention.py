"""Retention as a scheduled job, next to the dispatch job: removed workspaces' people after
the grace period, closed interviews' notes after NOTES_RETENTION_DAYS.

Every replica runs it; each deletion is idempotent and takes its rows under a lock, so two
replicas ticking together delete each row once and otherwise change nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler

from bot.coach.personal_data import (
    NotesPurge,
    WorkspacePurge,
    purge_old_notes,
    purge_removed_workspaces,
)
from bot.services import Services
from bot.store.db import StoreUnavailable

logger = logging.getLogger(__name__)

JOB_ID = "retention"
# Cheap when nothing is due (one indexed query each), and "0 days" then means within a minute.
RETENTION_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class RetentionReport:
    workspaces: WorkspacePurge
    notes: NotesPurge


def retention_tick(services: Services) -> RetentionReport | None:
    """Apply both retention rules once at the services' clock's now; None when the database
    was unavailable or the tick failed. Never raises: the scheduled job must go on."""
    now = services.clock.now()
    try:
        workspaces = purge_removed_workspaces(services.db, now, services.retention)
        notes = purge_old_notes(services.db, now, services.retention)
    except StoreUnavailable as exc:
        logger.info("retention skipped, database unavailable: %s", exc)
        return None
    except Exception:
        logger.exception("retention tick failed")
        return None
    if workspaces.people or notes.answers or notes.drafts:
        services.db.scrub_journal()
    if workspaces.workspaces:
        logger.info(
            "retention: deleted the data of %d removed workspace(s), %d person(s)",
            workspaces.workspaces,
            workspaces.people,
        )
    if notes.answers or notes.drafts:
        logger.info(
            "retention: deleted %d answer(s) and %d draft(s) of closed interviews",
            notes.answers,
            notes.drafts,
        )
    return RetentionReport(workspaces=workspaces, notes=notes)


def add_retention_job(
    scheduler: BaseScheduler,
    services: Services,
    interval_seconds: float = RETENTION_INTERVAL_SECONDS,
) -> Job:
    """Every `interval_seconds`; never two at once in this process."""
    return scheduler.add_job(
        retention_tick,
        "interval",
        args=[services],
        seconds=interval_seconds,
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
    )
