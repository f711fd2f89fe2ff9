"""The "Change its time" modal of the evening-before reminder: one date-time picker,
prefilled with the interview's time; private_metadata carries the interview's id."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.rules.view_models import InterviewSummary
from bot.ui.messages import interview_title
from bot.ui.nudges.ids import parse_id

CALLBACK_ID = "change_interview_time"
BLOCK_ID = "starts_at_block"
ACTION_ID = "value"


def build_change_time_modal(interview: InterviewSummary) -> dict[str, Any]:
    """The modal for moving one interview; Slack shows the picker in the reader's zone."""
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        private_metadata=str(interview.id),
        title=PlainTextObject(text="Change its time"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Your interview with {interview_title(interview)}. The coach "
                        "re-plans its messages at once."
                    )
                ]
            ),
            InputBlock(
                block_id=BLOCK_ID,
                label=PlainTextObject(text="When does it start?"),
                element=DateTimePickerElement(
                    action_id=ACTION_ID, initial_date_time=int(interview.happened_at.timestamp())
                ),
            ),
        ],
    ).to_dict()


def interview_id_of(view: dict[str, Any]) -> int | None:
    """The interview a submitted modal moves, from its private_metadata."""
    return parse_id(str(view.get("private_metadata") or ""))


def read_new_time(view: dict[str, Any]) -> datetime | None:
    """The time picked, or None when none (or none readable) was sent."""
    values = (view.get("state") or {}).get("values") or {}
    raw = (values.get(BLOCK_ID, {}).get(ACTION_ID) or {}).get("selected_date_time")
    try:
        return datetime.fromtimestamp(int(raw), UTC) if raw not in (None, "") else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def block_errors(message: str) -> dict[str, str]:
    """A refusal as Slack's `response_action: errors` wants it."""
    return {BLOCK_ID: message}
