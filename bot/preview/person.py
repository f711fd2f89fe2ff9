"""A person's several interviews in memory, planned together as the bot's reconciler plans
them (the daily limits hold over all of them), on one FixedClock that jumps from DM to DM.

Each interview is a bot.preview.Simulation; they share the clock and the person's calendar
and are joined (Simulation.join), so reconciling any of them applies the limits over all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import FixedClock
from bot.preview.simulation import MAX_DELIVERIES, Delivered, Simulation
from bot.rules.calendar import PersonHours
from bot.rules.planning import InterviewFacts
from bot.rules.playbook import Playbook


@dataclass(frozen=True)
class PersonDelivered:
    """A DM the person got: which interview (its place in the log order), which nudge."""

    interview: int
    delivered: Delivered


@dataclass
class PersonOutbox:
    person: PersonHours
    playbook: Playbook
    clock: FixedClock
    daily_limits: bool = True  # False: measure what the rules did before the limits
    interviews: list[Simulation] = field(default_factory=list)
    delivered: list[PersonDelivered] = field(default_factory=list)

    def log(self, facts: InterviewFacts) -> Simulation:
        """The person logs an interview now (the clock at its logged_at)."""
        self.clock.set(max(self.clock.now(), facts.logged_at))
        simulation = Simulation(
            facts, self.person, self.playbook, self.clock, daily_limits=self.daily_limits
        )
        self.interviews.append(simulation)
        simulation.join(self.interviews)
        return simulation

    def run(
        self,
        logs: Sequence[InterviewFacts],
        respond: Callable[[Simulation, Delivered], None] | None = None,
    ) -> None:
        """Log each interview at its time and deliver every DM as it falls due, the earliest
        first across all interviews, until nothing more is planned; `respond` plays the
        person after each DM."""
        waiting = sorted(logs, key=lambda facts: facts.logged_at)
        while True:
            due = [
                (rows[0].due_at, number, simulation)
                for number, simulation in enumerate(self.interviews)
                if (rows := simulation.pending())
            ]
            if waiting and (not due or waiting[0].logged_at <= min(due)[0]):
                self.log(waiting.pop(0))
                continue
            if not due:
                return
            _, number, simulation = min(due, key=lambda item: (item[0], item[1]))
            delivered = simulation.deliver_next()
            assert delivered is not None
            self.delivered.append(PersonDelivered(number, delivered))
            if respond is not None:
                respond(simulation, delivered)
            if len(self.delivered) > MAX_DELIVERIES:
                raise AssertionError(f"more than {MAX_DELIVERIES} DMs: the rules never stop")

    def sent_at(self) -> list[datetime]:
        return [d.delivered.at for d in self.delivered]
