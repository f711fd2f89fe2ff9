"""Properties of the pure rules, over arbitrary interviews, zones, waking hours and presses.

Each example plays one interview to its end on a FixedClock (bot.preview.Simulation: plan,
reconcile in memory, send each nudge when due), with the person pressing buttons both in
answer to DMs and at random moments. Every plan made along the way is checked, and so is
what reached the person. No Slack, no database.
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.preview import Delivered, Simulation
from bot.preview.simulation import plan_limited
from bot.rules.calendar import PersonHours, at_local, days_later
from bot.rules.domain import ContactKind, InterviewFormat, InterviewStatus, NudgeKind, NudgeStatus
from bot.rules.outcomes import FOLLOW_UP_WINDOW, REOPEN_WINDOW, UNANSWERED
from bot.rules.planning import (
    SLOT_TOLERANCE,
    History,
    InterviewFacts,
    PlannedNudge,
    card_advised,
    reminded_follow_up,
)
from bot.rules.playbook import Playbook, default_playbook
from tests.unit.test_playbook_table import PRESSES, pressing

ZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "America/St_Johns",  # -03:30, with DST
    "America/Havana",  # DST starts at midnight: some days have no 00:00
    "America/Santiago",  # southern hemisphere, midnight transitions
    "Europe/Berlin",
    "Europe/Dublin",  # "negative" DST in tzdata
    "Australia/Lord_Howe",  # a half-hour DST shift
    "Australia/Sydney",
    "Asia/Kolkata",  # +05:30, no DST
    "Asia/Kathmandu",  # +05:45
    "Pacific/Chatham",  # +12:45 / +13:45
    "UTC",
]
WORKING_DAY_KINDS = {
    NudgeKind.CARD,
    NudgeKind.FOLLOW_UP,
    NudgeKind.CHECK_IN,
    NudgeKind.REMINDER,
    NudgeKind.STILL_WAITING,
    NudgeKind.AUTO_CLOSE,
}
SETTLED = {NudgeStatus.SENT, NudgeStatus.CLAIMED, NudgeStatus.FAILED}
FIRST, LAST = date(2025, 1, 1), date(2029, 12, 31)


@cache
def transitions(zone: str) -> tuple[datetime, ...]:
    """Instants (UTC) near which `zone`'s offset changes, 2025-2029: where the bugs live."""
    tz = ZoneInfo(zone)
    found = []
    instant = datetime.combine(FIRST, time(0), tzinfo=UTC)
    previous = instant.astimezone(tz).utcoffset()
    while instant.date() < LAST:
        instant += timedelta(hours=6)
        offset = instant.astimezone(tz).utcoffset()
        if offset != previous:
            found.append(instant)
            previous = offset
    return tuple(found)


# -- strategies ----------------------------------------------------------------------------


@st.composite
def happened_at(draw: st.DrawFn, zone: str) -> datetime:
    """Any moment in five years, or one within ten days of a DST change of the zone."""
    near = transitions(zone)
    if near and draw(st.booleans()):
        anchor = draw(st.sampled_from(near))
        return anchor + timedelta(minutes=draw(st.integers(-10 * 24 * 60, 10 * 24 * 60)))
    day = draw(st.dates(FIRST, LAST))
    minute = draw(st.integers(0, 24 * 60 - 1))
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=minute)


waking_hours = st.one_of(
    st.sampled_from([(8, 20), (7, 22), (9, 17), (0, 24), (6, 9), (22, 24), (0, 1)]),
    st.integers(0, 23).flatmap(lambda start: st.tuples(st.just(start), st.integers(start + 1, 24))),
)


@st.composite
def playbooks(draw: st.DrawFn) -> Playbook:
    """The default, or one with other (valid) timings: the limits must hold for any file."""
    base = default_playbook()
    if draw(st.booleans()):
        return base
    reflection = draw(st.integers(0, 24 * 60))
    timing = base.timing.model_copy(
        update={
            "distance_within_hours": draw(st.sampled_from([0.5, 3, 24])),
            "reflection_after_minutes": reflection,
            "thank_you_after_minutes": draw(st.integers(reflection, 24 * 60)),
            "follow_up_hour": draw(st.integers(0, 23)),
            "follow_up_after_days": draw(st.integers(1, 60)),
            "follow_up_interval_days": draw(st.integers(7, 60)),
            "max_follow_ups": draw(st.integers(1, 5)),
            "check_in_after_days": draw(st.integers(1, 60)),
            "keep_going_after_hours": draw(st.integers(0, 24 * 14)),
        }
    )
    return base.model_copy(update={"timing": timing})


