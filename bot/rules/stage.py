"""An application's stage in one line, as the Home tab and `/interview list` show it:
"round 2 done · thank-you sent · follow-up due Wed". Pure: no database, no Slack.

It is read from the latest round's facts (its number, whether it has ended, how it closed),
what the person recorded about it (the contacts) and the coach's next message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rules.applications import ApplicationProgress
from bot.rules.domain import ContactKind, InterviewStatus, NudgeKind, Outcome
from bot.rules.zones import known_zone

# How each outcome reads in a stage line.
OUTCOME_STAGE: dict[Outcome, str] = {
    Outcome.OFFER: "offer",
    Outcome.NEXT_ROUND: "next round to log",
    Outcome.REJECTED: "not this time",
    Outcome.WITHDREW: "withdrew",
    Outcome.STOPPED: "reminders stopped",
    Outcome.NO_REPLY: "no reply",
}

# The coach's next message, in a few words ("follow-up due Wed").
NEXT_STAGE: dict[NudgeKind, str] = {
    NudgeKind.DISTANCE: "distance reminder",
    NudgeKind.REFLECTION: "reflection",
    NudgeKind.THANK_YOU: "thank-you",
    NudgeKind.CARD: "thank-you card",
    NudgeKind.FOLLOW_UP: "follow-up",
    NudgeKind.CHECK_IN: "check-in",
    NudgeKind.REMINDER: "follow-up",
    NudgeKind.EVENING_BEFORE: "reminder",
    NudgeKind.STILL_WAITING: "still-waiting question",
    NudgeKind.AUTO_CLOSE: "auto-close",
}

# Within this, a day is named by its weekday alone ("Wed"); further, with its date.
WEEKDAY_ONLY = timedelta(days=6)


@dataclass(frozen=True)
class StageFacts:
    """What a stage line is made of: the latest round of an application and its plan."""

    round_number: int
    status: InterviewStatus
    outcome: Outcome | None
    starts_at: datetime
    ends_at: datetime
    # What the person recorded on the latest round (thank-you sent, follow-ups, …).
    contacts: Sequence[ContactKind]
    next_kind: NudgeKind | None
    next_due: datetime | None
    tz: ZoneInfo


def day_word(instant: datetime, now: datetime, tz: ZoneInfo) -> str:
    """ "today", "tomorrow", "Wed" within the week ahead, else "Wed 16 Dec"."""
    day, today = instant.astimezone(tz).date(), now.astimezone(tz).date()
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    local = instant.astimezone(tz)
    if today < day <= today + WEEKDAY_ONLY:
        return f"{local:%a}"
    return f"{local:%a %-d %b}"


def _round_part(facts: StageFacts, now: datetime) -> str:
    number = f"round {facts.round_number}"
    if facts.status is InterviewStatus.CLOSED:
        if facts.outcome in (None, Outcome.NEXT_ROUND):
            return f"{number} done"
        return f"{number} closed"
    if now < facts.starts_at:
        return f"{number} {day_word(facts.starts_at, now, facts.tz)}"
    if now < facts.ends_at:
        return f"{number} now"
    return f"{number} done"


def _contact_parts(contacts: Sequence[ContactKind]) -> list[str]:
    parts: list[str] = []
    if ContactKind.THANK_YOU_CARD in contacts:
        parts.append("thank-you card sent")
    elif ContactKind.THANK_YOU_EMAIL in contacts:
        parts.append("thank-you sent")
    elif ContactKind.THANK_YOU_SKIPPED in contacts:
        parts.append("no thank-you")
    follow_ups = sum(1 for c in contacts if c is ContactKind.FOLLOW_UP)
    if follow_ups == 1:
        parts.append("1 follow-up sent")
    elif follow_ups > 1:
        parts.append(f"{follow_ups} follow-ups sent")
    return parts


def stage_line(facts: StageFacts, now: datetime) -> str:
    """ "round 2 done · thank-you sent · follow-up due Wed": where the application stands.

    A closed round says how it closed; an open one what comes next from the coach (nothing
    planned: "nothing planned")."""
    parts = [_round_part(facts, now)]
    if facts.status is InterviewStatus.CLOSED:
        parts.extend(_contact_parts(facts.contacts))
        parts.append(OUTCOME_STAGE.get(facts.outcome, "closed") if facts.outcome else "closed")
        return " · ".join(parts)
    parts.extend(_contact_parts(facts.contacts))
    if facts.next_kind is not None and facts.next_due is not None:
        what = NEXT_STAGE.get(facts.next_kind, "message")
        parts.append(f"{what} due {day_word(facts.next_due, now, facts.tz)}")
    else:
        parts.append("nothing planned")
    return " · ".join(parts)


def facts_of(application: ApplicationProgress) -> StageFacts:
    """The stage facts of an application: its latest round, with that round's contacts."""
    latest = application.rounds[-1]
    return StageFacts(
        round_number=latest.round_number,
        status=latest.status,
        outcome=latest.outcome,
        starts_at=latest.happened_at,
        ends_at=latest.ends_at,
        contacts=application.latest_contacts,
        next_kind=latest.next_kind,
        next_due=latest.next_due,
        tz=known_zone(latest.owner_tz),
    )


def application_stage(application: ApplicationProgress, now: datetime) -> str:
    """The stage line of an application in progress (it has at least one round)."""
    return stage_line(facts_of(application), now)


@dataclass(frozen=True)
class PastApplication:
    """An application that is over, for the Home tab's "Closed" section."""

    application_id: int
    company: str
    role: str | None
    outcome: Outcome | None
    rounds: int
    first_at: datetime
    closed_at: datetime | None
    # Its latest round, which Reopen reopens while the close can still be undone.
    latest_interview_id: int
    reopenable: bool
    owner_tz: str
