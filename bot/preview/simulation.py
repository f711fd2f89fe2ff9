"""One interview's outbox kept in memory, planned and reconciled as the bot does it.

The pure `plan` runs against the outbox, reconciled with the bot's own decisions
(bot.rules.reconciling.reconcile_changes), and a dispatcher that sends every nudge the moment
it is due (or a given latency later). `interview-bot preview` plays a sample interview on it;
the tests of the rules drive it with scripted button presses.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import FixedClock
from bot.rules.calendar import Pause, PersonHours
from bot.rules.daily_limits import limit_daily
from bot.rules.domain import ContactKind, InterviewStatus, NudgeKind, NudgeStatus
from bot.rules.planning import (
    Contact,
    History,
    InterviewFacts,
    NudgeRecord,
    PlannedNudge,
    follow_up_number,
    plan,
)
from bot.rules.playbook import Playbook
from bot.rules.press_keys import CONTACT_OF, press_key
from bot.rules.reconciling import ChangeKind, Key, reconcile_changes

# Far more DMs than any playbook allows (5 follow-ups, a few one-offs, reminders): a loop that
# gets here is a bug in the rules, not a long schedule.
MAX_DELIVERIES = 200

# Rows that are history: the daily limits count them and never move them.
_HISTORY = frozenset({NudgeStatus.SENT, NudgeStatus.CLAIMED, NudgeStatus.FAILED})

Press = Callable[["Simulation"], None]
# The button each contact is logged by, to key a press the way bot.coach.choices keys it.
_CHOICE_OF = {contact: choice for choice, contact in CONTACT_OF.items()}


@dataclass(frozen=True)
class Delivered:
    """A DM the person got: which nudge, and when (UTC)."""

    kind: NudgeKind
    sequence: int
    at: datetime

    @property
    def key(self) -> Key:
        return (self.kind, self.sequence)


def plan_limited(
    facts: InterviewFacts,
    history: History,
    now: datetime,
    person: PersonHours,
    playbook: Playbook,
) -> tuple[PlannedNudge, ...]:
    """The plan with the daily limits applied, as the reconciler applies them; here over
    one interview, so at most one unprompted DM of it a day."""
    planned = plan(facts, history, now, person, playbook)
    return limit_daily({0: planned}, {0: _settled(history)}, person, now)[0]


def _settled(history: History) -> dict[Key, datetime | None]:
    """The nudges that are history, for the daily limits: when each reached the person
    (None: failed, it never did)."""
    return {
        (row.kind, row.sequence): (
            None if row.status is NudgeStatus.FAILED else row.sent_at or row.due_at
        )
        for row in history.nudges
        if row.status in _HISTORY
    }


class Simulation:
    """One interview's outbox in memory, on a FixedClock that jumps from nudge to nudge.

    Reconciling applies bot.rules.reconciling.reconcile_changes, as the bot's reconciler
    (bot.coach.reconciler) does: insert what is planned and missing, move pending rows,
    revive cancelled ones, cancel pending rows no longer planned; sent rows are history. A
    delivery is claimed, then marked sent and reconciled, as the dispatcher and mark_sent do
    it. In between it is reconciled once more, on purpose: the dispatcher takes no such step,
    but a press landing while the DM is in flight does, and must leave the claimed nudge as
    it is (the property tests check every plan made, this one included).
    """

    def __init__(
        self,
        facts: InterviewFacts,
        person: PersonHours,
        playbook: Playbook,
        clock: FixedClock,
        *,
        latency: Callable[[NudgeRecord], timedelta] | None = None,
        daily_limits: bool = True,
    ) -> None:
        self.facts, self.person, self.playbook, self.clock = facts, person, playbook, clock
        # False only to measure what the limits change (bench/rhythm_dm_counts.py).
        self.daily_limits = daily_limits
        # How long after its due time each nudge is sent (the dispatcher's tick, a queue).
        self._latency = latency or (lambda _row: timedelta(0))
        self.rows: dict[Key, NudgeRecord] = {}
        self.contacts: list[Contact] = []
        self.delivered: list[Delivered] = []
        self._pressed: set[str] = set()  # the presses' once-only keys, as choices.py keeps them
        self._presses: list[tuple[datetime, int, Press]] = []  # a heap: (when, order, press)
        self._order = itertools.count()  # scheduled earlier goes first among equal times
        # The person's interviews planned together (see join); alone until joined.
        self.group: list[Simulation] = [self]
        self.reconcile()

    @property
    def history(self) -> History:
        return History(contacts=tuple(self.contacts), nudges=tuple(self.rows.values()))

    @property
    def closed(self) -> bool:
        return self.facts.status is not InterviewStatus.ACTIVE

    def plan(self) -> tuple[PlannedNudge, ...]:
        return self._limited_plans()[self.group.index(self)]

    def reconcile(self) -> tuple[PlannedNudge, ...]:
        """Make the rows of every interview of the person match the plan with the daily
        limits applied over all of them, as the bot's reconciler does; this one's plan."""
        limited = self._limited_plans()
        for number, member in enumerate(self.group):
            member._apply(limited[number])
        return limited[self.group.index(self)]

    def join(self, others: list[Simulation]) -> None:
        """Plan this interview together with the person's `others` (sharing one clock and
        one calendar): the daily limits then hold over all of them."""
        group = [*others, self] if self not in others else others
        for member in group:
            member.group = group
        self.reconcile()

    def _limited_plans(self) -> dict[int, tuple[PlannedNudge, ...]]:
        now = self.clock.now()
        plans = {
            number: plan(m.facts, m.history, now, self.person, m.playbook)
            for number, m in enumerate(self.group)
        }
        if not self.daily_limits:
            return plans
        settled = {number: _settled(m.history) for number, m in enumerate(self.group)}
        # Rounds of one application (facts that name it) keep their follow-ups a week apart.
        employers = {
            number: m.facts.application_id
            for number, m in enumerate(self.group)
            if m.facts.application_id is not None
        }
        return limit_daily(plans, settled, self.person, now, employers=employers)

    def _apply(self, planned: tuple[PlannedNudge, ...]) -> None:
        for change in reconcile_changes(self.rows, planned):
            cancel = change.kind is ChangeKind.CANCEL
            status = NudgeStatus.CANCELLED if cancel else NudgeStatus.PENDING
            self.rows[change.key] = NudgeRecord(*change.key, status, change.due_at)

    def pending(self) -> list[NudgeRecord]:
        rows = [r for r in self.rows.values() if r.status is NudgeStatus.PENDING]
        return sorted(rows, key=lambda r: (r.due_at, r.kind, r.sequence))

    # -- time passing ------------------------------------------------------------------------

    def deliver_next(self, until: datetime | None = None) -> Delivered | None:
        """Send the earliest pending nudge, if one is due by `until` (any, when None)."""
        pending = self.pending()
        if not pending or (until is not None and pending[0].due_at > until):
            return None
        row = pending[0]
        at = max(self.clock.now(), row.due_at + self._latency(row))
        self.clock.set(at)
        key = (row.kind, row.sequence)
        self.rows[key] = dataclasses.replace(row, status=NudgeStatus.CLAIMED)
        self.reconcile()  # the in-flight probe (see the class's docstring)
        self.rows[key] = dataclasses.replace(row, status=NudgeStatus.SENT, sent_at=at)
        if row.kind is NudgeKind.AUTO_CLOSE:
            # Its DM says the interview is closed: settling it closes it (bot.coach.outcomes).
            self.facts = dataclasses.replace(self.facts, status=InterviewStatus.CLOSED)
        self.reconcile()
        delivered = Delivered(row.kind, row.sequence, at)
        self.delivered.append(delivered)
        return delivered

    def run_until(self, instant: datetime) -> list[Delivered]:
        """Deliver everything due up to `instant`, then stop the clock there."""
        sent = []
        while (delivered := self.deliver_next(until=instant)) is not None:
            sent.append(delivered)
            self._check_runaway()
        if instant > self.clock.now():
            self.clock.set(instant)
        return sent

    def schedule(self, at: datetime, press: Press) -> None:
        """Have the person do `press` at `at` (now, if that has passed) during `run`."""
        heapq.heappush(self._presses, (at, next(self._order), press))

    def run(self, respond: Callable[[Simulation, Delivered], None] | None = None) -> None:
        """Deliver until nothing more is planned and no press is left; `respond` plays the
        person after each DM (pressing at once, or scheduling presses for later).

        A press due at the same moment as a nudge goes first: the person was quicker than
        the dispatcher's next tick.
        """
        while True:
            pending = self.pending()
            if self._presses and (not pending or self._presses[0][0] <= pending[0].due_at):
                at, _, press = heapq.heappop(self._presses)
                self.clock.set(max(at, self.clock.now()))
                press(self)
                continue
            delivered = self.deliver_next()
            if delivered is None:
                return
            if respond is not None:
                respond(self, delivered)
            self._check_runaway()

    def _check_runaway(self) -> None:
        if len(self.delivered) > MAX_DELIVERIES:
            raise AssertionError(f"more than {MAX_DELIVERIES} DMs: the rules never stop")

    # -- the person's calendar ---------------------------------------------------------------

    def change_calendar(self, person: PersonHours) -> None:
        """The person changed a setting, their zone or their pause: plan again at once."""
        self.person = person
        self.reconcile()

    def pause(self, until: datetime | None = None) -> None:
        """`/interview pause [until …]` now; pausing while paused changes only the end."""
        current = self.person.pause
        now = self.clock.now()
        ongoing = current is not None and (current.until is None or current.until > now)
        start = current.start if ongoing and current is not None else now
        self.change_calendar(dataclasses.replace(self.person, pause=Pause(start, until)))

    def resume(self) -> None:
        """`/interview resume` now: the pause ends now and keeps its start."""
        current = self.person.pause
        now = self.clock.now()
        if current is None or (current.until is not None and current.until <= now):
            return
        self.change_calendar(dataclasses.replace(self.person, pause=Pause(current.start, now)))

    # -- the person's buttons ----------------------------------------------------------------

    def press(
        self, kind: ContactKind, *, on: Key | None = None, until: datetime | None = None
    ) -> bool:
        """Press the button that logs `kind` on the DM `on` (by default the latest one the
        person got); False when that press was already recorded, as the bot keeps it once.
        """
        if not self._first_press(kind, on):
            return False
        self.contacts.append(Contact(kind, self.clock.now(), until))
        self.reconcile()
        return True

    def snooze(self, days: int, *, on: Key | None = None) -> bool:
        until = self.clock.now() + timedelta(days=days)
        return self.press(ContactKind.SNOOZED, on=on, until=until)

    def _first_press(self, kind: ContactKind, on: Key | None) -> bool:
        """Whether this press is new, by bot.rules.press_keys' key: once per interview,
        "Follow-up sent" once per follow-up, "Snooze" once per message."""
        if on is None and self.delivered:
            on = self.delivered[-1].key
        key = press_key(
            _CHOICE_OF[kind],
            interview_id=0,  # one interview
            nudge_id=list(self.rows).index(on) if on in self.rows else -1,
            follow_up_number=follow_up_number(*on) if on else 0,
        )
        if key in self._pressed:
            return False
        if key is not None:
            self._pressed.add(key)
        return True

    def close(self, *, heard_back: bool) -> None:
        """Heard back (any outcome) or Stop reminders: the interview closes."""
        if heard_back and self._first_press(ContactKind.HEARD_BACK, None):
            self.contacts.append(Contact(ContactKind.HEARD_BACK, self.clock.now()))
        self.facts = dataclasses.replace(self.facts, status=InterviewStatus.CLOSED)
        self.reconcile()

    def reopen(self) -> None:
        """ "Reopen" on a closed interview (within its day: the caller's to check)."""
        if not self.closed:
            return
        self.contacts.append(Contact(ContactKind.REOPENED, self.clock.now()))
        self.facts = dataclasses.replace(self.facts, status=InterviewStatus.ACTIVE)
        self.reconcile()
