"""The message that follows "Heard back: next round": the round closed, the application
open, and a "Log round N" button that opens the log modal prefilled for it."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, PlainTextObject, SectionBlock

from bot.rules.view_models import InterviewSummary
from bot.ui.text import escape_mrkdwn

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
