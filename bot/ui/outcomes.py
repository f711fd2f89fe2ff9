"""Closing and reopening, as the person reads it: the answers to Reopen, and the Home tab's
"Closed today" section with a Reopen button on each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import ButtonElement, MarkdownTextObject, PlainTextObject, SectionBlock

from bot.rules.outcomes import REOPEN_WINDOW
from bot.rules.view_models import InterviewSummary
from bot.rules.zones import known_zone
from bot.ui.messages import plain_title
from bot.ui.nudges.recorded import OUTCOME_WORDS
from bot.ui.text import escape_mrkdwn, slack_date, truncate

HOME_REOPEN = "home_reopen"  # the Home tab's Reopen: its value is the interview's id


def _name(interview: InterviewSummary) -> str:
    return escape_mrkdwn(plain_title(interview))


def reopened_text(interview: InterviewSummary) -> str:
    return f"Reopened {_name(interview)}: I'll pick up where we left off."


def already_open_text(interview: InterviewSummary) -> str:
    return f"{_name(interview)} is open: nothing to reopen."


def too_late_text(interview: InterviewSummary) -> str:
    hours = int(REOPEN_WINDOW / timedelta(hours=1))
    return (
        f"{_name(interview)} closed more than {hours} hours ago, so it can no longer be "
        "reopened. If it is back on, log it again with `/interview logged`."
    )


def later_round_text(interview: InterviewSummary) -> str:
    return (
        f"{_name(interview)} stays closed: a later round of it is logged, and the application "
        "goes on from there. To correct a round, use Edit on the Home tab."
    )


def closed_today_blocks(closed: list[InterviewSummary]) -> list[Any]:
    """One line per interview closed less than a day ago: its outcome, and Reopen."""
    if not closed:
        return []
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text="*Closed today* (you can reopen for a day)"))
    ]
    for interview in closed:
        outcome = OUTCOME_WORDS[interview.outcome] if interview.outcome else "closed"
        when = ""
        if interview.closed_at is not None:
            tz = known_zone(interview.owner_tz)
            when = f", {slack_date(interview.closed_at, tz)}"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=truncate(f"{_name(interview)}: {outcome}{when}", 3000)
                ),
                accessory=ButtonElement(
                    text=PlainTextObject(text="Reopen"),
                    action_id=HOME_REOPEN,
                    value=str(interview.id),
                ),
            )
        )
    return blocks
