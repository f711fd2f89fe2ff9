"""Applications and their rounds, as the rules and the UI see them: no database, no Slack.

An application (company, role) holds its rounds; each round is an interview with its own
format, time, people and timeline. Logging round N+1 ends the earlier rounds' advice (the
person moved on) and starts the new round's afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.rules.domain import ApplicationStatus, ContactKind, InterviewStatus, Outcome
from bot.rules.view_models import InterviewSummary

# What the log modal's application choice holds when the person starts a new application.
NEW_APPLICATION = "new"


def awaits_rounds(
    status: ApplicationStatus, rounds: Sequence[tuple[InterviewStatus, Outcome | None]]
) -> bool:
    """Whether an application is still in progress: a round of it is still coached, or it is
    open and its latest round ended as "next round" (the next is to be logged). One whose
    latest round ended otherwise (an offer, a rejection, withdrawn, stopped) is over, whatever
    its status says, so it is neither listed nor offered a round. `rounds` in round order."""
    if any(state is InterviewStatus.ACTIVE for state, _ in rounds):
        return True
    return status is ApplicationStatus.OPEN and bool(rounds) and rounds[-1][1] is Outcome.NEXT_ROUND


def same_company(a: str, b: str) -> bool:
    """`/interview logged acme` finds the "Acme" application: case and spacing do not count."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


@dataclass(frozen=True)
class ApplicationChoice:
    """An open application the person may add a round to, as the log modal offers it."""

    application_id: int
    company: str
    role: str | None
    # The round a new interview would be: one more than its rounds so far.
    next_round: int

    @property
    def label(self) -> str:
        """ "Add round 2 to Acme — Data analyst": the option's text."""
        what = f"{self.company} — {self.role}" if self.role else self.company
        return f"Add round {self.next_round} to {what}"


@dataclass(frozen=True)
class RoundPrefill:
    """The log modal for a next round, filled from its application and earlier rounds."""

    application_id: int
    company: str
    role: str | None
    next_round: int
    interviewers: str | None = None
    hiring_manager: str | None = None


def parse_application_choice(raw: object) -> int | None:
    """The application id a submission chose (None: a new application, or nothing usable)."""
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if 0 < number < 2**31 else None


@dataclass(frozen=True)
class ApplicationProgress:
    """An application in progress and its rounds, in round order, for `/interview list`."""

    application_id: int
    company: str
    role: str | None
    rounds: tuple[InterviewSummary, ...]
    # What the person recorded on the latest round, for its stage line (bot.rules.stage).
    latest_contacts: tuple[ContactKind, ...] = ()
