"""Honest times: the thank-you advised after the interview's own day says "first thing today"
and why, with the time the planner scheduled; one row per case, planned by the real planner
and rendered as the dispatcher renders it. No Slack, no database, no today's date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rules.calendar import Pause, PersonHours, at_local
from bot.rules.domain import InterviewFormat, NudgeKind
from bot.rules.planning import History, InterviewFacts, plan
from bot.ui.nudges import render_nudge
from tests.nudge_views import PLAYBOOK, all_text, nudge, summary

NEW_YORK = ZoneInfo("America/New_York")
FRIDAY = date(2026, 12, 4)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return at_local(day, hour, NEW_YORK) + timedelta(minutes=minute)


@dataclass(frozen=True)
class Row:
    name: str
    happened: datetime
    person: PersonHours
    thank_you_at: datetime  # when the planner schedules it
    says_today: bool  # "today" (the interview's day, or a later afternoon) or "first thing today"
    why: str | None  # the line saying when the interview was
    logged_after: timedelta = timedelta(minutes=10)


ROWS = [
    Row(
        "a morning interview: the note the same day, 'today'",
        local(FRIDAY, 10),
        PersonHours(NEW_YORK),
        local(FRIDAY, 12),
        says_today=True,
        why=None,
    ),
    Row(
        "Friday 18:30: the note on Saturday morning, 'first thing', yesterday evening",
        local(FRIDAY, 18, 30),
        PersonHours(NEW_YORK),
        local(date(2026, 12, 5), 8),
        says_today=False,
        why="Your interview was yesterday evening",
    ),
    Row(
        "Friday 18:30 and a pause over the weekend: Monday, 'Friday evening'",
        local(FRIDAY, 18, 30),
        PersonHours(NEW_YORK, pause=Pause(local(FRIDAY, 19), local(date(2026, 12, 7), 0))),
        local(date(2026, 12, 7), 9),  # the reflection at 08:00, the note an hour later
        says_today=False,
        why="Your interview was Friday evening",
    ),
    Row(
        "an afternoon interview and a long pause: the date itself",
        local(FRIDAY, 15),
        PersonHours(NEW_YORK, pause=Pause(local(FRIDAY, 15, 30), local(date(2026, 12, 14), 0))),
        local(date(2026, 12, 14), 9),
        says_today=False,
        why="Your interview was on Fri 4 Dec, in the afternoon",
    ),
    Row(
        "logged late, on Monday at noon: the note at 13:00 says 'today', not 'first thing'",
        local(FRIDAY, 15),
        PersonHours(NEW_YORK),
        local(date(2026, 12, 7), 13),
        says_today=True,
        why="Your interview was Friday afternoon; a note today still reads as prompt.",
        logged_after=timedelta(days=2, hours=21),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_the_thank_you_says_when_and_why(row: Row) -> None:
    facts = InterviewFacts(
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=row.happened,
        logged_at=row.happened + row.logged_after,
        employer_timeline=None,
        direct_contact_ok=False,
    )
    planned = plan(facts, History(), facts.logged_at, row.person, PLAYBOOK)
    [thank_you] = [p for p in planned if p.kind is NudgeKind.THANK_YOU]
    assert thank_you.due_at == row.thank_you_at

    interview = summary(happened_at=row.happened, owner_tz=NEW_YORK.key)
    view = replace(nudge(NudgeKind.THANK_YOU, interview=interview), due_at=thank_you.due_at)
    _, blocks = render_nudge(view, PLAYBOOK)
    shown = all_text(blocks)
    texts = PLAYBOOK.texts
    assert (texts.thank_you_email in shown) is row.says_today
    assert (texts.thank_you_email_later in shown) is not row.says_today
    if row.why is None:
        assert "Your interview was" not in shown
    else:
        assert row.why in shown
