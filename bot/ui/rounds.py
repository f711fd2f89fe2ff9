"""Rounds in Slack: the message that follows "Heard back: next round" (the round closed,
the application open, and a "Log round N" button that opens the log modal prefilled for it),
and `/interview list`'s applications with their rounds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, PlainTextObject, SectionBlock

from bot.rules.applications import ApplicationProgress
from bot.rules.domain import InterviewStatus, Outcome
from bot.rules.stage import application_stage
from bot.rules.view_models import InterviewSummary
from bot.rules.zones import known_zone
from bot.ui.messages import next_from_me
from bot.ui.text import escape_mrkdwn, slack_date

LOG_ROUND = "log_round"


def next_round_message(interview: InterviewSummary) -> tuple[str, list[dict[str, Any]]]:
    """Text and blocks: round N is done, Acme stays open, log round N+1 (even ahead)."""
    company = escape_mrkdwn(interview.company)
    following = interview.round_number + 1
    text = (
        f"On to round {following} with {company}! Round {interview.round_number} is closed "
        f"and its reminders have stopped; the application stays open. Log round {following} "
        "now, even if it is weeks away: the coach waits for it to end before advising on it."
    )
    blocks = [
        SectionBlock(text=text),
        ActionsBlock(
            block_id=LOG_ROUND,
            elements=[
                ButtonElement(
                    text=PlainTextObject(text=f"Log round {following}"),
                    action_id=LOG_ROUND,
                    value=str(interview.application_id),
                    style="primary",
                )
            ],
        ),
    ]
    return text, [block.to_dict() for block in blocks]


def _round_phrase(interview: InterviewSummary, several: bool) -> str:
    """ "round 1 done", "round 2 video call, <date>"; one round is named by its facts only."""
    if interview.status is InterviewStatus.CLOSED:
        how = (
            "done"
            if interview.outcome in (None, Outcome.NEXT_ROUND)
            else OUTCOME_WORDS.get(interview.outcome, "closed")
        )
        return f"round {interview.round_number} {how}"
    tz = known_zone(interview.owner_tz)
    facts = f"{interview.format.label.lower()}, {slack_date(interview.happened_at, tz)}"
    return f"round {interview.round_number} {facts}" if several else facts


OUTCOME_WORDS = {
    Outcome.OFFER: "offer",
    Outcome.REJECTED: "not this time",
    Outcome.WITHDREW: "withdrew",
    Outcome.STOPPED: "no more reminders",
}
LIST_LIMIT = 20


def application_list(
    applications: Sequence[ApplicationProgress], now: datetime | None = None
) -> str:
    """`/interview list`: one line per application in progress, its rounds in order, given
    `now` its stage line as the Home tab shows it ("round 2 done · thank-you sent · follow-up
    due Wed") and the coach's next message ("Acme Corp (Data Analyst): round 1 done, round 2
    video call, …")."""
    if not applications:
        return "No interviews in progress. Log one with `/interview logged [company]`."
    lines = [f"*Your applications in progress ({len(applications)}):*"]
    for application in applications[:LIST_LIMIT]:
        several = len(application.rounds) > 1
        title = escape_mrkdwn(application.company)
        if application.role:
            title += f" ({escape_mrkdwn(application.role)})"
        line = f"• {title}: " + ", ".join(_round_phrase(r, several) for r in application.rounds)
        if now is not None and application.rounds:
            line += f" · _{escape_mrkdwn(application_stage(application, now))}_"
        active = [r for r in application.rounds if r.status is InterviewStatus.ACTIVE]
        upcoming = [n for n in (next_from_me(r) for r in active) if n]
        if upcoming:
            line += f" · next from me: {upcoming[0]}"
        lines.append(line)
    if len(applications) > LIST_LIMIT:
        lines.append(f"…and {len(applications) - LIST_LIMIT} more on the Home tab.")
    return "\n".join(lines)