@dataclasses.dataclass(frozen=True)
class Case:
    zone: str
    facts: InterviewFacts
    person: PersonHours
    playbook: Playbook


@st.composite
def cases(draw: st.DrawFn) -> Case:
    zone = draw(st.sampled_from(ZONES))
    happened = draw(happened_at(zone))
    delay = draw(
        st.one_of(
            st.just(timedelta(0)),
            st.integers(0, 6 * 60).map(lambda m: timedelta(minutes=m)),
            st.integers(0, 90 * 24 * 60).map(lambda m: timedelta(minutes=m)),
        )
    )
    tz = ZoneInfo(zone)
    timeline = draw(
        st.one_of(
            st.none(),
            st.integers(0, 60).map(lambda d: happened.astimezone(tz).date() + timedelta(days=d)),
        )
    )
    facts = InterviewFacts(
        format=draw(st.sampled_from(InterviewFormat)),
        traditional_org=draw(st.booleans()),
        happened_at=happened,
        logged_at=happened + delay,
        employer_timeline=timeline,
        direct_contact_ok=draw(st.booleans()),
    )
    start, end = draw(waking_hours)
    return Case(zone, facts, PersonHours(tz, start, end), draw(playbooks()))


# What the person tends to press on each DM (anything may come at a random moment, too).
BUTTONS: dict[NudgeKind, list[str]] = {
    NudgeKind.DISTANCE: [],
    NudgeKind.REFLECTION: [],
    NudgeKind.THANK_YOU: ["email sent", "card mailed", "skip"],
    NudgeKind.CARD: ["card mailed", "skip"],
    NudgeKind.FOLLOW_UP: ["follow-up sent", "snooze 1 day", "snooze 3 days", "heard back"],
    NudgeKind.REMINDER: ["follow-up sent", "snooze 1 day", "snooze 3 days", "heard back"],
    NudgeKind.CHECK_IN: ["keep going", "heard back", "stop reminders"],
    NudgeKind.STILL_WAITING: ["keep going", "check back", "close it"],
    NudgeKind.AUTO_CLOSE: [],
}
a_while = st.integers(0, 10 * 24 * 60).map(lambda m: timedelta(minutes=m))


# -- the checks ----------------------------------------------------------------------------


def is_waking_locally(instant: datetime, person: PersonHours) -> bool:
    """Independently of calendar.py: the local wall time is inside [start, end)."""
    local = instant.astimezone(person.tz).time()
    after_start = local >= time(person.waking_start_hour)
    before_end = person.waking_end_hour == 24 or local < time(person.waking_end_hour)
    return after_start and before_end


