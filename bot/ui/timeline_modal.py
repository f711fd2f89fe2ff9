"""The "New timeline" modal: one date picker ("They said they'd decide by…"), prefilled with
the timeline saved so far; private_metadata carries the interview's id."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.rules.view_models import InterviewSummary
from bot.ui.messages import interview_title
from bot.ui.nudges.ids import parse_id
from bot.ui.text import day_label

CALLBACK_ID = "new_timeline"
BLOCK_ID = "timeline_block"
ACTION_ID = "value"


def build_timeline_modal(interview: InterviewSummary) -> dict[str, Any]:
    """The modal for the day the employer now says they will decide by."""
    saved = (
        f" So far: by {day_label(interview.employer_timeline)}."
        if interview.employer_timeline
        else ""
    )
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        private_metadata=str(interview.id),
        title=PlainTextObject(text="New timeline"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Your interview with {interview_title(interview)}.{saved} The "
                        "coach paces your follow-ups from the new day: the next one comes "
                        "the morning after it, never sooner than a week after the last."
                    )
                ]
            ),
            InputBlock(
                block_id=BLOCK_ID,
                label=PlainTextObject(text="They said they'd decide by…"),
                element=DatePickerElement(
                    action_id=ACTION_ID,
                    initial_date=interview.employer_timeline.isoformat()
                    if interview.employer_timeline
                    else None,
                ),
            ),
        ],
    ).to_dict()


def interview_id_of(view: dict[str, Any]) -> int | None:
    """The interview a submitted modal is about, from its private_metadata."""
    return parse_id(str(view.get("private_metadata") or ""))


def read_timeline(view: dict[str, Any]) -> date | None:
    """The day picked, or None when none (or none readable) was sent."""
    values = (view.get("state") or {}).get("values") or {}
    raw = (values.get(BLOCK_ID, {}).get(ACTION_ID) or {}).get("selected_date")
    try:
        return date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def block_errors(message: str) -> dict[str, str]:
    """A refusal as Slack's `response_action: errors` wants it."""
    return {BLOCK_ID: message}
