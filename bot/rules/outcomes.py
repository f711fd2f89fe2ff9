"""How an interview ends, and how far the follow-ups go before it does: pure rules.

- A close (an outcome pressed, "Stop reminders", "Close it", or the coach's own "no reply")
  can be undone for a day (`REOPEN_WINDOW`); after that Reopen is no longer offered.
- Follow-ups come at most weekly, at most five, and none later than five weeks after the
  first one reached the person (`FOLLOW_UP_WINDOW`): "once a week for no more than five weeks".
  Time the person spent paused does not count.
- After two follow-ups with nothing pressed on any (`UNANSWERED`), the coach asks "Still
  waiting?" instead of sending the rest.
- An interview with nothing left to send closes itself as "no reply" three weeks after the
  last follow-up or the last thing the person told the coach (`AUTO_CLOSE_AFTER`).

The planner (bot.rules.planning) applies the last three; the coach (bot.coach.outcomes) the
first. No database, no Slack, no clock of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rules.calendar import days_later
from bot.rules.domain import ContactKind, InterviewStatus

REOPEN_WINDOW = timedelta(days=1)
FOLLOW_UP_WINDOW = timedelta(weeks=5)
# Follow-ups sent with nothing pressed before the coach asks instead of sending another.
UNANSWERED = 2
# "I'll check back in two weeks": the next follow-up waits this long.
CHECK_BACK_AFTER = timedelta(weeks=2)
AUTO_CLOSE_AFTER = timedelta(weeks=3)
# What counts as the person answering the follow-ups: marking one sent, snoozing one, "Keep
# going" or "I'll check back". Heard back closes the interview and needs no counting.
ANSWERS = frozenset(
    {
        ContactKind.FOLLOW_UP,
        ContactKind.SNOOZED,
        ContactKind.KEPT_GOING,
        ContactKind.CHECKING_BACK,
    }
)


def reopen_until(status: InterviewStatus, closed_at: datetime | None) -> datetime | None:
    """Until when a closed interview may be reopened; None for an open one (or one whose
    close time was never kept, closed by an earlier version)."""
    if status is InterviewStatus.ACTIVE or closed_at is None:
        return None
    return closed_at + REOPEN_WINDOW


def can_reopen(status: InterviewStatus, closed_at: datetime | None, now: datetime) -> bool:
    """Whether Reopen is still offered at `now`: closed, and less than a day ago."""
    until = reopen_until(status, closed_at)
    return until is not None and now < until


def within_follow_up_window(
    first_reached: datetime, due: datetime, tz: ZoneInfo, paused: timedelta = timedelta(0)
) -> bool:
    """Whether a follow-up due at `due` is still inside the five weeks from the first one,
    on the person's calendar in `tz` (five weeks across a clock change are an hour more or
    less than 35 × 24 hours: the weekly follow-ups keep their hour, so the fifth week's
    must not fall out by that hour); time the person spent paused in between (`paused`)
    does not count: a vacation moves the follow-ups after it, and must not cost them one."""
    return due - paused <= days_later(first_reached, FOLLOW_UP_WINDOW.days, tz)


def answered(kinds: Iterable[ContactKind]) -> bool:
    """Whether the person has answered the follow-ups in any way (see ANSWERS)."""
    return any(kind in ANSWERS for kind in kinds)


def asks_still_waiting(follow_ups_sent: int, kinds: Iterable[ContactKind]) -> bool:
    """Whether the next follow-up is replaced by "Still waiting?": `UNANSWERED` follow-ups
    have reached the person and nothing was pressed on any."""
    return follow_ups_sent >= UNANSWERED and not answered(kinds)


def auto_close_due(last_heard: datetime, tz: ZoneInfo) -> datetime:
    """When an interview with nothing left to send closes itself (before the follow-up slot
    the planner then finds): three weeks after the last follow-up or contact, on the
    person's calendar (the same wall-clock time, across a DST change too)."""
    return days_later(last_heard, AUTO_CLOSE_AFTER.days, tz)


def auto_close_sequence(kinds: Iterable[ContactKind]) -> int:
    """The auto-close's sequence: one more for every reopen, so an interview reopened after
    closing itself can close itself again, three weeks on."""
    return sum(1 for kind in kinds if kind is ContactKind.REOPENED)