class CheckedSimulation(Simulation):
    """A Simulation that checks every plan it makes, as it makes it."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.plans = 0
        super().__init__(case.facts, case.person, case.playbook, FixedClock(case.facts.logged_at))

    def reconcile(self) -> tuple[PlannedNudge, ...]:
        history, now = self.history, self.clock.now()
        # Nudges a close cancelled, which a Reopen may revive (kept: revived, they are
        # pending again, and due in the past until the next delivery).
        self.cancelled = getattr(self, "cancelled", frozenset()) | {
            (r.kind, r.sequence) for r in history.nudges if r.status is NudgeStatus.CANCELLED
        }
        planned = super().reconcile()
        self.plans += 1
        # Deterministic: the same inputs give the same plan.
        assert plan_limited(self.facts, history, now, self.person, self.playbook) == planned
        # Idempotent: planning again over what was just applied changes nothing.
        rows = dict(self.rows)
        assert super().reconcile() == planned
        assert self.rows == rows
        check_plan(self.case, self.facts, self.history, now, planned, self.cancelled)
        return planned


def check_plan(
    case: Case,
    facts: InterviewFacts,
    history: History,
    now: datetime,
    planned: tuple[PlannedNudge, ...],
    revived: frozenset[tuple[NudgeKind, int]] = frozenset(),
) -> None:
    person, timing = case.person, case.playbook.timing
    if facts.status is not InterviewStatus.ACTIVE:
        assert planned == (), "a closed interview gets no nudge"
        return
    assert list(planned) == sorted(planned), "in due order"
    keys = [p.key for p in planned]
    assert len(keys) == len(set(keys)), "one nudge per kind and sequence"

    settled = {(r.kind, r.sequence): r for r in history.nudges if r.status in SETTLED}
    for key, row in settled.items():
        assert PlannedNudge(row.due_at, *key) in planned, f"settled {key} kept as it was"

    for nudge in planned:
        local = nudge.due_at.astimezone(person.tz)
        assert is_waking_locally(nudge.due_at, person), f"{nudge} in quiet hours ({local})"
        if nudge.kind in WORKING_DAY_KINDS:
            assert local.weekday() < 5, f"{nudge} on a weekend ({local:%A})"
        if nudge.key not in settled and nudge.key not in revived:
            # The dispatcher is always on time here, so nothing new is due in the past (but
            # for a slot kept though a few minutes early). A nudge cancelled by a close and
            # revived by Reopen keeps its time: past it, it goes out at the next tick.
            assert nudge.due_at >= now - SLOT_TOLERANCE, f"{nudge} planned in the past ({now})"

    follow_ups = sorted(
        (p for p in planned if p.kind is NudgeKind.FOLLOW_UP), key=lambda p: p.sequence
    )
    assert [p.sequence for p in follow_ups] == list(range(1, len(follow_ups) + 1))
    assert len(follow_ups) <= timing.max_follow_ups <= 5
    # A week on the person's calendar: the same wall-clock time (24 hours a day, give or take
    # the hour a DST change moves the clocks).
    assert timing.follow_up_interval_days >= 7
    for earlier, later in itertools.pairwise(follow_ups):
        assert later.due_at >= days_later(earlier.due_at, timing.follow_up_interval_days, person.tz)
    first_row = settled.get((NudgeKind.FOLLOW_UP, 1))
    if first_row is not None and first_row.status is NudgeStatus.SENT:
        first_reached = first_row.sent_at or first_row.due_at
        timeline = facts.employer_timeline
        for earlier, later in itertools.pairwise(follow_ups):
            # The one follow-up a new timeline brings comes after the employer's date, past
            # the five weeks if that is where their date is; every other stays inside them.
            brought_by_timeline = (
                timeline is not None
                and earlier.due_at.astimezone(person.tz).date() <= timeline
                and later.due_at.astimezone(person.tz).date() > timeline
            )
            if later.key not in settled and not brought_by_timeline:
                window_ends = days_later(first_reached, FOLLOW_UP_WINDOW.days, person.tz)
                assert later.due_at <= window_ends, "within five weeks on their calendar"
    if follow_ups and ((NudgeKind.FOLLOW_UP, 1) not in settled):
        first = follow_ups[0]
        if facts.employer_timeline is not None:
            assert first.due_at.astimezone(person.tz).date() > facts.employer_timeline
        else:
            email = history.first(ContactKind.THANK_YOU_EMAIL)
            anchor = email.occurred_at if email else facts.happened_at
            # A slot a few minutes early is kept rather than moved a day (SLOT_TOLERANCE).
            earliest = days_later(anchor, timing.follow_up_after_days, person.tz) - SLOT_TOLERANCE
            assert first.due_at >= earliest

    kinds = [p.kind for p in planned]
    if NudgeKind.CARD in kinds:
        assert card_advised(facts.format, facts.traditional_org) or (NudgeKind.CARD, 0) in settled
    if NudgeKind.DISTANCE in kinds and (NudgeKind.DISTANCE, 0) not in settled:
        assert facts.logged_at - facts.happened_at <= timedelta(hours=timing.distance_within_hours)
    # One "Heard back yet?" a follow-up at most: after follow-up 1 (keyed ONCE), and after
    # each later one a new timeline brought (keyed by its number).
    numbers = {p.sequence for p in planned if p.kind is NudgeKind.FOLLOW_UP}
    check_ins = [p.sequence for p in planned if p.kind is NudgeKind.CHECK_IN]
    assert len(set(check_ins)) == len(check_ins)
    assert all((1 if n == 0 else n) in numbers for n in check_ins), (check_ins, numbers)
    by_kind = {p.kind: p for p in planned if p.sequence == 0}
    if NudgeKind.REFLECTION in by_kind:
        reflection = by_kind[NudgeKind.REFLECTION].due_at
        after = timedelta(minutes=timing.reflection_after_minutes)
        assert reflection >= facts.happened_at + after
        if NudgeKind.DISTANCE in by_kind:
            assert reflection >= by_kind[NudgeKind.DISTANCE].due_at + after / 2
        if NudgeKind.THANK_YOU in by_kind:
            assert by_kind[NudgeKind.THANK_YOU].due_at >= reflection


def check_deliveries(case: Case, simulation: Simulation, closed_at: datetime | None) -> None:
    delivered = simulation.delivered
    timing = case.playbook.timing
    follow_ups = [d for d in delivered if d.kind is NudgeKind.FOLLOW_UP]
    assert len(follow_ups) <= timing.max_follow_ups <= 5
    for earlier, later in itertools.pairwise(follow_ups):
        assert later.at >= days_later(earlier.at, 7, case.person.tz), "a week on their calendar"
    assert [d.sequence for d in follow_ups] == list(range(1, len(follow_ups) + 1))
    # "Once a week for no more than five weeks": none after five weeks from the first.
    if follow_ups:
        window_ends = days_later(follow_ups[0].at, FOLLOW_UP_WINDOW.days, case.person.tz)
        assert all(d.at <= window_ends for d in follow_ups)
    kinds = [d.kind for d in delivered]
    assert kinds.count(NudgeKind.STILL_WAITING) <= 1
    if NudgeKind.STILL_WAITING in kinds:
        before = kinds[: kinds.index(NudgeKind.STILL_WAITING)]
        assert before.count(NudgeKind.FOLLOW_UP) == UNANSWERED, "asked after two follow-ups"
    # The auto-close is the last word: nothing reaches the person after it.
    if NudgeKind.AUTO_CLOSE in kinds:
        assert kinds.count(NudgeKind.AUTO_CLOSE) == 1
        assert kinds[-1] is NudgeKind.AUTO_CLOSE
    kept_going = simulation.history.has(ContactKind.KEPT_GOING)
    if not case.facts.direct_contact_ok and not kept_going:
        assert len(follow_ups) <= 1, "without permission: one follow-up, then a check-in"
    if case.facts.direct_contact_ok:
        assert not any(d.kind is NudgeKind.CHECK_IN for d in delivered)
    if closed_at is not None:
        assert all(d.at <= closed_at for d in delivered), "nothing after heard back / stop"
    keys = [(d.kind, d.sequence) for d in delivered]
    assert len(keys) == len(set(keys)), "each nudge reaches the person once"
    for reminder in (d for d in delivered if d.kind is NudgeKind.REMINDER):
        later = reminded_follow_up(reminder.sequence) + 1
        assert not any(
            d.kind is NudgeKind.FOLLOW_UP and d.sequence == later and d.at <= reminder.at
            for d in delivered
        ), "a snooze brings back only the latest follow-up"


# -- the properties ------------------------------------------------------------------------

# How many examples is the profile's (tests/conftest.py: HYPOTHESIS_PROFILE).
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(case=cases(), data=st.data())
def test_rules_hold_whatever_the_person_presses(case: Case, data: st.DataObject) -> None:
    simulation = CheckedSimulation(case)
    start = case.facts.logged_at
    # Presses at random moments, before or between the DMs.
    for offset, name in data.draw(
        st.lists(
            st.tuples(st.integers(0, 60 * 24 * 60), st.sampled_from(sorted(PRESSES))), max_size=6
        ),
        label="random presses (minutes after logging, button)",
    ):
        simulation.schedule(start + timedelta(minutes=offset), pressing(name))

    def respond(sim: Simulation, delivered: Delivered) -> None:
        buttons = BUTTONS[delivered.kind]
        if not buttons:
            return
        for delay, name in data.draw(
            st.lists(st.tuples(a_while, st.sampled_from(buttons)), max_size=2),
            label=f"presses on {delivered.kind.value} {delivered.sequence}",
        ):
            sim.schedule(delivered.at + delay, pressing(name, delivered))

    simulation.run(respond)

    closed_at = None
    if simulation.closed:
        closed_at = max(
            (c.occurred_at for c in simulation.contacts if c.kind is ContactKind.HEARD_BACK),
            default=simulation.clock.now(),
        )
        assert simulation.plan() == ()
    check_deliveries(case, simulation, closed_at if simulation.closed else None)
    assert simulation.plans > 0


@SETTINGS
@given(case=cases())
def test_a_person_who_presses_nothing_gets_the_whole_course_and_then_silence(case: Case) -> None:
    simulation = CheckedSimulation(case)
    simulation.run()

    kinds = [d.kind for d in simulation.delivered]
    timing = case.playbook.timing
    assert NudgeKind.REFLECTION in kinds  # logged at most 90 days late: still asked
    assert NudgeKind.THANK_YOU in kinds
    follow_ups = kinds.count(NudgeKind.FOLLOW_UP)
    # The course ends with the coach closing the interview itself, as "no reply".
    assert kinds[-1] is NudgeKind.AUTO_CLOSE
    asked = kinds[:-1]
    if case.facts.direct_contact_ok:
        # Two follow-ups unanswered, then "Still waiting?" instead of the rest (where a third
        # could come: the playbook allows it, within five weeks of the first).
        assert 1 <= follow_ups <= min(UNANSWERED, timing.max_follow_ups)
        if timing.follow_up_interval_days == 7:
            assert follow_ups == min(UNANSWERED, timing.max_follow_ups)
            assert (asked[-1] is NudgeKind.STILL_WAITING) == (timing.max_follow_ups > UNANSWERED)
    else:
        assert follow_ups == 1
        # The check-in offers weekly follow-ups: only where the playbook allows more than one.
        has_check_in = timing.max_follow_ups > 1
        assert (asked[-1] is NudgeKind.CHECK_IN) == has_check_in
    assert (NudgeKind.CARD in kinds) == card_advised(case.facts.format, case.facts.traditional_org)
    # Then silence: closed, nothing left to send, and nothing more gets planned.
    assert simulation.closed
    assert not simulation.pending()
    assert simulation.plan() == ()


@SETTINGS
@given(case=cases(), offset=st.integers(0, 70 * 24 * 60), heard_back=st.booleans())
def test_heard_back_or_stop_ends_every_nudge(case: Case, offset: int, heard_back: bool) -> None:
    simulation = CheckedSimulation(case)
    closing = case.facts.logged_at + timedelta(minutes=offset)
    simulation.run_until(closing)
    before = len(simulation.delivered)

    simulation.close(heard_back=heard_back)
    simulation.run()

    assert len(simulation.delivered) == before
    assert simulation.plan() == ()
    assert not simulation.pending()


@SETTINGS
@given(
    zone=st.sampled_from(ZONES),
    data=st.data(),
    latency=st.integers(0, 59 * 60),
)
def test_weekly_follow_ups_keep_their_weekday(zone: str, data: st.DataObject, latency: int) -> None:
    """Sent up to an hour late, and marked "Follow-up sent" any time the same day, weekly
    follow-ups still come a week apart to the day, across a DST change too: no drift by a
    day each week."""
    happened = data.draw(happened_at(zone), label="interview")
    tz = ZoneInfo(zone)
    facts = InterviewFacts(
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=happened,
        logged_at=happened,
        employer_timeline=None,
        direct_contact_ok=True,
    )
    simulation = Simulation(
        facts,
        PersonHours(tz),
        default_playbook(),
        FixedClock(happened),
        latency=lambda _row: timedelta(seconds=latency),
    )

    def respond(sim: Simulation, delivered: Delivered) -> None:
        if delivered.kind is not NudgeKind.FOLLOW_UP:
            return
        local = delivered.at.astimezone(tz)
        midnight = at_local(local.date() + timedelta(days=1), 0, tz)
        share = data.draw(st.floats(0, 0.999), label=f"press after follow-up {delivered.sequence}")
        pressed_at = delivered.at + (midnight - delivered.at) * share
        sim.schedule(pressed_at, pressing("follow-up sent", delivered))

    simulation.run(respond)

    follow_ups = [d for d in simulation.delivered if d.kind is NudgeKind.FOLLOW_UP]
    assert len(follow_ups) == 5
    for earlier, later in itertools.pairwise(follow_ups):
        first, second = earlier.at.astimezone(tz), later.at.astimezone(tz)
        # To the day, across a clock change too: a week counts on their calendar.
        assert second.date() == first.date() + timedelta(days=7), (first, second)
        assert later.at >= days_later(earlier.at, 7, tz) - timedelta(minutes=15)


@SETTINGS
@given(
    case=cases(),
    offset=st.integers(0, 70 * 24 * 60),
    undo_after=st.integers(0, int(REOPEN_WINDOW / timedelta(minutes=1)) - 1),
)
def test_a_close_undone_within_a_day_resumes_the_course(
    case: Case, offset: int, undo_after: int
) -> None:
    """Withdrew (or any close), then Reopen within its day: nothing while closed, then the
    course goes on under the same limits, and ends with the auto-close again."""
    simulation = CheckedSimulation(case)
    closing = case.facts.logged_at + timedelta(minutes=offset)
    simulation.run_until(closing)
    if simulation.closed:
        return  # it closed itself before: the close is another property's
    simulation.close(heard_back=True)
    before = len(simulation.delivered)
    simulation.run_until(closing + timedelta(minutes=undo_after))
    assert len(simulation.delivered) == before, "nothing while closed"

    simulation.reopen()
    simulation.run()

    check_deliveries(case, simulation, None)
    assert simulation.delivered[-1].kind is NudgeKind.AUTO_CLOSE
    assert simulation.closed and simulation.plan() == ()
