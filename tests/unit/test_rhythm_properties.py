"""Properties of the person's calendar (hypothesis), over arbitrary settings, pauses and
zones (DST included): nothing reaches the person during a pause, outside waking hours, or
(apart from the interview's own-day advice) on a day they don't work or a public holiday;
and a pause loses nothing: what the rules want without it, they still send with it.

Each example plays one interview on the in-memory outbox (bot.preview.Simulation), the
person pausing and resuming at scripted moments. No Slack, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.preview import Delivered, Simulation
from bot.rules.calendar import PersonHours
from bot.rules.domain import ContactKind, InterviewFormat, NudgeKind, NudgeStatus
from bot.rules.planning import InterviewFacts
from bot.rules.playbook import default_playbook
from bot.rules.public_holidays import is_public_holiday
from tests.unit.test_playbook_properties import FIRST, LAST, ZONES

WORKING_DAY_KINDS = {NudgeKind.CARD, NudgeKind.FOLLOW_UP, NudgeKind.CHECK_IN, NudgeKind.REMINDER}
COUNTRIES = [None, "US", "IL", "JP", "DE", "GB", "SA", "AU", "IN"]


@dataclass(frozen=True)
class PauseScript:
    """Pause `after` the interview was logged, for `length` (None: open-ended); resume
    `resume_after` after pausing (None: never, the pause ends by its date)."""

    after: timedelta
    length: timedelta | None
    resume_after: timedelta | None


@dataclass(frozen=True)
class Case:
    facts: InterviewFacts
    person: PersonHours
    pause: PauseScript


@st.composite
def cases(draw: st.DrawFn) -> Case:
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    day = draw(st.dates(FIRST, LAST - timedelta(days=400)))
    happened = datetime.combine(day, time(draw(st.integers(0, 23))), tzinfo=tz).astimezone(UTC)
    start = draw(st.integers(0, 20))
    end = draw(st.integers(start + 1, 24))
    person = PersonHours(
        tz,
        start,
        end,
        working_days=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        holiday_country=draw(st.sampled_from(COUNTRIES)),
        follow_up_hour=draw(st.one_of(st.none(), st.integers(0, 23))),
    )
    facts = InterviewFacts(
        format=draw(st.sampled_from(InterviewFormat)),
        traditional_org=draw(st.booleans()),
        happened_at=happened,
        logged_at=happened + timedelta(minutes=draw(st.integers(0, 6 * 60))),
        employer_timeline=None,
        direct_contact_ok=draw(st.booleans()),
    )
    days = st.integers(0, 40 * 24).map(lambda h: timedelta(hours=h))
    length = draw(st.one_of(st.none(), st.integers(1, 30 * 24).map(lambda h: timedelta(hours=h))))
    resume = draw(st.none() if length is not None and draw(st.booleans()) else days)
    return Case(facts, person, PauseScript(draw(days), length, resume))


def play(case: Case, *, pausing: bool) -> tuple[Simulation, list[tuple[datetime, datetime]]]:
    """The interview played to its end; the person answers the thank-you at once and marks
    each follow-up sent. Returns the pause windows as they were in effect."""
    simulation = Simulation(
        case.facts, case.person, default_playbook(), FixedClock(case.facts.logged_at)
    )
    windows: list[tuple[datetime, datetime]] = []
    script = case.pause
    if pausing:
        began = case.facts.logged_at + script.after
        until = None if script.length is None else began + script.length

        def pause(s: Simulation) -> None:
            s.pause(until=until)

        simulation.schedule(began, pause)
        if script.resume_after is not None:
            simulation.schedule(began + script.resume_after, lambda s: s.resume())

    def respond(s: Simulation, delivered: Delivered) -> None:
        if delivered.kind is NudgeKind.THANK_YOU:
            s.press(ContactKind.THANK_YOU_EMAIL)
        elif delivered.kind in (NudgeKind.FOLLOW_UP, NudgeKind.REMINDER):
            s.press(ContactKind.FOLLOW_UP)

    simulation.run(respond)
    pause = simulation.person.pause
    if pause is not None:
        end = pause.until or datetime.max.replace(tzinfo=UTC)
        windows.append((pause.start, end))
    return simulation, windows


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cases())
def test_nothing_reaches_the_person_outside_their_calendar(case: Case) -> None:
    simulation, windows = play(case, pausing=True)
    person = simulation.person
    for delivered in simulation.delivered:
        local = delivered.at.astimezone(person.tz)
        wall = local.time()
        assert wall >= time(person.waking_start_hour), f"{delivered} before waking ({local})"
        assert person.waking_end_hour == 24 or wall < time(person.waking_end_hour), delivered
        for start, end in windows:
            assert not start <= delivered.at < end, f"{delivered} during the pause {start}-{end}"
        if delivered.kind in WORKING_DAY_KINDS:
            assert local.weekday() in person.working_days, f"{delivered} on a day off"
            assert not is_public_holiday(person.holiday_country, local.date()), delivered


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cases())
def test_a_pause_loses_nothing(case: Case) -> None:
    """What the rules send without the pause, they send with it (but "get some distance",
    which only helps right away), and nothing ends failed or cancelled for it."""
    without, _ = play(case, pausing=False)
    with_pause, _ = play(case, pausing=True)

    wanted = {d.key for d in without.delivered if d.kind is not NudgeKind.DISTANCE}
    sent = {d.key for d in with_pause.delivered if d.kind is not NudgeKind.DISTANCE}
    # The five weeks (bot.rules.outcomes) are counted on the person's calendar and leave out
    # the time paused, so without public holidays a pause neither costs nor buys a
    # follow-up. A holiday's slip counts toward them, though, and a pause that moves the
    # weekly rhythm can move a follow-up onto a holiday or off one: then the last weekly
    # ones may come or not (measured: 1 to 12 cases in 3,000 draws, all with holidays).
    changed = (wanted - sent) | (sent - wanted)
    if case.person.holiday_country is None:
        assert not changed, sorted(changed)
    windowed = (NudgeKind.FOLLOW_UP, NudgeKind.REMINDER, NudgeKind.STILL_WAITING)
    assert all(kind in windowed and sequence > 3 for kind, sequence in changed), sorted(changed)
    follow_ups = [d.sequence for d in with_pause.delivered if d.kind is NudgeKind.FOLLOW_UP]
    assert follow_ups == list(range(1, len(follow_ups) + 1)), "in order, each counted once"
    assert not [r for r in with_pause.rows.values() if r.status is NudgeStatus.FAILED]


def test_the_cases_include_open_pauses_resumed_and_dated_pauses_left_to_end() -> None:
    """Guards the strategy: both kinds of pause are drawn."""
    seen: set[tuple[bool, bool]] = set()

    @settings(max_examples=80, deadline=None)
    @given(cases())
    def collect(case: Case) -> None:
        seen.add((case.pause.length is None, case.pause.resume_after is None))

    collect()
    assert (True, False) in seen  # open-ended, resumed
    assert (False, True) in seen  # dated, never resumed
