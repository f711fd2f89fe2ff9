"""Interviews logged ahead of time, one row per case, planned by the real planner: nothing
about an interview is due before it has ended but the reminder the evening before (for one
logged at least 12 hours ahead, before that evening); "get some distance" comes right after
its end and only when it was logged ahead or within three hours after it; the reflection and
the thank-you follow from the end. No Slack, no database, no today's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.rules.calendar import Pause, PersonHours, at_local
from bot.rules.domain import InterviewFormat, NudgeKind
from bot.rules.interview_form import (
    LENGTH_CHOICES_MINUTES,
    InterviewDraft,
    InterviewForm,
    validate_interview_form,
)
from bot.rules.planning import History, InterviewFacts, plan
from bot.rules.playbook import default_playbook

PLAYBOOK = default_playbook()
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return at_local(day, hour, NEW_YORK) + timedelta(minutes=minute)


@dataclass(frozen=True)
class Row:
    name: str
    happened: datetime
    logged: datetime
    length_minutes: int
    distance_at: datetime | None  # None: no "get some distance" at all
    reflection_at: datetime
    thank_you_at: datetime
    evening_at: datetime | None = None  # the reminder the evening before; None: none
    person: PersonHours | None = None  # None: New York, 08:00-20:00, no pause


ROWS = [
    Row(
        "logged 20 h ahead: distance right after the end, nothing before it",
        happened=local(TUESDAY, 14),
        logged=local(MONDAY, 18),
        length_minutes=60,
        distance_at=local(TUESDAY, 15),
        reflection_at=local(TUESDAY, 16),
        thank_you_at=local(TUESDAY, 17),
        evening_at=None,  # logged at 18:00: the "Logged" DM has just said it
    ),
    Row(
        "logged 26 h ahead: the reminder the evening before at 18:00",
        happened=local(TUESDAY, 14),
        logged=local(MONDAY, 12),
        length_minutes=60,
        distance_at=local(TUESDAY, 15),
        reflection_at=local(TUESDAY, 16),
        thank_you_at=local(TUESDAY, 17),
        evening_at=local(MONDAY, 18),
    ),
    Row(
        "logged after that evening (Monday 19:00 for Tuesday 16:00): no reminder",
        happened=local(TUESDAY, 16),
        logged=local(MONDAY, 19),
        length_minutes=60,
        distance_at=local(TUESDAY, 17),
        reflection_at=local(TUESDAY, 18),
        thank_you_at=local(TUESDAY, 19),
        evening_at=None,
    ),
    Row(
        "waking hours end at 17:00: the reminder at 16:00",
        happened=local(TUESDAY, 10),
        logged=local(MONDAY, 9),
        length_minutes=60,
        distance_at=local(TUESDAY, 11),
        reflection_at=local(TUESDAY, 12),
        thank_you_at=local(TUESDAY, 13),
        evening_at=local(MONDAY, 16),
        person=PersonHours(NEW_YORK, waking_end_hour=17),
    ),
    Row(
        "paused that evening: no reminder, not sent after the pause",
        happened=local(TUESDAY, 14),
        logged=local(MONDAY, 9),
        length_minutes=60,
        distance_at=local(TUESDAY, 15),
        reflection_at=local(TUESDAY, 16),
        thank_you_at=local(TUESDAY, 17),
        evening_at=None,
        person=PersonHours(NEW_YORK, pause=Pause(local(MONDAY, 17), local(TUESDAY, 8))),
    ),
    Row(
        "logged 3 h ahead (the old bug: distance at once): distance at the end",
        happened=local(TUESDAY, 14),
        logged=local(TUESDAY, 11),
        length_minutes=60,
        distance_at=local(TUESDAY, 15),
        reflection_at=local(TUESDAY, 16),
        thank_you_at=local(TUESDAY, 17),
    ),
    Row(
        "a 90-minute interview logged ahead: its end is 15:30",
        happened=local(TUESDAY, 14),
        logged=local(MONDAY, 9),
        length_minutes=90,
        distance_at=local(TUESDAY, 15, 30),
        reflection_at=local(TUESDAY, 16, 30),
        thank_you_at=local(TUESDAY, 17, 30),
        evening_at=local(MONDAY, 18),
    ),
    Row(
        "logged 2 h after: distance at once, the reflection in a little while",
        happened=local(TUESDAY, 10),
        logged=local(TUESDAY, 12),
        length_minutes=60,
        distance_at=local(TUESDAY, 12),
        reflection_at=local(TUESDAY, 12, 30),
        thank_you_at=local(TUESDAY, 13, 30),
    ),
    Row(
        "logged 5 h after: no distance",
        happened=local(TUESDAY, 9),
        logged=local(TUESDAY, 14),
        length_minutes=60,
        distance_at=None,
        reflection_at=local(TUESDAY, 14),
        thank_you_at=local(TUESDAY, 15),
    ),
    Row(
        "logged ahead, ending after waking hours: no distance, the rest next morning",
        happened=local(TUESDAY, 19, 30),
        logged=local(MONDAY, 12),
        length_minutes=60,
        distance_at=None,
        reflection_at=local(date(2026, 12, 9), 8),
        thank_you_at=local(date(2026, 12, 9), 9),
        evening_at=local(MONDAY, 18),
    ),
    Row(
        "logged ahead, ending inside a pause: no distance, the rest after the pause",
        happened=local(TUESDAY, 14),
        logged=local(MONDAY, 12),
        length_minutes=60,
        distance_at=None,
        reflection_at=local(date(2026, 12, 9), 8),
        thank_you_at=local(date(2026, 12, 9), 9),
        evening_at=local(MONDAY, 18),
        person=PersonHours(NEW_YORK, pause=Pause(local(TUESDAY, 12), local(date(2026, 12, 9), 0))),
    ),
]


def hours(row: Row) -> PersonHours:
    return row.person or PersonHours(NEW_YORK)


def facts_of(row: Row) -> InterviewFacts:
    return InterviewFacts(
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=row.happened,
        logged_at=row.logged,
        employer_timeline=None,
        direct_contact_ok=False,
        length=timedelta(minutes=row.length_minutes),
    )


def due(planned, kind: NudgeKind) -> datetime | None:
    found = [p.due_at for p in planned if p.kind is kind]
    return found[0] if found else None


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_the_advice_waits_for_the_end(row: Row) -> None:
    facts = facts_of(row)
    planned = plan(facts, History(), row.logged, hours(row), PLAYBOOK)

    assert due(planned, NudgeKind.DISTANCE) == row.distance_at
    assert due(planned, NudgeKind.REFLECTION) == row.reflection_at
    assert due(planned, NudgeKind.THANK_YOU) == row.thank_you_at
    assert due(planned, NudgeKind.EVENING_BEFORE) == row.evening_at
    end = row.happened + timedelta(minutes=row.length_minutes)
    about_it = [p for p in planned if p.kind is not NudgeKind.EVENING_BEFORE]
    assert all(p.due_at >= end for p in about_it), "nothing before the interview has ended"
    follow_up = due(planned, NudgeKind.FOLLOW_UP)
    assert follow_up is not None and follow_up >= row.thank_you_at + timedelta(days=1)


@pytest.mark.parametrize("row", [r for r in ROWS if r.logged < r.happened], ids=lambda r: r.name)
def test_re_planned_while_waiting_nothing_moves_earlier(row: Row) -> None:
    """The reconciler re-plans at every press and tick: between logging and the interview
    the plan stays the same (the evening's reminder, once sent, is history)."""
    facts = facts_of(row)
    first = plan(facts, History(), row.logged, hours(row), PLAYBOOK)
    for waited in (1, 6, 12):
        later = row.logged + timedelta(hours=waited)
        if later >= row.happened:
            break
        again = plan(facts, History(), later, hours(row), PLAYBOOK)
        if row.evening_at is not None and later <= row.evening_at:
            assert again == first
        else:
            assert [p for p in again if p.kind is not NudgeKind.EVENING_BEFORE] == [
                p for p in first if p.kind is not NudgeKind.EVENING_BEFORE
            ]


NOW = local(MONDAY, 12)


@pytest.mark.parametrize(
    ("ahead", "accepted"),
    [
        (timedelta(hours=20), True),
        (timedelta(days=30), True),
        (timedelta(days=60), True),
        (timedelta(days=60, minutes=1), False),
        (timedelta(days=61), False),
    ],
)
def test_an_interview_can_be_logged_up_to_60_days_ahead(ahead: timedelta, accepted: bool) -> None:
    result = validate_interview_form(
        InterviewForm(company="Acme", format="video", happened_at=NOW + ahead),
        now=NOW,
        tz=NEW_YORK,
    )
    if accepted:
        assert isinstance(result, InterviewDraft)
    else:
        assert isinstance(result, dict)
        assert result == {
            "happened_at": "That's more than 60 days from now. Log it once the date is nearer."
        }


@given(
    ahead_minutes=st.integers(min_value=1, max_value=60 * 24 * 60),
    length=st.sampled_from(LENGTH_CHOICES_MINUTES),
    waited_minutes=st.integers(min_value=0, max_value=60 * 24 * 61),
    waking_start=st.integers(min_value=0, max_value=12),
    waking_end=st.integers(min_value=13, max_value=24),
)
# Re-planned with its evening past (a correction's "after its time" rule once moved it to the
# next morning, after the interview itself).
@example(ahead_minutes=883, length=30, waited_minutes=179, waking_start=0, waking_end=13)
def test_nothing_about_an_interview_logged_ahead_comes_before_its_end(
    ahead_minutes: int, length: int, waited_minutes: int, waking_start: int, waking_end: int
) -> None:
    """Whenever it is re-planned: everything but the evening's reminder is due at or after
    the end; the reminder, if any, on the day before, in waking hours, after the logging."""
    logged = local(MONDAY, 9, 17)
    happened = logged + timedelta(minutes=ahead_minutes)
    facts = InterviewFacts(
        format=InterviewFormat.IN_PERSON,
        traditional_org=True,
        happened_at=happened,
        logged_at=logged,
        employer_timeline=None,
        direct_contact_ok=True,
        length=timedelta(minutes=length),
    )
    person = PersonHours(NEW_YORK, waking_start_hour=waking_start, waking_end_hour=waking_end)
    now = logged + timedelta(minutes=waited_minutes)
    planned = plan(facts, History(), now, person, PLAYBOOK)
    end = happened + timedelta(minutes=length)
    for nudge in planned:
        if nudge.kind is NudgeKind.EVENING_BEFORE:
            local_due = nudge.due_at.astimezone(NEW_YORK)
            assert local_due.date() == happened.astimezone(NEW_YORK).date() - timedelta(days=1)
            assert waking_start <= local_due.hour < waking_end
            assert nudge.due_at > logged
        else:
            assert nudge.due_at >= end, nudge
