"""The outcome rules (bot.rules.outcomes), one row per rule: how long a close can be undone,
the five-week window of the follow-ups, when "Still waiting?" replaces the next one, and when
an interview closes itself. The whole course is played in tests/unit/test_playbook_table.py
and its properties in tests/unit/test_playbook_properties.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FixedClock
from bot.preview import Simulation
from bot.rules.calendar import PersonHours
from bot.rules.domain import ContactKind, InterviewFormat, InterviewStatus, NudgeKind
from bot.rules.outcomes import (
    asks_still_waiting,
    auto_close_due,
    auto_close_sequence,
    can_reopen,
    reopen_until,
    within_follow_up_window,
)
from bot.rules.planning import History, InterviewFacts, plan
from bot.rules.playbook import default_playbook

CLOSED = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
ACTIVE, SHUT = InterviewStatus.ACTIVE, InterviewStatus.CLOSED


@pytest.mark.parametrize(
    ("rule", "status", "closed_at", "now", "reopenable"),
    [
        ("closed a minute ago: Reopen", SHUT, CLOSED, CLOSED + timedelta(minutes=1), True),
        ("23:59 later: still", SHUT, CLOSED, CLOSED + timedelta(hours=23, minutes=59), True),
        ("a day later: no longer", SHUT, CLOSED, CLOSED + timedelta(days=1), False),
        ("a week later: no", SHUT, CLOSED, CLOSED + timedelta(days=7), False),
        ("open: nothing to reopen", ACTIVE, None, CLOSED, False),
        ("closed by an earlier version, no time kept: no", SHUT, None, CLOSED, False),
    ],
)
def test_a_close_can_be_undone_for_a_day(
    rule: str,
    status: InterviewStatus,
    closed_at: datetime | None,
    now: datetime,
    reopenable: bool,
) -> None:
    assert can_reopen(status, closed_at, now) is reopenable, rule
    until = reopen_until(status, closed_at)
    assert (until is not None) == (closed_at is not None and status is SHUT), rule


FIRST = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rule", "due", "inside"),
    [
        ("the second, a week on", FIRST + timedelta(weeks=1), True),
        ("the fifth, four weeks on", FIRST + timedelta(weeks=4), True),
        ("exactly five weeks on", FIRST + timedelta(weeks=5), True),
        ("an hour past five weeks", FIRST + timedelta(weeks=5, hours=1), False),
        ("six weeks on", FIRST + timedelta(weeks=6), False),
    ],
)
def test_follow_ups_stay_within_five_weeks_of_the_first(
    rule: str, due: datetime, inside: bool
) -> None:
    assert within_follow_up_window(FIRST, due, ZoneInfo("UTC")) is inside, rule


BERLIN = ZoneInfo("Europe/Berlin")
# Monday 10:00 in Berlin, three weeks before the clocks go back (Sunday 2026-10-25).
BEFORE_FALL_BACK = datetime(2026, 10, 5, 10, 0, tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize(
    ("rule", "due", "inside"),
    [
        # Monday 10:00 five weeks on is 35 days and an hour later in UTC: still inside.
        ("five weeks on, the same hour", BEFORE_FALL_BACK + timedelta(weeks=5, hours=1), True),
        ("an hour past that", BEFORE_FALL_BACK + timedelta(weeks=5, hours=2), False),
    ],
)
def test_the_five_weeks_are_counted_on_the_persons_calendar(
    rule: str, due: datetime, inside: bool
) -> None:
    assert within_follow_up_window(BEFORE_FALL_BACK, due, BERLIN) is inside, rule


def test_a_pause_does_not_count_toward_the_five_weeks() -> None:
    six_weeks = FIRST + timedelta(weeks=6)
    utc = ZoneInfo("UTC")
    assert not within_follow_up_window(FIRST, six_weeks, utc)
    assert within_follow_up_window(FIRST, six_weeks, utc, paused=timedelta(weeks=1))
    assert not within_follow_up_window(FIRST, six_weeks, utc, paused=timedelta(days=6))


FOLLOW_UP, SNOOZED, KEPT_GOING, CHECKING_BACK = (
    ContactKind.FOLLOW_UP,
    ContactKind.SNOOZED,
    ContactKind.KEPT_GOING,
    ContactKind.CHECKING_BACK,
)


@pytest.mark.parametrize(
    ("rule", "sent", "contacts", "asks"),
    [
        ("one follow-up, nothing pressed: not yet", 1, [], False),
        ("two follow-ups, nothing pressed: ask", 2, [], True),
        ("two, only the thank-you marked: ask", 2, [ContactKind.THANK_YOU_EMAIL], True),
        ("two, one marked sent: go on", 2, [FOLLOW_UP], False),
        ("two, one snoozed: go on", 2, [SNOOZED], False),
        ("Keep going pressed (on the check-in or the question): go on", 3, [KEPT_GOING], False),
        ("I'll check back: go on after it", 2, [CHECKING_BACK], False),
        ("reopened after a close is no answer: ask", 2, [ContactKind.REOPENED], True),
    ],
)
def test_still_waiting_replaces_the_third_after_two_unanswered(
    rule: str, sent: int, contacts: list[ContactKind], asks: bool
) -> None:
    assert asks_still_waiting(sent, contacts) is asks, rule


def test_the_auto_close_comes_three_weeks_after_the_last_word() -> None:
    assert auto_close_due(FIRST, ZoneInfo("America/Los_Angeles")) == FIRST + timedelta(weeks=3)


def test_three_weeks_across_a_dst_change_keep_the_wall_clock() -> None:
    la = ZoneInfo("America/Los_Angeles")  # clocks go forward on Sun 14 Mar 2027
    last = datetime(2027, 3, 2, 10, 0, tzinfo=la)
    due = auto_close_due(last.astimezone(UTC), la)
    assert due.astimezone(la) == datetime(2027, 3, 23, 10, 0, tzinfo=la)
    assert due - last == timedelta(weeks=3) - timedelta(hours=1)


@pytest.mark.parametrize(
    ("contacts", "sequence"),
    [
        ([], 0),
        ([FOLLOW_UP, KEPT_GOING], 0),
        ([ContactKind.REOPENED], 1),
        ([ContactKind.REOPENED, FOLLOW_UP, ContactKind.REOPENED], 2),
    ],
)
def test_each_reopen_allows_a_new_auto_close(contacts: list[ContactKind], sequence: int) -> None:
    assert auto_close_sequence(contacts) == sequence


# -- a close undone, played on the in-memory outbox ---------------------------------------------


def test_withdrew_then_reopen_within_the_day_resumes_the_schedule() -> None:
    """Withdrew an hour after follow-up 1, reopened an hour later: nothing while it was
    closed, then follow-up 2 a week after the first, as if nothing had happened."""
    tz = ZoneInfo("America/Los_Angeles")
    happened = datetime(2026, 12, 1, 10, 0, tzinfo=tz).astimezone(UTC)
    facts = InterviewFacts(
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=happened,
        logged_at=happened,
        employer_timeline=None,
        direct_contact_ok=True,
    )
    simulation = Simulation(facts, PersonHours(tz), default_playbook(), FixedClock(happened))
    first = datetime(2026, 12, 8, 10, 0, tzinfo=tz).astimezone(UTC)
    simulation.run_until(first + timedelta(hours=1))
    simulation.close(heard_back=True)
    assert simulation.plan() == ()
    simulation.run_until(first + timedelta(hours=2))
    simulation.reopen()

    simulation.run_until(first + timedelta(weeks=1))

    later = [(d.kind, d.at) for d in simulation.delivered if d.at > first]
    assert later == [(NudgeKind.FOLLOW_UP, first + timedelta(weeks=1))]


def test_an_interview_whose_follow_ups_ended_long_ago_closes_at_the_next_slot() -> None:
    """Follow-ups that ended before this rule existed (or a long outage): the auto-close is
    not dropped as too late; it comes at the next follow-up slot."""
    tz = ZoneInfo("America/Los_Angeles")
    happened = datetime(2026, 12, 1, 10, 0, tzinfo=tz).astimezone(UTC)
    facts = InterviewFacts(
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=happened,
        logged_at=happened,
        employer_timeline=None,
        direct_contact_ok=False,
    )
    simulation = Simulation(facts, PersonHours(tz), default_playbook(), FixedClock(happened))
    simulation.run_until(datetime(2026, 12, 15, 10, 0, tzinfo=tz).astimezone(UTC))  # check-in
    history = History(
        contacts=tuple(simulation.contacts),
        nudges=tuple(r for r in simulation.rows.values() if r.kind is not NudgeKind.AUTO_CLOSE),
    )
    now = datetime(2027, 3, 1, 15, 0, tzinfo=tz).astimezone(UTC)  # a Monday afternoon

    planned = plan(facts, history, now, PersonHours(tz), default_playbook())

    [closing] = [p for p in planned if p.kind is NudgeKind.AUTO_CLOSE]
    assert closing.due_at == datetime(2027, 3, 2, 10, 0, tzinfo=tz).astimezone(UTC)
