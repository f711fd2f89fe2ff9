"""The person's own rhythm, one row per rule: pauses, working days, public holidays, waking
hours, the follow-up hour and a new zone, each played on the in-memory outbox
(bot.preview.Simulation) with a FixedClock. No Slack, no database, no today's date.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FixedClock
from bot.preview import Delivered, Simulation
from bot.rules.calendar import Pause, PersonHours, at_local
from bot.rules.domain import ContactKind, InterviewFormat, NudgeKind, NudgeStatus
from bot.rules.planning import InterviewFacts
from bot.rules.playbook import default_playbook
from bot.rules.public_holidays import country_of_zone, holiday_name, is_public_holiday

LA = ZoneInfo("America/Los_Angeles")
JERUSALEM = ZoneInfo("Asia/Jerusalem")
TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")


def local(tz: ZoneInfo, day: date, hour: int, minute: int = 0) -> datetime:
    return at_local(day, hour, tz) + timedelta(minutes=minute)


def facts(
    happened: datetime, *, timeline: date | None = None, direct: bool = False
) -> InterviewFacts:
    return InterviewFacts(
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=happened,
        logged_at=happened + timedelta(minutes=30),
        employer_timeline=timeline,
        direct_contact_ok=direct,
    )


def follow_ups(simulation: Simulation) -> list[tuple[int, datetime]]:
    return [(d.sequence, d.at) for d in simulation.delivered if d.kind is NudgeKind.FOLLOW_UP]


def pending_follow_up(simulation: Simulation) -> datetime:
    [row] = [r for r in simulation.pending() if r.kind is NudgeKind.FOLLOW_UP]
    return row.due_at


@dataclass(frozen=True)
class CalendarRow:
    """An interview whose employer promised news on `timeline`: the first follow-up is due
    the next working day; the row says which local day and hour it lands on."""

    name: str
    person: PersonHours
    happened: datetime
    timeline: date
    expected: datetime  # when follow-up 1 is due


ROWS = [
    CalendarRow(
        "Christmas in the US moves to the next working day",
        PersonHours(LA, holiday_country="US"),
        local(LA, date(2026, 12, 21), 10),
        date(2026, 12, 24),  # Thursday; Friday 25 is Christmas
        local(LA, date(2026, 12, 28), 10),
    ),
    CalendarRow(
        "without holidays the same follow-up comes on Christmas Day",
        PersonHours(LA, holiday_country=None),
        local(LA, date(2026, 12, 21), 10),
        date(2026, 12, 24),
        local(LA, date(2026, 12, 25), 10),
    ),
    CalendarRow(
        "Yom Kippur in Israel",
        PersonHours(JERUSALEM, working_days=frozenset({6, 0, 1, 2, 3}), holiday_country="IL"),
        local(JERUSALEM, date(2026, 9, 14), 10),
        date(2026, 9, 20),  # Sunday; Monday 21 is Yom Kippur
        local(JERUSALEM, date(2026, 9, 22), 10),
    ),
    CalendarRow(
        "Golden Week in Japan",
        PersonHours(TOKYO, holiday_country="JP"),
        local(TOKYO, date(2027, 4, 26), 10),
        date(2027, 4, 30),  # Friday; Mon 3 - Wed 5 May are holidays
        local(TOKYO, date(2027, 5, 6), 10),
    ),
    CalendarRow(
        "Sunday to Thursday: a Friday follow-up moves to Sunday",
        PersonHours(JERUSALEM, working_days=frozenset({6, 0, 1, 2, 3})),
        local(JERUSALEM, date(2026, 11, 2), 10),
        date(2026, 11, 5),  # Thursday; Friday 6 and Saturday 7 are the weekend
        local(JERUSALEM, date(2026, 11, 8), 10),
    ),
    CalendarRow(
        "Monday to Friday: the same follow-up comes on the Friday",
        PersonHours(JERUSALEM),
        local(JERUSALEM, date(2026, 11, 2), 10),
        date(2026, 11, 5),
        local(JERUSALEM, date(2026, 11, 6), 10),
    ),
    CalendarRow(
        "a later waking start moves the follow-up hour with it",
        PersonHours(BERLIN, waking_start_hour=11),
        local(BERLIN, date(2026, 11, 2), 12),
        date(2026, 11, 5),
        local(BERLIN, date(2026, 11, 6), 11),
    ),
    CalendarRow(
        "the person's own follow-up hour",
        PersonHours(BERLIN, follow_up_hour=14),
        local(BERLIN, date(2026, 11, 2), 12),
        date(2026, 11, 5),
        local(BERLIN, date(2026, 11, 6), 14),
    ),
    CalendarRow(
        "a follow-up hour after waking hours comes in their last waking hour",
        PersonHours(BERLIN, waking_end_hour=13, follow_up_hour=18),
        local(BERLIN, date(2026, 11, 2), 9),
        date(2026, 11, 5),
        local(BERLIN, date(2026, 11, 6), 12),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_the_first_follow_up_keeps_the_persons_calendar(row: CalendarRow) -> None:
    simulation = Simulation(
        facts(row.happened, timeline=row.timeline),
        row.person,
        default_playbook(),
        FixedClock(row.happened + timedelta(minutes=30)),
    )

    assert pending_follow_up(simulation) == row.expected
    simulation.run_until(row.expected)
    assert follow_ups(simulation) == [(1, row.expected)]


def test_the_holiday_rows_name_real_holidays() -> None:
    """Guards the rows above: the days they skip are holidays in the maintained library."""
    assert holiday_name("US", date(2026, 12, 25)) == "Christmas Day"
    assert holiday_name("IL", date(2026, 9, 21)) == "Yom Kippur"
    assert all(is_public_holiday("JP", date(2027, 5, d)) for d in (3, 4, 5))
    assert not is_public_holiday(None, date(2026, 12, 25))
    assert not is_public_holiday("XX", date(2026, 12, 25))


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Asia/Jerusalem", "IL"),
        ("Asia/Tokyo", "JP"),
        ("America/Los_Angeles", "US"),
        ("Asia/Riyadh", "SA"),
        ("Europe/Berlin", "DE"),
        ("UTC", None),
        ("Etc/GMT+3", None),
        (None, None),
        ("Not/A_Zone", None),
    ],
)
def test_the_holiday_country_defaults_from_the_zone_table(
    zone: str | None, country: str | None
) -> None:
    assert country_of_zone(zone) == country


Action = Callable[[Simulation], None]


@dataclass(frozen=True)
class PauseRow:
    name: str
    # (local day, hour) in LA → what the person does then
    script: tuple[tuple[date, int, Action], ...]
    expected: tuple[datetime, ...]  # follow-ups 1, 2, … as they arrive


# An interview Monday 2 November 2026 in LA, direct contact welcome, the thank-you email
# pressed at once: weekly follow-ups from Tuesday 10 November 10:00 when nothing is paused.
HAPPENED = local(LA, date(2026, 11, 2), 10)
WEEKLY = tuple(local(LA, date(2026, 11, 10) + timedelta(weeks=w), 10) for w in range(5))

PAUSE_ROWS = [
    PauseRow("no pause: five weekly follow-ups", (), WEEKLY),
    PauseRow(
        "paused over follow-up 1, resumed: it comes at the next slot, the rest spaced after it",
        (
            (date(2026, 11, 6), 12, lambda s: s.pause()),
            (date(2026, 11, 18), 15, lambda s: s.resume()),
        ),
        (
            local(LA, date(2026, 11, 19), 10),
            *tuple(local(LA, date(2026, 11, 26) + timedelta(weeks=w), 10) for w in range(4)),
        ),
    ),
    PauseRow(
        "a vacation with an end date: follow-up 1 on the morning it ends",
        (
            (
                date(2026, 11, 6),
                12,
                lambda s: s.pause(until=local(LA, date(2026, 11, 16), 0)),
            ),
        ),
        (
            local(LA, date(2026, 11, 16), 10),
            *tuple(local(LA, date(2026, 11, 23) + timedelta(weeks=w), 10) for w in range(4)),
        ),
    ),
    PauseRow(
        "a pause between two follow-ups moves only the one inside it",
        ((date(2026, 11, 17), 9, lambda s: s.pause(until=local(LA, date(2026, 11, 20), 0))),),
        (
            WEEKLY[0],
            local(LA, date(2026, 11, 20), 10),
            *tuple(local(LA, date(2026, 11, 27) + timedelta(weeks=w), 10) for w in range(3)),
        ),
    ),
]


@pytest.mark.parametrize("row", PAUSE_ROWS, ids=lambda r: r.name)
def test_a_pause_moves_what_falls_inside_it_and_drops_nothing(row: PauseRow) -> None:
    simulation = Simulation(
        facts(HAPPENED, direct=True),
        PersonHours(LA),
        default_playbook(),
        FixedClock(HAPPENED + timedelta(minutes=30)),
    )
    for day, hour, action in row.script:
        simulation.schedule(local(LA, day, hour), action)

    def respond(s: Simulation, d: Delivered) -> None:
        # Each follow-up marked sent: answered, they all come (no "Still waiting?").
        if d.sequence == 0:
            s.press(ContactKind.THANK_YOU_EMAIL)
        elif d.kind is NudgeKind.FOLLOW_UP:
            s.press(ContactKind.FOLLOW_UP, on=d.key)

    simulation.run(respond)

    assert follow_ups(simulation) == list(enumerate(row.expected, start=1))
    # Nothing failed or was dropped: every follow-up the cap allows was sent, once.
    statuses = {
        r.sequence: r.status for r in simulation.rows.values() if r.kind is NudgeKind.FOLLOW_UP
    }
    assert statuses == dict.fromkeys(range(1, 6), NudgeStatus.SENT)


def test_while_paused_without_an_end_nothing_is_due_and_resume_brings_it_back() -> None:
    simulation = Simulation(
        facts(HAPPENED, direct=True),
        PersonHours(LA),
        default_playbook(),
        FixedClock(HAPPENED + timedelta(minutes=30)),
    )
    simulation.run_until(local(LA, date(2026, 11, 6), 12))
    simulation.pause()

    # A month passes: nothing goes out.
    assert simulation.run_until(local(LA, date(2026, 12, 7), 12)) == []
    simulation.resume()

    assert pending_follow_up(simulation) == local(LA, date(2026, 12, 8), 10)


def test_a_second_pause_holds_back_what_is_still_due_from_before_the_first() -> None:
    """Only the latest pause's dates are kept: a nudge overdue from an earlier pause (its
    slot now in the past) still waits for the end of the current one."""
    simulation = Simulation(
        facts(HAPPENED, direct=True),
        PersonHours(LA),
        default_playbook(),
        FixedClock(HAPPENED + timedelta(minutes=30)),
    )
    simulation.run_until(local(LA, date(2026, 11, 6), 12))
    simulation.pause(until=local(LA, date(2026, 11, 12), 0))
    simulation.clock.set(local(LA, date(2026, 11, 11), 12))
    # A new pause before the first one ended: it starts when the first one did.
    simulation.pause(until=local(LA, date(2026, 11, 20), 0))

    assert simulation.run_until(local(LA, date(2026, 11, 19), 23)) == []
    assert pending_follow_up(simulation) == local(LA, date(2026, 11, 20), 10)


def test_a_new_zone_replans_the_pending_follow_up() -> None:
    simulation = Simulation(
        facts(HAPPENED, timeline=date(2026, 11, 5)),
        PersonHours(LA),
        default_playbook(),
        FixedClock(HAPPENED + timedelta(minutes=30)),
    )
    assert pending_follow_up(simulation) == local(LA, date(2026, 11, 6), 10)

    simulation.change_calendar(dataclasses.replace(simulation.person, tz=BERLIN))

    assert pending_follow_up(simulation) == local(BERLIN, date(2026, 11, 6), 10)


def test_changing_waking_hours_replans_the_pending_follow_up() -> None:
    simulation = Simulation(
        facts(HAPPENED, timeline=date(2026, 11, 5)),
        PersonHours(LA),
        default_playbook(),
        FixedClock(HAPPENED + timedelta(minutes=30)),
    )
    assert pending_follow_up(simulation) == local(LA, date(2026, 11, 6), 10)

    simulation.change_calendar(dataclasses.replace(simulation.person, waking_start_hour=12))

    assert pending_follow_up(simulation) == local(LA, date(2026, 11, 6), 12)


def test_an_open_pause_ends_beyond_any_plan_but_stays_stable() -> None:
    start = datetime(2026, 11, 6, 20, tzinfo=UTC)
    pause = Pause(start)
    assert pause.end(start) == pause.end(start + timedelta(days=30))
    assert pause.end(start) > start + timedelta(days=365)
    assert pause.covers(start + timedelta(days=30), start)
