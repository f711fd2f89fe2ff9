"""Properties of corrections, over arbitrary interviews, zones and sequences of presses, edits
(format, organization) and new timelines at random moments, each played to its end on the
in-memory outbox (bot.preview.Simulation), every plan checked as it is made
(test_playbook_properties.CheckedSimulation). No Slack, no database.

Whatever is corrected: never two follow-ups within seven days, never more than five, one
more follow-up at most per new timeline where there is no permission to follow up weekly,
none before the morning after the latest timeline given, and nothing after the interview
closed.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.preview import Delivered, Simulation
from bot.rules.calendar import days_later
from bot.rules.domain import ContactKind, InterviewFormat, NudgeKind
from tests.unit.test_playbook_properties import (
    BUTTONS,
    SETTINGS,
    Case,
    CheckedSimulation,
    a_while,
    cases,
)
from tests.unit.test_playbook_table import pressing


@dataclasses.dataclass
class Timelines:
    """Each new timeline given, and when."""

    given: list[tuple[datetime, date]] = dataclasses.field(default_factory=list)


def new_timeline(days_ahead: int, timelines: Timelines) -> Callable[[Simulation], None]:
    """The person enters "they'll decide by" `days_ahead` local days from now, as the
    modal allows it (today or later, never before the interview's day)."""

    def act(simulation: Simulation) -> None:
        if simulation.closed:
            return  # the coach refuses it for a closed interview
        now = simulation.clock.now()
        tz = simulation.person.tz
        day = max(
            now.astimezone(tz).date(), simulation.facts.happened_at.astimezone(tz).date()
        ) + timedelta(days=days_ahead)
        timelines.given.append((now, day))
        simulation.facts = dataclasses.replace(simulation.facts, employer_timeline=day)
        simulation.reconcile()

    return act


def edit(interview_format: InterviewFormat, traditional: bool) -> Callable[[Simulation], None]:
    """The person corrects the format and the kind of organization."""

    def act(simulation: Simulation) -> None:
        simulation.facts = dataclasses.replace(
            simulation.facts, format=interview_format, traditional_org=traditional
        )
        simulation.reconcile()

    return act


corrections = st.one_of(
    st.integers(0, 60).map(lambda d: ("timeline", d)),
    st.tuples(st.sampled_from(InterviewFormat), st.booleans()).map(lambda e: ("edit", e)),
)


@SETTINGS
@given(case=cases(), data=st.data())
def test_corrections_keep_the_pacing_rules(case: Case, data: st.DataObject) -> None:
    simulation = CheckedSimulation(case)
    timelines = Timelines()
    start = case.facts.logged_at

    def correcting(what: tuple[str, object]) -> Callable[[Simulation], None]:
        kind, value = what
        if kind == "timeline":
            assert isinstance(value, int)
            return new_timeline(value, timelines)
        interview_format, traditional = value  # type: ignore[misc]
        return edit(interview_format, traditional)

    for offset, what in data.draw(
        st.lists(st.tuples(st.integers(0, 90 * 24 * 60), corrections), max_size=4),
        label="corrections (minutes after logging, what)",
    ):
        simulation.schedule(start + timedelta(minutes=offset), correcting(what))

    def respond(sim: Simulation, delivered: Delivered) -> None:
        choices = [*BUTTONS[delivered.kind]]
        for delay, name in data.draw(
            st.lists(st.tuples(a_while, st.sampled_from(choices)), max_size=2)
            if choices
            else st.just([]),
            label=f"presses on {delivered.kind.value} {delivered.sequence}",
        ):
            sim.schedule(delivered.at + delay, pressing(name, delivered))
        if delivered.kind in (NudgeKind.FOLLOW_UP, NudgeKind.CHECK_IN, NudgeKind.REMINDER):
            for delay, days in data.draw(
                st.lists(st.tuples(a_while, st.integers(0, 30)), max_size=1),
                label=f"new timeline on {delivered.kind.value} {delivered.sequence}",
            ):
                sim.schedule(delivered.at + delay, new_timeline(days, timelines))

    simulation.run(respond)

    delivered = simulation.delivered
    timing = case.playbook.timing
    follow_ups = [d for d in delivered if d.kind is NudgeKind.FOLLOW_UP]
    assert len(follow_ups) <= timing.max_follow_ups <= 5
    assert [d.sequence for d in follow_ups] == list(range(1, len(follow_ups) + 1))
    for earlier, later in itertools.pairwise(follow_ups):
        week_on = days_later(earlier.at, 7, case.person.tz)  # on their calendar
        assert later.at >= week_on, "never two within a week"
    weekly = case.facts.direct_contact_ok or simulation.history.has(ContactKind.KEPT_GOING)
    if not weekly:
        assert len(follow_ups) <= 1 + len(timelines.given), "one more per new timeline"
    tz = case.person.tz
    for follow_up in follow_ups:
        # Not before the morning after a timeline given before it was planned.
        known = [day for at, day in timelines.given if at < follow_up.at]
        if known and follow_up.sequence > 1:
            latest = known[-1]
            previous = follow_ups[follow_up.sequence - 2]
            if latest >= previous.at.astimezone(tz).date():
                assert follow_up.at.astimezone(tz).date() > latest
    if simulation.closed:
        closed_at = max(
            (c.occurred_at for c in simulation.contacts if c.kind is ContactKind.HEARD_BACK),
            default=simulation.clock.now(),
        )
        assert all(d.at <= closed_at for d in delivered), "nothing after it closed"
        assert simulation.plan() == ()
