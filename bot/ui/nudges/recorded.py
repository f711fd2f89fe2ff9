"""The lines a nudge message shows under its advice: what the person recorded on it
("✓ Email sent: recorded Tue…"), and that the interview is closed."""

from __future__ import annotations

from bot.rules.domain import Choice, InterviewStatus, Outcome
from bot.rules.view_models import Done, NudgeView
from bot.rules.zones import known_zone
from bot.ui.text import slack_date

OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.OFFER: "offer",
    Outcome.NEXT_ROUND: "next round",
    Outcome.REJECTED: "rejected",
    Outcome.WITHDREW: "withdrew",
    Outcome.STOPPED: "reminders stopped",
    Outcome.NO_REPLY: "no reply",
}

# These say for themselves that the interview is closed.
_CLOSING = frozenset({Choice.HEARD_BACK, Choice.STOP, Choice.CLOSE_IT})


def recorded_line(done: Done, view: NudgeView) -> str:
    """What was recorded, said once, with when in the person's own time."""
    tz = known_zone(view.interview.owner_tz)
    when = f"recorded {slack_date(done.at, tz)}"
    match done.choice:
        case Choice.EMAIL_SENT:
            return f"✓ Email sent: {when}"
        case Choice.CARD_MAILED:
            return f"✓ Card mailed: {when}"
        case Choice.SKIP_THANK_YOU:
            return "Skipped: no more thank-you reminders for this interview."
        case Choice.FOLLOW_UP_SENT:
            return f"✓ Follow-up sent: {when}"
        case Choice.SNOOZE:
            if done.until is None:
                return "Snoozed."
            return f"Snoozed: I'll bring it back {slack_date(done.until, tz)}"
        case Choice.HEARD_BACK:
            return _heard_back(done.outcome)
        case Choice.KEEP_GOING:
            return (
                f"✓ Keep going: I'll remind you weekly, up to "
                f"{view.follow_ups_max} follow-ups in all."
            )
        case Choice.STOP:
            return "Reminders stopped for this interview."
        case Choice.CHECK_BACK:
            if done.until is None:
                return "✓ Checking back later."
            return f"✓ Checking back: no follow-up before {slack_date(done.until, tz)}"
        case Choice.CLOSE_IT:
            return "Closed as no reply: no more reminders for this interview."
    return when


def newest_recorded(view: NudgeView) -> str | None:
    """The line of the latest choice recorded on the message, for the notification text."""
    if not view.done:
        return None
    # max() keeps the first of equal times: on a tie, the later control's line wins.
    newest = max(reversed(view.done), key=lambda done: done.at)
    return recorded_line(newest, view)


def closed_line(view: NudgeView) -> str | None:
    """That the interview is closed, unless a recorded line on the message already says so."""
    if view.interview.status is InterviewStatus.ACTIVE:
        return None
    if any(done.choice in _CLOSING for done in view.done):
        return None
    return closed_sentence(view)


def closed_sentence(view: NudgeView) -> str:
    """That the interview is closed, and how."""
    outcome = view.interview.outcome
    words = f" ({OUTCOME_WORDS[outcome]})" if outcome else ""
    return f"This interview is closed{words}: no more reminders for it."


def plain(line: str) -> str:
    """A recorded line without its date token's markup, for the notification text."""
    start = line.find("<!date^")
    if start < 0:
        return line
    end = line.find(">", start)
    fallback = line[start:end].rpartition("|")[2]
    return line[:start] + fallback + line[end + 1 :]


def _heard_back(outcome: Outcome | None) -> str:
    match outcome:
        case Outcome.OFFER:
            return "Heard back: offer. Congratulations — no more reminders for this interview."
        case Outcome.NEXT_ROUND:
            return (
                "Heard back: next round. Good luck — no more reminders for this round; the "
                "application stays open: log the next round as soon as you have its date."
            )
        case Outcome.REJECTED:
            return "Heard back: rejected. Sorry to hear it — no more reminders for this interview."
        case Outcome.WITHDREW:
            return "Withdrew: noted — no more reminders for this interview."
    return "Heard back: no more reminders for this interview."
