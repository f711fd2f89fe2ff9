"""The coach's timing rules, one row per rule: which DMs a person gets, in what order, on
which local days and hours.

Each row plays one interview on a FixedClock that jumps from nudge to nudge
(bot.preview.Simulation): plan, send the earliest pending nudge when it is due, record it
as sent, apply the person's scripted presses, plan again, until nothing is left. The person
is Dana, in Los Angeles, awake 08:00-20:00, unless a row says otherwise. No Slack, no
database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FixedClock
from bot.preview import Delivered, Simulation
from bot.rules.calendar import PersonHours, is_waking, next_waking
from bot.rules.domain import ContactKind, InterviewFormat, NudgeKind, NudgeStatus
from bot.rules.outcomes import CHECK_BACK_AFTER
from bot.rules.planning import (
    History,
    InterviewFacts,
    NudgeRecord,
    PlannedNudge,
    plan,
    reminded_follow_up,
)
from bot.rules.playbook import default_playbook
from bot.rules.reconciling import Change, ChangeKind, Key, reconcile_changes

LA = "America/Los_Angeles"
PHONE, VIDEO, IN_PERSON = (
    InterviewFormat.PHONE_SCREEN,
    InterviewFormat.VIDEO,
    InterviewFormat.IN_PERSON,
)
# A button pressed on a DM (its key; None: the latest DM the person got).
Button = Callable[[Simulation, Key | None], object]


def _press(kind: ContactKind) -> Button:
    return lambda simulation, on: simulation.press(kind, on=on)


def _snooze(days: int) -> Button:
    return lambda simulation, on: simulation.snooze(days, on=on)


def _close(heard_back: bool) -> Button:
    return lambda simulation, _on: simulation.close(heard_back=heard_back)


# The buttons, as the coach records them (bot.coach.choices does the same with real rows).
PRESSES: dict[str, Button] = {
    "email sent": _press(ContactKind.THANK_YOU_EMAIL),
    "card mailed": _press(ContactKind.THANK_YOU_CARD),
    "skip": _press(ContactKind.THANK_YOU_SKIPPED),
    "follow-up sent": _press(ContactKind.FOLLOW_UP),
    "snooze 1 day": _snooze(1),
    "snooze 3 days": _snooze(3),
    "keep going": _press(ContactKind.KEPT_GOING),
    "check back": lambda simulation, on: simulation.press(
        ContactKind.CHECKING_BACK, on=on, until=simulation.clock.now() + CHECK_BACK_AFTER
    ),
    "close it": _close(heard_back=False),
    "heard back": _close(heard_back=True),
    "stop reminders": _close(heard_back=False),
}


def pressing(button: str, on: Delivered | None = None) -> Callable[[Simulation], None]:
    """The person pressing `button` on the DM `on` (None: the latest they got)."""
    return lambda simulation: PRESSES[button](simulation, on.key if on else None)


def label(delivered: Delivered) -> str:
    if delivered.kind is NudgeKind.FOLLOW_UP:
        return f"follow-up {delivered.sequence}"
    if delivered.kind is NudgeKind.REMINDER:
        return f"reminder {reminded_follow_up(delivered.sequence)}"
    return delivered.kind.value.replace("_", "-")


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


@dataclass(frozen=True)
class Row:
    rule: str
    format: InterviewFormat
    expected: Sequence[str]  # "Tue 01 Dec 10:00 distance": local day, date, time, DM
    traditional: bool = False
    timeline: date | None = None
    direct: bool = False
    at: str = "2026-12-01 10:00"  # the interview, local time (a Tuesday)
    logged_after: timedelta = timedelta(0)
    zone: str = LA
    # On receiving the DM named by the key: press these buttons, each after a while.
    presses: Mapping[str, Sequence[tuple[timedelta, str]]] = field(default_factory=dict)
    closes: bool = False  # the script ends the interview (heard back or stop)


ROWS = [
    Row(
        "phone screen, no timeline, no permission, presses nothing: one follow-up a week "
        "after the interview, one check-in a week later, then silence",
        PHONE,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Tue 15 Dec 10:00 check-in",
            "Tue 05 Jan 10:00 auto-close",
        ],
    ),
    Row(
        "video, no timeline, thank-you email sent: the follow-up comes a week after the email, "
        "at 10:00 on the first working day from then (office hours), the check-in a week later",
        VIDEO,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Wed 09 Dec 10:00 follow-up 1",
            "Wed 16 Dec 10:00 check-in",
            "Wed 06 Jan 10:00 auto-close",
        ],
        presses={"thank-you": [(minutes(120), "email sent")]},
    ),
    Row(
        "face-to-face, not traditional: no card; a timeline wins over the email: the follow-up "
        "comes the working morning after the date they gave",
        IN_PERSON,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Thu 10 Dec 10:00 follow-up 1",
            "Thu 17 Dec 10:00 check-in",
            "Thu 07 Jan 10:00 auto-close",
        ],
        timeline=date(2026, 12, 9),
        presses={"thank-you": [(minutes(0), "email sent")]},
    ),
    Row(
        "face-to-face, traditional: the thank-you advises a card; the card reminder comes the "
        "next working morning at 10:00; email and card sent",
        IN_PERSON,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Wed 02 Dec 10:00 card",
            "Wed 09 Dec 10:00 follow-up 1",
            "Wed 16 Dec 10:00 check-in",
            "Wed 06 Jan 10:00 auto-close",
        ],
        traditional=True,
        presses={
            "thank-you": [(minutes(0), "email sent")],
            "card": [(minutes(60), "card mailed")],
        },
    ),
    Row(
        "traditional, card mailed at once: no card reminder",
        IN_PERSON,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Wed 09 Dec 10:00 follow-up 1",
            "Wed 16 Dec 10:00 check-in",
            "Wed 06 Jan 10:00 auto-close",
        ],
        traditional=True,
        presses={"thank-you": [(minutes(30), "email sent"), (minutes(30), "card mailed")]},
    ),
    Row(
        "traditional, thank-you skipped: no card reminder, the follow-up a week after the "
        "interview",
        IN_PERSON,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Tue 15 Dec 10:00 check-in",
            "Tue 05 Jan 10:00 auto-close",
        ],
        traditional=True,
        presses={"thank-you": [(minutes(5), "skip")]},
    ),
    Row(
        "traditional, pressing nothing: the card reminder comes, the follow-up a week after "
        "the interview",
        IN_PERSON,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Wed 02 Dec 10:00 card",
            "Tue 08 Dec 10:00 follow-up 1",
            "Tue 15 Dec 10:00 check-in",
            "Tue 05 Jan 10:00 auto-close",
        ],
        traditional=True,
    ),
    Row(
        "direct permission, nothing pressed on the follow-ups: two weekly follow-ups, then "
        "'Still waiting?' instead of the rest, then it closes itself three weeks later",
        VIDEO,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Wed 09 Dec 10:00 follow-up 1",
            "Wed 16 Dec 10:00 follow-up 2",
            "Wed 23 Dec 10:00 still-waiting",
            "Wed 13 Jan 10:00 auto-close",
        ],
        direct=True,
        presses={"thank-you": [(minutes(0), "email sent")]},
    ),
    Row(
        "direct permission, Keep going on 'Still waiting?' at 10:30: the rest weekly from the "
        "first slot a day later, none later than five weeks after the first, then the auto-close",
        VIDEO,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Wed 09 Dec 10:00 follow-up 1",
            "Wed 16 Dec 10:00 follow-up 2",
            "Wed 23 Dec 10:00 still-waiting",
            "Fri 25 Dec 10:00 follow-up 3",
            "Fri 01 Jan 10:00 follow-up 4",
            "Fri 08 Jan 10:00 follow-up 5",
            "Fri 29 Jan 10:00 auto-close",
        ],
        direct=True,
        presses={
            "thank-you": [(minutes(0), "email sent")],
            "still-waiting": [(minutes(30), "keep going")],
        },
    ),
    Row(
        "direct permission, 'I'll check back in two weeks': follow-up 3 two weeks on; the "
        "fourth would fall past five weeks from the first, so none; then the auto-close",
        VIDEO,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Wed 09 Dec 10:00 follow-up 1",
            "Wed 16 Dec 10:00 follow-up 2",
            "Wed 23 Dec 10:00 still-waiting",
            "Thu 07 Jan 10:00 follow-up 3",
            "Thu 28 Jan 10:00 auto-close",
        ],
        direct=True,
        presses={
            "thank-you": [(minutes(0), "email sent")],
            "still-waiting": [(minutes(60), "check back")],
        },
    ),
    Row(
        "direct permission, Close it on 'Still waiting?': closed, then silence",
        VIDEO,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Wed 09 Dec 10:00 follow-up 1",
            "Wed 16 Dec 10:00 follow-up 2",
            "Wed 23 Dec 10:00 still-waiting",
        ],
        direct=True,
        presses={
            "thank-you": [(minutes(0), "email sent")],
            "still-waiting": [(minutes(5), "close it")],
        },
        closes=True,
    ),
    Row(
        "direct permission, follow-up sent two days late: the next one a week after that; "
        "heard back (offer) ends it",
        PHONE,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Thu 17 Dec 10:00 follow-up 2",
        ],
        direct=True,
        presses={
            "follow-up 1": [(timedelta(hours=47), "follow-up sent")],
            "follow-up 2": [(minutes(60), "heard back")],
        },
        closes=True,
    ),
    Row(
        "direct permission, Follow-up sent an hour after each nudge (after the call): the "
        "next comes a week after that day, on the same weekday, not a day later each week",
        VIDEO,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Tue 15 Dec 10:00 follow-up 2",
            "Tue 22 Dec 10:00 follow-up 3",
            "Tue 29 Dec 10:00 follow-up 4",
            "Tue 05 Jan 10:00 follow-up 5",
            "Wed 27 Jan 10:00 auto-close",
        ],
        direct=True,
        presses={f"follow-up {n}": [(timedelta(hours=1), "follow-up sent")] for n in range(1, 6)},
    ),
    Row(
        "no permission, Follow-up sent in the afternoon: the check-in a week after that day",
        VIDEO,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Tue 15 Dec 10:00 check-in",
            "Tue 05 Jan 10:00 auto-close",
        ],
        presses={"follow-up 1": [(timedelta(hours=6), "follow-up sent")]},
    ),
    Row(
        "no permission, Keep going on the check-in: weekly follow-ups up to five, the first "
        "a day after the press at the soonest (then 10:00 on a working day)",
        PHONE,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Tue 15 Dec 10:00 check-in",
            "Thu 17 Dec 10:00 follow-up 2",
            "Thu 24 Dec 10:00 follow-up 3",
            "Thu 31 Dec 10:00 follow-up 4",
            "Thu 07 Jan 10:00 follow-up 5",
            "Thu 28 Jan 10:00 auto-close",
        ],
        presses={"check-in": [(minutes(60), "keep going")]},
    ),
    Row(
        "no permission, Stop reminders on the check-in: nothing more",
        VIDEO,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Tue 15 Dec 10:00 check-in",
        ],
        presses={"check-in": [(minutes(10), "stop reminders")]},
        closes=True,
    ),
    Row(
        "snooze 3 days: the follow-up comes back as a reminder; the next follow-up a week "
        "after the day it was sent; Stop reminders ends it",
        VIDEO,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Fri 11 Dec 10:30 reminder 1",
            "Fri 18 Dec 10:00 follow-up 2",
        ],
        direct=True,
        presses={
            "follow-up 1": [(minutes(30), "snooze 3 days")],
            "reminder 1": [(minutes(60), "follow-up sent")],
            "follow-up 2": [(minutes(1), "stop reminders")],
        },
        closes=True,
    ),
    Row(
        "snooze 1 day on a Friday: the reminder waits for Monday, when she wakes",
        VIDEO,
        [
            "Fri 04 Dec 10:00 distance",
            "Fri 04 Dec 11:00 reflection",
            "Fri 04 Dec 12:00 thank-you",
            "Fri 11 Dec 10:00 follow-up 1",
            "Mon 14 Dec 08:00 reminder 1",
            "Mon 21 Dec 10:00 follow-up 2",
        ],
        at="2026-12-04 10:00",
        direct=True,
        presses={
            "follow-up 1": [(minutes(60), "snooze 1 day")],
            "reminder 1": [(minutes(0), "follow-up sent")],
            "follow-up 2": [(minutes(0), "heard back")],
        },
        closes=True,
    ),
    Row(
        "heard back the day after the interview: the card reminder and the follow-ups never come",
        IN_PERSON,
        [
            "Tue 01 Dec 10:00 distance",
            "Tue 01 Dec 11:00 reflection",
            "Tue 01 Dec 12:00 thank-you",
        ],
        traditional=True,
        direct=True,
        presses={"thank-you": [(timedelta(hours=21), "heard back")]},
        closes=True,
    ),
    Row(
        "late-evening interview: the reflection and thank-you move to the next morning; a "
        "follow-up due after bedtime moves to 10:00 the next working day",
        VIDEO,
        [
            "Tue 01 Dec 19:45 distance",
            "Wed 02 Dec 08:00 reflection",
            "Wed 02 Dec 09:00 thank-you",
            "Wed 09 Dec 10:00 follow-up 1",
            "Wed 16 Dec 10:00 check-in",
            "Wed 06 Jan 10:00 auto-close",
        ],
        at="2026-12-01 19:30",
        logged_after=minutes(15),
    ),
    Row(
        "logged after bedtime: no distance DM (it would wake them); questions next morning",
        PHONE,
        [
            "Wed 02 Dec 08:00 reflection",
            "Wed 02 Dec 09:00 thank-you",
            "Wed 09 Dec 10:00 follow-up 1",
            "Wed 16 Dec 10:00 check-in",
            "Wed 06 Jan 10:00 auto-close",
        ],
        at="2026-12-01 20:00",
        logged_after=minutes(60),
    ),
    Row(
        "logged five hours later: no distance DM (they had it), the questions at once",
        VIDEO,
        [
            "Tue 01 Dec 15:00 reflection",
            "Tue 01 Dec 16:00 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Tue 15 Dec 10:00 check-in",
            "Tue 05 Jan 10:00 auto-close",
        ],
        logged_after=timedelta(hours=5),
    ),
    Row(
        "logged 80 minutes later: the questions still wait a while after the distance DM",
        VIDEO,
        [
            "Tue 01 Dec 11:20 distance",
            "Tue 01 Dec 11:50 reflection",
            "Tue 01 Dec 12:50 thank-you",
            "Tue 08 Dec 10:00 follow-up 1",
            "Tue 15 Dec 10:00 check-in",
            "Tue 05 Jan 10:00 auto-close",
        ],
        logged_after=minutes(80),
    ),
    Row(
        "weekend -> Monday: a card due Saturday and a follow-up the Saturday after the "
        "timeline both come on Monday at 10:00",
        IN_PERSON,
        [
            "Fri 04 Dec 10:00 distance",
            "Fri 04 Dec 11:00 reflection",
            "Fri 04 Dec 12:00 thank-you",
            "Mon 07 Dec 10:00 card",
            "Mon 14 Dec 10:00 follow-up 1",
            "Mon 21 Dec 10:00 check-in",
            "Mon 11 Jan 10:00 auto-close",
        ],
        at="2026-12-04 10:00",
        traditional=True,
        timeline=date(2026, 12, 11),
    ),
    Row(
        "interview on a Saturday: reflection and thank-you the same day (any day), the "
        "follow-up on the first working morning after a week",
        VIDEO,
        [
            "Sat 05 Dec 10:00 distance",
            "Sat 05 Dec 11:00 reflection",
            "Sat 05 Dec 12:00 thank-you",
            "Mon 14 Dec 10:00 follow-up 1",
            "Mon 21 Dec 10:00 check-in",
            "Mon 11 Jan 10:00 auto-close",
        ],
        at="2026-12-05 10:00",
    ),
    Row(
        "across the spring DST change: a timeline date still gives 10:00 local",
        VIDEO,
        [
            "Tue 09 Mar 10:00 distance",
            "Tue 09 Mar 11:00 reflection",
            "Tue 09 Mar 12:00 thank-you",
            "Mon 15 Mar 10:00 follow-up 1",
            "Mon 22 Mar 10:00 check-in",
            "Mon 12 Apr 10:00 auto-close",
        ],
        at="2027-03-09 10:00",
        timeline=date(2027, 3, 12),
    ),
    Row(
        "across the spring DST change without a timeline: a week counts on the calendar, "
        "so the follow-up keeps the weekday and 10:00 (7 x 24 hours would be 11:00 on the "
        "wall clock, past the slot, and it waited a day more)",
        VIDEO,
        [
            "Tue 09 Mar 10:00 distance",
            "Tue 09 Mar 11:00 reflection",
            "Tue 09 Mar 12:00 thank-you",
            "Tue 16 Mar 10:00 follow-up 1",
            "Tue 23 Mar 10:00 check-in",
            "Tue 13 Apr 10:00 auto-close",
        ],
        at="2027-03-09 10:00",
    ),
    Row(
        "three weeks to the auto-close across the spring DST change: the same weekday "
        "and 10:00 on the wall clock",
        VIDEO,
        [
            "Tue 09 Feb 10:00 distance",
            "Tue 09 Feb 11:00 reflection",
            "Tue 09 Feb 12:00 thank-you",
            "Tue 16 Feb 10:00 follow-up 1",
            "Tue 23 Feb 10:00 check-in",
            "Tue 16 Mar 10:00 auto-close",
        ],
        at="2027-02-09 10:00",
    ),
    Row(
        "direct permission across the spring DST change: each weekly follow-up keeps "
        "Tuesday 10:00 on the wall clock",
        VIDEO,
        [
            "Tue 02 Mar 10:00 distance",
            "Tue 02 Mar 11:00 reflection",
            "Tue 02 Mar 12:00 thank-you",
            "Tue 09 Mar 10:00 follow-up 1",
            "Tue 16 Mar 10:00 follow-up 2",
            "Tue 23 Mar 10:00 still-waiting",
            "Tue 13 Apr 10:00 auto-close",
        ],
        at="2027-03-02 10:00",
        direct=True,
    ),
    Row(
        "Sam in Berlin: the same rules in his own zone and working week",
        IN_PERSON,
        [
            "Mon 07 Dec 09:30 distance",
            "Mon 07 Dec 10:30 reflection",
            "Mon 07 Dec 11:30 thank-you",
            "Tue 08 Dec 10:00 card",
            "Tue 15 Dec 10:00 follow-up 1",
            "Tue 22 Dec 10:00 follow-up 2",
        ],
        at="2026-12-07 09:30",
        zone="Europe/Berlin",
        traditional=True,
        direct=True,
        timeline=date(2026, 12, 14),
        presses={"follow-up 2": [(minutes(0), "heard back")]},
        closes=True,
    ),
]


def play(row: Row) -> Simulation:
    tz = ZoneInfo(row.zone)
    happened = datetime.fromisoformat(row.at).replace(tzinfo=tz).astimezone(UTC)
    facts = InterviewFacts(
        format=row.format,
        traditional_org=row.traditional,
        happened_at=happened,
        logged_at=happened + row.logged_after,
        employer_timeline=row.timeline,
        direct_contact_ok=row.direct,
    )
    clock = FixedClock(facts.logged_at)
    simulation = Simulation(facts, PersonHours(tz), default_playbook(), clock)

    def respond(sim: Simulation, delivered: Delivered) -> None:
        for delay, button in row.presses.get(label(delivered), ()):
            sim.schedule(delivered.at + delay, pressing(button, delivered))

    simulation.run(respond)
    return simulation


def local_lines(simulation: Simulation, zone: str) -> list[str]:
    tz = ZoneInfo(zone)
    return [f"{d.at.astimezone(tz):%a %d %b %H:%M} {label(d)}" for d in simulation.delivered]


@pytest.mark.parametrize("row", ROWS, ids=[row.rule.split(":")[0] for row in ROWS])
def test_rule(row: Row) -> None:
    simulation = play(row)

    lines = local_lines(simulation, row.zone)
    assert lines == list(row.expected), row.rule
    # Closed by the script, or by itself (the auto-close's DM is the last one).
    assert simulation.closed is (row.closes or lines[-1].endswith("auto-close"))
    # The end: nothing pending, and planning again adds nothing.
    assert not simulation.pending()
    planned = {p.key for p in simulation.plan()}
    assert planned <= {(d.kind, d.sequence) for d in simulation.delivered}
    if row.closes:
        assert planned == set()


def test_rows_cover_every_format_and_flag() -> None:
    covered = {(r.format, r.traditional, r.timeline is not None, r.direct) for r in ROWS}
    assert {r.format for r in ROWS} == set(InterviewFormat)
    assert {(t, d) for _, t, _, d in covered} >= {(False, False), (True, False), (True, True)}
    assert {has_timeline for _, _, has_timeline, _ in covered} == {True, False}


# -- a few rules read straight off plan() ------------------------------------------------------


def _facts(**changes: object) -> InterviewFacts:
    happened = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # Tue 10:00 in Los Angeles
    base = InterviewFacts(
        format=VIDEO,
        traditional_org=False,
        happened_at=happened,
        logged_at=happened,
        employer_timeline=None,
        direct_contact_ok=False,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_paused_person_gets_no_nudge() -> None:
    facts = _facts()
    person = PersonHours(ZoneInfo(LA))
    coached = plan(facts, History(), facts.logged_at, person, default_playbook())
    paused = plan(facts, History(), facts.logged_at, person, default_playbook(), coaching=False)

    assert [p.kind for p in coached][:3] == [
        NudgeKind.DISTANCE,
        NudgeKind.REFLECTION,
        NudgeKind.THANK_YOU,
    ]
    assert paused == ()


def test_only_the_next_follow_up_is_planned_ahead() -> None:
    simulation = Simulation(
        _facts(direct_contact_ok=True),
        PersonHours(ZoneInfo(LA)),
        default_playbook(),
        FixedClock(_facts().logged_at),
    )
    follow_ups = [k for k in simulation.rows if k[0] is NudgeKind.FOLLOW_UP]
    assert follow_ups == [(NudgeKind.FOLLOW_UP, 1)]
    # After it is sent, the second is planned; the first stays as it was.
    simulation.run_until(datetime(2026, 12, 8, 18, 0, tzinfo=UTC))
    statuses = {k: r.status for k, r in simulation.rows.items() if k[0] is NudgeKind.FOLLOW_UP}
    assert statuses == {
        (NudgeKind.FOLLOW_UP, 1): NudgeStatus.SENT,
        (NudgeKind.FOLLOW_UP, 2): NudgeStatus.PENDING,
    }


def test_reconcile_changes_leaves_history_and_keeps_a_retry_wait() -> None:
    """The decisions the database reconciler and the Simulation share."""
    at = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    hours = [at + timedelta(hours=n) for n in range(6)]
    kinds = NudgeKind
    rows = {
        (kinds.DISTANCE, 0): NudgeRecord(kinds.DISTANCE, 0, NudgeStatus.SENT, hours[0]),
        (kinds.REFLECTION, 0): NudgeRecord(kinds.REFLECTION, 0, NudgeStatus.PENDING, hours[0]),
        (kinds.THANK_YOU, 0): NudgeRecord(kinds.THANK_YOU, 0, NudgeStatus.PENDING, hours[3]),
        (kinds.REMINDER, 101): NudgeRecord(kinds.REMINDER, 101, NudgeStatus.PENDING, hours[0]),
        (kinds.CARD, 0): NudgeRecord(kinds.CARD, 0, NudgeStatus.CANCELLED, hours[0]),
        (kinds.FOLLOW_UP, 1): NudgeRecord(kinds.FOLLOW_UP, 1, NudgeStatus.CLAIMED, hours[0]),
        (kinds.CHECK_IN, 0): NudgeRecord(kinds.CHECK_IN, 0, NudgeStatus.PENDING, hours[0]),
    }
    planned = [
        PlannedNudge(hours[1], kinds.DISTANCE, 0),  # sent: history stays as it was
        PlannedNudge(hours[1], kinds.REFLECTION, 0),  # pending: moved
        PlannedNudge(hours[2], kinds.THANK_YOU, 0),  # put off to 3h: keeps its wait
        PlannedNudge(hours[5], kinds.REMINDER, 101),  # put off to 0h: moved later
        PlannedNudge(hours[4], kinds.CARD, 0),  # cancelled, planned again: revived
        PlannedNudge(hours[5], kinds.FOLLOW_UP, 2),  # no row: inserted
    ]  # the claimed follow-up 1 is not planned, yet left be; the check-in is cancelled

    put_off = {(kinds.THANK_YOU, 0), (kinds.REMINDER, 101)}
    changes = reconcile_changes(rows, planned, put_off=put_off)

    assert changes == [
        Change(ChangeKind.MOVE, (kinds.REFLECTION, 0), hours[1]),
        Change(ChangeKind.MOVE, (kinds.REMINDER, 101), hours[5]),
        Change(ChangeKind.REVIVE, (kinds.CARD, 0), hours[4]),
        Change(ChangeKind.INSERT, (kinds.FOLLOW_UP, 2), hours[5]),
        Change(ChangeKind.CANCEL, (kinds.CHECK_IN, 0), hours[0]),
    ]
    # Without the dispatcher's wait, the thank-you moves to its planned time.
    assert Change(ChangeKind.MOVE, (kinds.THANK_YOU, 0), hours[2]) in reconcile_changes(
        rows, planned
    )


def test_a_nudge_whose_window_passed_before_it_was_planned_is_left_out() -> None:
    # Logged ten days after the interview: far too late for "get some distance".
    happened = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    facts = _facts(happened_at=happened, logged_at=happened + timedelta(days=10))
    planned = plan(facts, History(), facts.logged_at, PersonHours(ZoneInfo(LA)), default_playbook())

    assert NudgeKind.DISTANCE not in {p.kind for p in planned}
    assert {p.kind for p in planned} >= {NudgeKind.REFLECTION, NudgeKind.THANK_YOU}


def test_waking_hours_are_wall_clock_hours_when_clocks_go_back() -> None:
    # Chatham, 6 April 2025: at 03:45 (+13:45) clocks go back to 02:45 (+12:45).
    tz = ZoneInfo("Pacific/Chatham")
    person = PersonHours(tz, waking_start_hour=3, waking_end_hour=4)
    repeated = datetime(2025, 4, 5, 14, 14, tzinfo=UTC)
    assert f"{repeated.astimezone(tz):%H:%M %z}" == "02:59 +1245"

    assert not is_waking(repeated, person)  # after the day's first 03:00, but it reads 02:59
    woke = next_waking(repeated, person, working_days_only=False)
    assert f"{woke.astimezone(tz):%H:%M %z}" == "03:00 +1245"


def test_a_window_opening_in_a_skipped_hour_opens_when_the_gap_ends() -> None:
    # New York, 14 March 2027: 02:00 EST is followed by 03:00 EDT.
    tz = ZoneInfo("America/New_York")
    person = PersonHours(tz, waking_start_hour=2, waking_end_hour=20)
    before = datetime(2027, 3, 14, 6, 30, tzinfo=UTC)  # 01:30 EST

    woke = next_waking(before, person, working_days_only=False)

    assert f"{woke.astimezone(tz):%H:%M %Z}" == "03:00 EDT"
    assert next_waking(before, person, working_days_only=True).astimezone(tz).weekday() == 0
