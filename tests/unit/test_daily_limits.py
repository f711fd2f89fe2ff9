"""The daily limits (bot.rules.daily_limits): one row per rule, then properties (hypothesis)
over arbitrary settings, pauses, zones (DST included) and interviews planned by the real
planner. No Slack, no database, no today's date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.preview import Delivered, Simulation
from bot.preview.person import PersonOutbox
from bot.rules.calendar import Pause, PersonHours, at_local, is_waking, local_date
from bot.rules.daily_limits import (
    LIMITED,
    PER_INTERVIEW_A_DAY,
    PER_PERSON_A_DAY,
    limit_daily,
)
from bot.rules.domain import ContactKind, InterviewFormat, NudgeKind
from bot.rules.planning import History, InterviewFacts, PlannedNudge, plan
from bot.rules.playbook import default_playbook
from tests.unit.test_playbook_properties import ZONES

NEW_YORK = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
FU = NudgeKind.FOLLOW_UP
US_PERSON = PersonHours(NEW_YORK, holiday_country="US")


def at(day: date, hour: int, tz: ZoneInfo = NEW_YORK) -> datetime:
    return at_local(day, hour, tz)


def nudge(kind: NudgeKind, due: datetime, sequence: int = 1) -> PlannedNudge:
    return PlannedNudge(due, kind, sequence)


# 2026-12-08 is a Tuesday.
TUE = date(2026, 12, 8)
WED, THU, FRI, MON = (TUE + timedelta(days=n) for n in (1, 2, 3, 6))


@dataclass(frozen=True)
class Row:
    name: str
    planned: dict[int, tuple[PlannedNudge, ...]]
    expected: dict[int, tuple[PlannedNudge, ...]]
    now: datetime
    person: PersonHours = US_PERSON
    settled: dict[int, dict[tuple[NudgeKind, int], datetime | None]] | None = None


ROWS = [
    Row(
        "four follow-ups at one hour: three that day, the fourth the next working day",
        {i: (nudge(FU, at(TUE, 10)),) for i in (1, 2, 3, 4)},
        {
            **{i: (nudge(FU, at(TUE, 10)),) for i in (1, 2, 3)},
            4: (nudge(FU, at(WED, 10)),),
        },
        now=at(TUE, 9),
    ),
    Row(
        "one interview's card and follow-up on one day: the follow-up waits a day",
        {1: (nudge(NudgeKind.CARD, at(TUE, 10), 0), nudge(FU, at(TUE, 11)))},
        {1: (nudge(NudgeKind.CARD, at(TUE, 10), 0), nudge(FU, at(WED, 11)))},
        now=at(TUE, 9),
    ),
    Row(
        "the interview's own-day advice neither counts nor moves",
        {
            i: (
                nudge(NudgeKind.DISTANCE, at(TUE, 10), 0),
                nudge(NudgeKind.REFLECTION, at(TUE, 11), 0),
                nudge(NudgeKind.THANK_YOU, at(TUE, 12), 0),
            )
            for i in (1, 2, 3, 4, 5)
        }
        | {6: (nudge(FU, at(TUE, 10)),)},
        {
            i: (
                nudge(NudgeKind.DISTANCE, at(TUE, 10), 0),
                nudge(NudgeKind.REFLECTION, at(TUE, 11), 0),
                nudge(NudgeKind.THANK_YOU, at(TUE, 12), 0),
            )
            for i in (1, 2, 3, 4, 5)
        }
        | {6: (nudge(FU, at(TUE, 10)),)},
        now=at(TUE, 9),
    ),
    Row(
        "three sent on Friday fill it: the fourth comes on Monday, not Saturday",
        {i: (nudge(FU, at(FRI, 9)),) for i in (1, 2, 3)} | {4: (nudge(FU, at(FRI, 10)),)},
        {i: (nudge(FU, at(FRI, 9)),) for i in (1, 2, 3)} | {4: (nudge(FU, at(MON, 10)),)},
        now=at(FRI, 9, NEW_YORK) + timedelta(minutes=30),
        settled={i: {(FU, 1): at(FRI, 9)} for i in (1, 2, 3)},
    ),
    Row(
        "a failed nudge never reached them: it does not count",
        {i: (nudge(FU, at(TUE, 9)),) for i in (1, 2, 3)} | {4: (nudge(FU, at(TUE, 10)),)},
        {i: (nudge(FU, at(TUE, 9)),) for i in (1, 2, 3)} | {4: (nudge(FU, at(TUE, 10)),)},
        now=at(TUE, 9, NEW_YORK) + timedelta(minutes=30),
        settled={1: {(FU, 1): None}, 2: {(FU, 1): at(TUE, 9)}, 3: {(FU, 1): at(TUE, 9)}},
    ),
    Row(
        "a full Christmas Eve waits past Christmas Day (a US holiday) and the weekend",
        {i: (nudge(FU, at(date(2026, 12, 24), 10)),) for i in (1, 2, 3, 4)},
        {i: (nudge(FU, at(date(2026, 12, 24), 10)),) for i in (1, 2, 3)}
        | {4: (nudge(FU, at(date(2026, 12, 28), 10)),)},
        now=at(date(2026, 12, 23), 9),
    ),
    Row(
        "a full day before a pause waits until the pause has ended",
        {i: (nudge(FU, at(WED, 10)),) for i in (1, 2, 3, 4)},
        {i: (nudge(FU, at(WED, 10)),) for i in (1, 2, 3)} | {4: (nudge(FU, at(MON, 10)),)},
        now=at(TUE, 9),
        person=PersonHours(NEW_YORK, pause=Pause(at(THU, 0), until=at(MON, 0))),
    ),
    Row(
        "an overdue nudge counts on the day it goes out, today",
        {i: (nudge(FU, at(WED, 10)),) for i in (1, 2, 3)} | {4: (nudge(FU, at(TUE, 10)),)},
        {i: (nudge(FU, at(WED, 10)),) for i in (1, 2)}
        | {3: (nudge(FU, at(THU, 10)),), 4: (nudge(FU, at(TUE, 10)),)},
        now=at(WED, 8),
    ),
    Row(
        "waiting over a DST change keeps the local hour",
        {i: (nudge(FU, at(date(2026, 3, 6), 10, LA)),) for i in (1, 2, 3, 4)},
        {i: (nudge(FU, at(date(2026, 3, 6), 10, LA)),) for i in (1, 2, 3)}
        | {4: (nudge(FU, at(date(2026, 3, 9), 10, LA)),)},
        now=at(date(2026, 3, 6), 8, LA),
        person=PersonHours(LA, holiday_country=None),
    ),
    Row(
        "custom working days (Sunday to Thursday): a full Thursday waits until Sunday",
        {i: (nudge(FU, at(THU, 10)),) for i in (1, 2, 3, 4)},
        {i: (nudge(FU, at(THU, 10)),) for i in (1, 2, 3)}
        | {4: (nudge(FU, at(date(2026, 12, 13), 10)),)},
        now=at(THU, 9),
        person=PersonHours(NEW_YORK, working_days=frozenset({6, 0, 1, 2, 3})),
    ),
    Row(
        "two follow-ups within an hour share the later time (one DM), never an earlier one",
        {1: (nudge(FU, at(TUE, 10)),), 2: (nudge(FU, at(TUE, 10) + timedelta(minutes=40)),)},
        {i: (nudge(FU, at(TUE, 10) + timedelta(minutes=40)),) for i in (1, 2)},
        now=at(TUE, 9),
    ),
    Row(
        "an hour or more apart, or on different days, they keep their own times",
        {
            1: (nudge(FU, at(TUE, 10)),),
            2: (nudge(FU, at(TUE, 11)),),
            3: (nudge(NudgeKind.CARD, at(WED, 10), 0), nudge(FU, at(THU, 10))),
        },
        {
            1: (nudge(FU, at(TUE, 10)),),
            2: (nudge(FU, at(TUE, 11)),),
            3: (nudge(NudgeKind.CARD, at(WED, 10), 0), nudge(FU, at(THU, 10))),
        },
        now=at(TUE, 9),
    ),
    Row(
        "an overdue follow-up goes out now, joined by one due within the hour",
        {1: (nudge(FU, at(MON - timedelta(days=7), 10)),), 2: (nudge(FU, at(TUE, 9, NEW_YORK)),)},
        {i: (nudge(FU, at(TUE, 9)),) for i in (1, 2)},
        now=at(TUE, 9) - timedelta(minutes=30),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_daily_limits(row: Row) -> None:
    settled = row.settled or {}
    assert limit_daily(row.planned, settled, row.person, row.now) == row.expected


def test_the_limits_are_the_issues() -> None:
    assert (PER_INTERVIEW_A_DAY, PER_PERSON_A_DAY) == (1, 3)
    assert {
        NudgeKind.CARD,
        FU,
        NudgeKind.CHECK_IN,
        NudgeKind.REMINDER,
        NudgeKind.STILL_WAITING,
        NudgeKind.AUTO_CLOSE,
    } == LIMITED


# -- properties ------------------------------------------------------------------------------

FIRST, LAST = date(2024, 1, 1), date(2030, 12, 31)


@st.composite
def people(draw: st.DrawFn) -> tuple[PersonHours, datetime]:
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    start = draw(st.integers(0, 20))
    end = draw(st.integers(start + 1, 24))
    now = datetime.combine(
        draw(st.dates(FIRST, LAST)), time(draw(st.integers(0, 23))), tzinfo=tz
    ).astimezone(UTC)
    pause = None
    if draw(st.booleans()):
        began = now + timedelta(hours=draw(st.integers(-48, 30 * 24)))
        length = draw(st.one_of(st.none(), st.integers(1, 30 * 24)))
        pause = Pause(began, None if length is None else began + timedelta(hours=length))
    person = PersonHours(
        tz,
        start,
        end,
        working_days=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        holiday_country=draw(st.sampled_from([None, "US", "IL", "JP", "DE", "SA"])),
        follow_up_hour=draw(st.one_of(st.none(), st.integers(0, 23))),
        pause=pause,
        now=now,
    )
    return person, now


@st.composite
def interviews(draw: st.DrawFn, now: datetime) -> InterviewFacts:
    happened = now - timedelta(hours=draw(st.integers(0, 30 * 24)))
    timeline = draw(st.one_of(st.none(), st.integers(0, 20)))
    return InterviewFacts(
        format=draw(st.sampled_from(InterviewFormat)),
        traditional_org=draw(st.booleans()),
        happened_at=happened,
        logged_at=happened + timedelta(minutes=draw(st.integers(0, 600))),
        employer_timeline=None
        if timeline is None
        else local_date(happened, ZoneInfo("UTC")) + timedelta(days=timeline),
        direct_contact_ok=draw(st.booleans()),
    )


@st.composite
def cases(
    draw: st.DrawFn,
) -> tuple[PersonHours, datetime, dict[int, tuple[PlannedNudge, ...]], dict]:
    person, now = draw(people())
    count = draw(st.integers(1, 7))
    playbook = default_playbook()
    planned: dict[int, tuple[PlannedNudge, ...]] = {}
    for number in range(count):
        facts = draw(interviews(now))
        # Plan as of when it was logged: everything not yet sent, so much is due at once.
        planned[number] = plan(facts, History(), max(now, facts.logged_at), person, playbook)
    # Some of today's limited nudges already went out.
    settled: dict[int, dict[tuple[NudgeKind, int], datetime | None]] = {}
    for number in range(min(count, PER_PERSON_A_DAY)):
        if draw(st.booleans()):
            sent = now - timedelta(hours=draw(st.integers(0, 10)))
            settled[number] = {(NudgeKind.CHECK_IN, 7): sent}
    return person, now, planned, settled


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_limits_hold_and_nothing_is_lost(case: tuple) -> None:
    person, now, planned, settled = case
    limited = limit_daily(planned, settled, person, now)
    total: Counter[date] = Counter()
    per_interview: Counter[tuple[int, date]] = Counter()
    for interview, keys in settled.items():
        for reached in keys.values():
            assert reached is not None
            total[local_date(reached, person.tz)] += 1
            per_interview[(interview, local_date(reached, person.tz))] += 1
    for interview, nudges in planned.items():
        before = {n.key: n.due_at for n in nudges}
        after = {n.key: n.due_at for n in limited[interview]}
        # Nothing lost, nothing added.
        assert before.keys() == after.keys()
        # Order within an interview is kept.
        assert [n.key for n in sorted(nudges)] == [n.key for n in limited[interview]]
        for key, due in after.items():
            assert due >= before[key]  # never sooner than the rules want
            if key[0] not in LIMITED:
                assert due == before[key]  # own-day advice is the planner's alone
                continue
            day = local_date(max(due, now), person.tz)
            total[day] += 1
            per_interview[(interview, day)] += 1
            if due != before[key]:  # one that waited lands on a suitable slot
                assert is_waking(due, person)
                assert person.is_working_day(local_date(due, person.tz))
                assert not replace(person, now=now).is_paused(due)
    assert all(count <= PER_PERSON_A_DAY for count in total.values())
    assert all(count <= PER_INTERVIEW_A_DAY for count in per_interview.values())
    # Applied again to its own output, it changes nothing.
    assert limit_daily(limited, settled, person, now) == limited


# -- a person's interviews played over time ----------------------------------------------------

POLICIES: dict[NudgeKind, list[ContactKind | None]] = {
    NudgeKind.THANK_YOU: [ContactKind.THANK_YOU_EMAIL, ContactKind.THANK_YOU_SKIPPED, None],
    NudgeKind.CARD: [ContactKind.THANK_YOU_CARD, None],
    NudgeKind.FOLLOW_UP: [ContactKind.FOLLOW_UP, ContactKind.SNOOZED, None],
    NudgeKind.REMINDER: [ContactKind.FOLLOW_UP, None],
    NudgeKind.CHECK_IN: [ContactKind.KEPT_GOING, None],
    NudgeKind.STILL_WAITING: [ContactKind.KEPT_GOING, None],
}


@st.composite
def people_over_time(draw: st.DrawFn) -> tuple[PersonHours, list[InterviewFacts], dict]:
    person, now = draw(people())
    if person.pause is not None and person.pause.until is None:
        # An open pause never ends in a run without a resume: give it an end.
        person = replace(person, pause=Pause(person.pause.start, person.pause.start + WEEK))
    person = replace(person, now=None)
    logs = []
    for _ in range(draw(st.integers(1, 4))):
        happened = now + timedelta(hours=draw(st.integers(0, 72)))
        logs.append(
            InterviewFacts(
                format=draw(st.sampled_from(InterviewFormat)),
                traditional_org=draw(st.booleans()),
                happened_at=happened,
                logged_at=happened + timedelta(minutes=draw(st.integers(0, 120))),
                employer_timeline=None,
                direct_contact_ok=draw(st.booleans()),
            )
        )
    policy = {kind: draw(st.sampled_from(options)) for kind, options in POLICIES.items()}
    return person, logs, policy


WEEK = timedelta(days=7)


def play(person: PersonHours, logs: list[InterviewFacts], policy: dict, *, limits: bool):
    outbox = PersonOutbox(
        person, default_playbook(), FixedClock(min(f.logged_at for f in logs)), limits
    )

    def respond(simulation: Simulation, delivered: Delivered) -> None:
        contact = policy.get(delivered.kind)
        if contact is ContactKind.SNOOZED:
            simulation.snooze(3)
        elif contact is not None:
            simulation.press(contact)

    outbox.run(logs, respond)
    return outbox


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people_over_time())
def test_a_person_never_gets_more_than_the_limits_and_loses_nothing(case: tuple) -> None:
    person, logs, policy = case
    outbox = play(person, logs, policy, limits=True)
    total: Counter[date] = Counter()
    per_interview: Counter[tuple[int, date]] = Counter()
    for each in outbox.delivered:
        sent = each.delivered
        local = sent.at.astimezone(person.tz)
        assert is_waking(sent.at, person), sent
        assert not replace(person, now=sent.at).is_paused(sent.at), sent
        if sent.kind in LIMITED:
            assert person.is_working_day(local.date()), sent
            total[local.date()] += 1
            per_interview[(each.interview, local.date())] += 1
    assert all(count <= PER_PERSON_A_DAY for count in total.values())
    assert all(count <= PER_INTERVIEW_A_DAY for count in per_interview.values())
    # Nothing lost: the same DMs as without the limits, only some later. But for the
    # follow-ups: none goes out past five weeks from the first (bot.rules.outcomes), and the
    # limits can move the first, or a later one past that ceiling, so their count (and the
    # reminders of a snoozed one) may differ.
    unlimited = play(person, logs, policy, limits=False)
    limited_keys = {(d.interview, d.delivered.key) for d in outbox.delivered}
    unlimited_keys = {(d.interview, d.delivered.key) for d in unlimited.delivered}
    differ = limited_keys ^ unlimited_keys
    windowed = (NudgeKind.FOLLOW_UP, NudgeKind.REMINDER, NudgeKind.STILL_WAITING)
    assert all(kind in windowed and sequence != 1 for _, (kind, sequence) in differ), sorted(differ)
