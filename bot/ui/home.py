"""The App Home tab: what the coach does and the person's interviews in progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rules.view_models import InterviewSummary
from bot.ui.interview_menu import interview_menu
from bot.ui.messages import interview_facts, plain_title
from bot.ui.outcomes import closed_today_blocks
from bot.ui.text import escape_mrkdwn, slack_day, truncate

OPEN_LOG_MODAL = "open_log_modal"
OPEN_SETTINGS = "open_settings"
PAUSE_UNTIL = "pause_until"
RESUME = "resume"
# The person's data (bot.listeners.my_data): a copy in their DM, or the delete confirmation.
EXPORT_MY_DATA = "export_my_data"
DELETE_MY_DATA = "delete_my_data"
# A Home view holds 100 blocks: two per interview, plus the header, pause and footer.
MAX_LISTED = 40
# Closed less than a day ago, with Reopen; a few keep the view within its 100 blocks.
MAX_CLOSED_LISTED = 5

ADVICE = (
    "*After an interview:*\n"
    "1. Get some distance: walk a few blocks, away from the building.\n"
    "2. Then analyze how you did, detail by detail.\n"
    "3. Send a thank-you note by the right channel.\n"
    "4. Pace your follow-ups: enthusiastic, never annoying."
)


@dataclass(frozen=True)
class PauseShown:
    """The person's pause as the Home tab shows it."""

    paused: bool
    until: datetime | None  # None: until they resume
    tz: ZoneInfo


def _rhythm_blocks(pause: PauseShown | None, notice: str | None) -> list[Any]:
    """ "Paused until Mon 4 Jan" with Resume, or a date picker to pause; and Settings."""
    blocks: list[Any] = []
    if pause is not None and pause.paused:
        when = "until you resume"
        if pause.until is not None:
            when = f"until {slack_day(pause.until, pause.tz)}"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"*Paused {when}.* Nothing from me till then.")
            )
        )
        controls: list[Any] = [
            ButtonElement(text=PlainTextObject(text="Resume"), action_id=RESUME, style="primary")
        ]
    else:
        controls = [
            DatePickerElement(
                action_id=PAUSE_UNTIL, placeholder=PlainTextObject(text="Pause until…")
            )
        ]
    controls.append(ButtonElement(text=PlainTextObject(text="Settings"), action_id=OPEN_SETTINGS))
    controls.append(
        ButtonElement(text=PlainTextObject(text="Export my data"), action_id=EXPORT_MY_DATA)
    )
    controls.append(
        ButtonElement(text=PlainTextObject(text="Delete my data"), action_id=DELETE_MY_DATA)
    )
    blocks.append(ActionsBlock(elements=controls))
    if notice:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=escape_mrkdwn(notice))]))
    return blocks


def home_view(
    interviews: list[InterviewSummary],
    *,
    pause: PauseShown | None = None,
    notice: str | None = None,
    closed: list[InterviewSummary] | None = None,
) -> dict[str, Any]:
    """The Home tab: the advice, the log button, the person's pause and settings, and their
    interviews in progress, and those `closed` less than a day ago (with Reopen); `notice`
    answers a pause date that could not be used, or a Reopen."""
    blocks: list[Any] = [
        HeaderBlock(text=PlainTextObject(text="Interview Coach")),
        SectionBlock(text=MarkdownTextObject(text=ADVICE)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=PlainTextObject(text="Log an interview"),
                    action_id=OPEN_LOG_MODAL,
                    style="primary",
                )
            ]
        ),
        *_rhythm_blocks(pause, notice),
        DividerBlock(),
    ]
    if not interviews:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="_No interviews in progress yet._"))
        )
    for interview in interviews[:MAX_LISTED]:
        # A plain-text header: a `*` or `_` in a company name can't upset mrkdwn emphasis.
        blocks.append(HeaderBlock(text=PlainTextObject(text=truncate(plain_title(interview), 150))))
        # Its menu: Edit, New timeline, Delete (bot.listeners.corrections).
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=interview_facts(interview)),
                accessory=interview_menu(interview),
            )
        )
    blocks.extend(closed_today_blocks((closed or [])[:MAX_CLOSED_LISTED]))
    if len(interviews) > MAX_LISTED:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"…and {len(interviews) - MAX_LISTED} older ones.")
                ]
            )
        )
    return View(type="home", blocks=blocks).to_dict()
