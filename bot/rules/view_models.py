"""What the UI is given to show a nudge or a recorded choice: plain data, no ORM rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.rules.domain import (
    Choice,
    InterviewFormat,
    InterviewStatus,
    NudgeKind,
    Outcome,
    ReflectionQuestion,
)

# Each kind's controls are the registry's; CONTROLS stays importable here for the coach.
from bot.rules.kinds import CONTROLS as CONTROLS


@dataclass(frozen=True)
class InterviewSummary:
    """What the UI needs to show an interview; no ORM object leaves the coach."""

    id: int
    company: str
    role: str | None
    format: InterviewFormat
    traditional_org: bool
    happened_at: datetime
    interviewers: str | None
    hiring_manager: str | None
    employer_timeline: date | None
    direct_contact_ok: bool
    status: InterviewStatus
    owner_tz: str
    # Its length in minutes: the coach waits for its end (happened_at + this).
    duration_minutes: int = 60
    # How it closed (HEARD_BACK's outcome, or STOPPED); None while it is active.
    outcome: Outcome | None = None
    # When it closed (UTC); None while it is active.
    closed_at: datetime | None = None
    # The coach's next message about it, where a listing shows it.
    next_kind: NudgeKind | None = None
    next_due: datetime | None = None
    # The application it is a round of, and which round (1 for the first).
    application_id: int | None = None
    round_number: int = 1

    @property
    def ends_at(self) -> datetime:
        """When the interview ends if it is still ahead (start plus length)."""
        return self.happened_at + timedelta(minutes=self.duration_minutes)


# What "Heard back" offers, in the order shown.
HEARD_BACK_OUTCOMES: tuple[Outcome, ...] = (
    Outcome.OFFER,
    Outcome.NEXT_ROUND,
    Outcome.REJECTED,
    Outcome.WITHDREW,
)


@dataclass(frozen=True)
class Done:
    """A choice the person made that a message shows: when, and what it set."""

    choice: Choice
    at: datetime
    until: datetime | None = None  # SNOOZE: when the follow-up comes back
    outcome: Outcome | None = None  # HEARD_BACK and STOP: how the interview closed


@dataclass(frozen=True)
class NudgeView:
    """One nudge's message: what it is about and what the person has said so far."""

    nudge_id: int
    kind: NudgeKind
    # The follow-up's number (1-5) for FOLLOW_UP, and for REMINDER the follow-up it brings
    # back; 0 for the one-off kinds.
    follow_up_number: int
    interview: InterviewSummary
    answers: Mapping[ReflectionQuestion, str]
    card_advised: bool
    # How many follow-ups the person may get for this interview at most (the cap).
    follow_ups_max: int
    # Whether weekly follow-ups go on without asking (direct permission, or "keep going").
    weekly: bool
    # What was recorded of this message's choices, in the order its kind offers them.
    done: tuple[Done, ...] = ()
    # When the planner scheduled the message (UTC); None for a message not from the planner.
    due_at: datetime | None = None
    # Until when the closed interview may still be reopened (bot.rules.outcomes), as of the
    # view's making; None when it is open, or too late.
    reopen_until: datetime | None = None
    # Whether the person pressed "Follow-up sent" on any of the interview's follow-ups.
    follow_up_marked_sent: bool = False
    # The auto-close this message announced was undone by a Reopen since: it offers no more.
    reopened_since: bool = False


class ChoiceStatus(StrEnum):
    RECORDED = "recorded"
    ALREADY_RECORDED = "already_recorded"  # a double click or a Slack retry: nothing changed
    NOT_OWNER = "not_owner"  # someone else pressed it: nothing changed
    CLOSED = "closed"  # the interview was already closed: nothing changed
    UNKNOWN = "unknown"  # no such nudge (deleted, or a forged value)
    INVALID = "invalid"  # an option the button does not offer


@dataclass(frozen=True)
class ChoiceResult:
    status: ChoiceStatus
    choice: Choice
    # The message as it now stands, for re-rendering it in place (what was recorded is in
    # its `done`); None when status is UNKNOWN or NOT_OWNER.
    view: NudgeView | None = None


class AnswerStatus(StrEnum):
    SAVED = "saved"  # a first answer to this question
    REVISED = "revised"  # replaced an earlier answer
    UNCHANGED = "unchanged"  # the same text again: nothing changed
    NO_OPEN_PROMPT = "no_open_prompt"  # the message belongs to no open reflection prompt
    UNKNOWN = "unknown"  # no such reflection prompt (deleted, or a forged id)
    NOT_OWNER = "not_owner"
    TOO_LONG = "too_long"
    EMPTY = "empty"
    # A top-level DM that could answer the prompts of several interviews (or one prompt that
    # is no longer the latest message): the coach asks which, and stores nothing yet.
    WHICH_INTERVIEW = "which_interview"
    # This message was already stored as an answer (a second press): nothing changed.
    ALREADY_FILED = "already_filed"


@dataclass(frozen=True)
class SentMessage:
    """A message the coach sent, where it is, and what it shows now."""

    channel: str
    ts: str
    view: NudgeView


@dataclass(frozen=True)
class PromptChoice:
    """An open reflection prompt a top-level DM could answer: which interview it is for."""

    nudge_id: int
    interview: InterviewSummary


@dataclass(frozen=True)
class AnswerResult:
    status: AnswerStatus
    interview: InterviewSummary | None = None
    question: ReflectionQuestion | None = None
    # The question to ask next in the thread, if one is still unanswered.
    next_question: ReflectionQuestion | None = None
    # The reflection prompt's message, so a reply can go into its thread.
    prompt_channel: str | None = None
    prompt_ts: str | None = None
    # The prompt as it stands after this answer, to show the answers on its message.
    prompt: NudgeView | None = None
    # Other messages already sent that quote an answer (the thank-you note's point to
    # clarify), as they stand after it: an answer given late still reaches them.
    quoting: tuple[SentMessage, ...] = ()
    # WHICH_INTERVIEW: the open prompts it could answer, one per interview, latest first.
    candidates: tuple[PromptChoice, ...] = ()
