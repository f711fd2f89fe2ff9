"""Properties of a whole job search, over arbitrary sequences of what a person does: log
rounds of several applications (some ahead of time), edit them (format, time, timeline,
direct permission), enter new timelines, press the DMs' buttons (Follow-up sent, Snooze, Keep
going, Heard back with any outcome, next round and Withdrew included, Close it, Reopen),
delete rounds, and let time jump. Played on the in-memory outbox (bot.preview.Simulation: the
real planner, daily limits with employer spacing, and reconciling), all of a person's rounds
planned together as the bot's reconciler plans them. No Slack, no database.

Whatever happens: never two follow-ups to one employer (application) within seven days,
never more than five follow-ups per round, nothing about an interview before it ends (but
the evening-before reminder, which is about it coming), and nothing for a closed or deleted
one.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.preview import Delivered, Simulation
from bot.rules.calendar import PersonHours
from bot.rules.daily_limits import EMPLOYER_GAP, TO_EMPLOYER
from bot.rules.domain import ContactKind, InterviewFormat, NudgeKind
from bot.rules.outcomes import CHECK_BACK_AFTER, REOPEN_WINDOW
from bot.rules.planning import InterviewFacts
from bot.rules.playbook import default_playbook
from tests.unit.test_playbook_properties import ZONES, a_while

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
# How far ahead an interview can be logged (bot.rules.interview_form).
AHEAD = 60 * 24 * 60


@dataclasses.dataclass(frozen=True)
class Sent:
    """A DM that reached the person: which round, and what was known of it then."""

    round_: int
    application: int
    delivered: Delivered
    ended_at: datetime
    closed: bool
    deleted: bool


class Search:
    """A person's rounds in memory, planned together, with the person's actions on a heap."""

    def __init__(self, person: PersonHours, data: st.DataObject) -> None:
        self.person, self.data = person, data
        self.playbook = default_playbook()
        self.clock = FixedClock(START)
        self.rounds: list[Simulation] = []
        self.application: list[int] = []
        self.deleted: set[int] = set()
        self.closed_at: dict[int, datetime] = {}
        self.sent: list[Sent] = []
        self._actions: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()

    # -- the group, as the reconciler plans a person's interviews ------------------------------

    @property
    def live(self) -> list[Simulation]:
        return [r for n, r in enumerate(self.rounds) if n not in self.deleted]

    def _regroup(self) -> None:
        group = self.live
        for member in group:
            member.group = group
        if group:
            group[0].reconcile()

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self._actions, (when, next(self._order), action))

    # -- the person's actions ------------------------------------------------------------------

    def log(self, application: int, facts: InterviewFacts) -> None:
        """A round of `application` logged now: its earlier open rounds close ("next round"),
        as bot.coach.applications.application_for_round closes them."""
        now = self.clock.now()
        number = sum(1 for a in self.application if a == application) + 1
        facts = dataclasses.replace(
            facts, logged_at=now, application_id=application, round_number=number
        )
        for n, (simulation, app) in enumerate(zip(self.rounds, self.application, strict=True)):
            if app == application and n not in self.deleted and not simulation.closed:
                self._close(n, heard_back=False)
        simulation = Simulation(facts, self.person, self.playbook, self.clock)
        self.rounds.append(simulation)
        self.application.append(application)
        self._regroup()

    def _close(self, n: int, *, heard_back: bool) -> None:
        if self.rounds[n].closed or n in self.deleted:
            return
        self.rounds[n].close(heard_back=heard_back)
        self.closed_at[n] = self.clock.now()

    def act(self, n: int, what: str) -> None:
        """The person does `what` to round `n` now (counted round the rounds logged so far;
        nothing, once it is deleted)."""
        if not self.rounds:
            return
        n %= len(self.rounds)
        if n in self.deleted:
            return
        simulation, now = self.rounds[n], self.clock.now()
        if what == "follow-up sent":
            simulation.press(ContactKind.FOLLOW_UP)
        elif what.startswith("snooze"):
            simulation.snooze(int(what.split()[1]))
        elif what == "keep going":
            simulation.press(ContactKind.KEPT_GOING)
        elif what == "check back":
            simulation.press(ContactKind.CHECKING_BACK, until=now + CHECK_BACK_AFTER)
        elif what in ("offer", "rejected", "next round"):
            self._close(n, heard_back=True)
        elif what == "withdrew":
            # Withdrawing ends the whole application: every open round of it.
            for m, app in enumerate(self.application):
                if app == self.application[n]:
                    self._close(m, heard_back=True)
        elif what == "close it":
            self._close(n, heard_back=False)
        elif what == "reopen":
            closed = self.closed_at.get(n)
            if simulation.closed and closed is not None and now - closed < REOPEN_WINDOW:
                simulation.reopen()
                del self.closed_at[n]
        elif what == "delete":
            self.deleted.add(n)
            self._regroup()
        else:  # pragma: no cover - a typo in the strategies
            raise AssertionError(what)

    def edit(self, n: int, change: tuple[str, object]) -> None:
        """The person corrects round `n` (the edit modal; a new timeline on a follow-up)."""
        if not self.rounds:
            return
        n %= len(self.rounds)
        if n in self.deleted:
            return
        simulation, now = self.rounds[n], self.clock.now()
        facts = simulation.facts
        field, value = change
        if field == "format":
            interview_format, traditional = value  # type: ignore[misc]
            facts = dataclasses.replace(facts, format=interview_format, traditional_org=traditional)
        elif field == "time":
            # Any time up to 60 days ahead of now: an old interview is not refused.
            assert isinstance(value, int)
            happened = min(facts.happened_at + timedelta(minutes=value), now + timedelta(days=60))
            facts = dataclasses.replace(facts, happened_at=happened)
        elif field == "timeline":
            if simulation.closed:
                return  # refused for a closed interview (bot.coach.corrections.CLOSED)
            assert isinstance(value, int)
            tz = self.person.tz
            start = max(now.astimezone(tz).date(), facts.happened_at.astimezone(tz).date())
            facts = dataclasses.replace(facts, employer_timeline=start + timedelta(days=value))
        elif field == "direct":
            assert isinstance(value, bool)
            facts = dataclasses.replace(facts, direct_contact_ok=value)
        simulation.facts = facts
        simulation.reconcile()

    # -- time passing --------------------------------------------------------------------------

    def run(self) -> None:
        """Deliver every DM as it falls due, the earliest first across the rounds, and do
        each action at its time (before a DM due at the same moment); the person answers
        each DM with presses drawn as it arrives."""
        while True:
            due = [
                (rows[0].due_at, n)
                for n, simulation in enumerate(self.rounds)
                if n not in self.deleted and (rows := simulation.pending())
            ]
            if self._actions and (not due or self._actions[0][0] <= min(due)[0]):
                when, _, action = heapq.heappop(self._actions)
                self.clock.set(max(when, self.clock.now()))
                action()
                continue
            if not due:
                return
            _, n = min(due)
            simulation = self.rounds[n]
            closed, deleted = simulation.closed, n in self.deleted
            ended_at = simulation.facts.ended_at
            delivered = simulation.deliver_next()
            assert delivered is not None
            self.sent.append(Sent(n, self.application[n], delivered, ended_at, closed, deleted))
            if delivered.kind is NudgeKind.AUTO_CLOSE:
                self.closed_at[n] = delivered.at
            assert len(self.sent) <= 400, "the rules never stop"
            self._respond(n, delivered)

    def _respond(self, n: int, delivered: Delivered) -> None:
        choices = ANSWERS.get(delivered.kind, [])
        if not choices:
            return
        for delay, what in self.data.draw(
            st.lists(st.tuples(a_while, st.sampled_from(choices)), max_size=2),
            label=f"round {n}: answers to {delivered.kind.value} {delivered.sequence}",
        ):
            self.at(delivered.at + delay, lambda n=n, what=what: self.act(n, what))
            if what == "next round":
                self._next_round_later(n, delivered.at + delay)
        if delivered.kind in (NudgeKind.FOLLOW_UP, NudgeKind.REMINDER, NudgeKind.CHECK_IN):
            for delay, days in self.data.draw(
                st.lists(st.tuples(a_while, st.integers(0, 30)), max_size=1),
                label=f"round {n}: new timeline on {delivered.kind.value}",
            ):
                self.at(delivered.at + delay, lambda n=n, d=days: self.edit(n, ("timeline", d)))

    def _next_round_later(self, n: int, when: datetime) -> None:
        """ "Log round 2" from the prompt, maybe much later, maybe ahead of time."""
        delay, facts = self.data.draw(
            st.tuples(st.integers(0, 3 * 24 * 60), rounds()), label=f"round after {n}"
        )
        application = self.application[n]
        self.at(
            when + timedelta(minutes=1 + delay),
            lambda: self.log(application, self.ahead(facts)),
        )

    def ahead(self, facts: InterviewFacts) -> InterviewFacts:
        """The drawn facts with their time read as an offset from now."""
        offset = facts.happened_at - START
        return dataclasses.replace(facts, happened_at=self.clock.now() + offset)


# -- strategies ----------------------------------------------------------------------------------

FU, REM, CHECK, STILL = (
    NudgeKind.FOLLOW_UP,
    NudgeKind.REMINDER,
    NudgeKind.CHECK_IN,
    NudgeKind.STILL_WAITING,
)
OUTCOMES = ["offer", "rejected", "next round", "withdrew"]
# What the person tends to press on each DM.
ANSWERS: dict[NudgeKind, list[str]] = {
    NudgeKind.THANK_YOU: ["follow-up sent"],
    FU: ["follow-up sent", "snooze 1", "snooze 3", *OUTCOMES],
    REM: ["follow-up sent", "snooze 1", *OUTCOMES],
    CHECK: ["keep going", *OUTCOMES, "close it"],
    STILL: ["keep going", "check back", "close it"],
    NudgeKind.AUTO_CLOSE: ["reopen"],
}
# Anything, at any moment, on any round.
ANYTHING = [
    "follow-up sent",
    "snooze 3",
    "keep going",
    *OUTCOMES,
    "close it",
    "reopen",
    "delete",
]


def rounds() -> st.SearchStrategy[InterviewFacts]:
    """A round's facts; its time an offset from START: up to three days before it was
    logged, or up to sixty days ahead."""
    return st.builds(
        InterviewFacts,
        format=st.sampled_from(InterviewFormat),
        traditional_org=st.booleans(),
        happened_at=st.one_of(st.integers(-3 * 24 * 60, 0), st.integers(0, AHEAD)).map(
            lambda m: START + timedelta(minutes=m)
        ),
        logged_at=st.just(START),
        employer_timeline=st.none(),
        direct_contact_ok=st.booleans(),
        length=st.sampled_from([timedelta(minutes=30), timedelta(hours=1), timedelta(hours=3)]),
    )


edits = st.one_of(
    st.tuples(st.sampled_from(InterviewFormat), st.booleans()).map(lambda e: ("format", e)),
    st.integers(-7 * 24 * 60, 7 * 24 * 60).map(lambda m: ("time", m)),
    st.integers(0, 60).map(lambda d: ("timeline", d)),
    st.booleans().map(lambda b: ("direct", b)),
)
minutes = st.integers(0, 70 * 24 * 60)
steps = st.one_of(
    st.tuples(st.just("log"), minutes, st.integers(1, 3), rounds()),
    st.tuples(st.just("act"), minutes, st.integers(0, 7), st.sampled_from(ANYTHING)),
    st.tuples(st.just("edit"), minutes, st.integers(0, 7), edits),
)


# -- the property --------------------------------------------------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zone=st.sampled_from(ZONES), plan=st.lists(steps, min_size=1, max_size=10), data=st.data())
def test_a_job_search_keeps_the_rules(zone: str, plan: list[tuple], data: st.DataObject) -> None:
    search = Search(PersonHours(ZoneInfo(zone)), data)
    for what, at, target, value in plan:
        when = START + timedelta(minutes=at)
        if what == "log":
            search.at(when, lambda a=target, f=value: search.log(a, search.ahead(f)))
        elif what == "act":
            search.at(when, lambda n=target, w=value: search.act(n, w))
        else:
            search.at(when, lambda n=target, e=value: search.edit(n, e))

    search.run()

    for sent in search.sent:
        kind = sent.delivered.kind
        assert not sent.deleted, f"{sent}: about a deleted interview"
        assert not sent.closed, f"{sent}: about a closed interview"
        if kind is not NudgeKind.EVENING_BEFORE:
            assert sent.delivered.at >= sent.ended_at, f"{sent}: before the interview ended"
    for n in range(len(search.rounds)):
        follow_ups = [s for s in search.sent if s.round_ == n and s.delivered.kind is FU]
        assert len(follow_ups) <= 5, "at most five follow-ups a round"
    by_application: dict[int, list[Sent]] = {}
    for sent in search.sent:
        if sent.delivered.kind in TO_EMPLOYER:
            by_application.setdefault(sent.application, []).append(sent)
    for reaching in by_application.values():
        for one, other in itertools.combinations(reaching, 2):
            same_round = one.round_ == other.round_
            # Within a round, a reminder brings back the follow-up the person snoozed: only
            # one of the two reaches the employer. Follow-ups proper are a week apart always.
            if same_round and REM in (one.delivered.kind, other.delivered.kind):
                continue
            gap = abs(one.delivered.at - other.delivered.at)
            assert gap >= EMPLOYER_GAP, f"two to one employer within a week: {one}, {other}"


def test_a_round_logged_ahead_hears_nothing_before_it_ends() -> None:
    """A fixed example: round 2 logged a week ahead, the first round's follow-up sent."""
    search = Search(PersonHours(ZoneInfo("America/New_York")), _NoDraws())
    first = InterviewFacts(InterviewFormat.VIDEO, False, START, START, None, direct_contact_ok=True)
    search.log(1, first)
    ahead = dataclasses.replace(first, happened_at=START + timedelta(days=9))
    search.at(START + timedelta(days=2), lambda: search.log(1, ahead))
    search.run()

    second = [s for s in search.sent if s.round_ == 1]
    assert second, "round 2 got its advice"
    assert all(
        s.delivered.at >= s.ended_at
        for s in second
        if s.delivered.kind is not NudgeKind.EVENING_BEFORE
    )


class _NoDraws:
    """Stands in for hypothesis' data in a fixed example: nobody presses anything."""

    def draw(self, strategy: object, label: str | None = None) -> list:
        return []
