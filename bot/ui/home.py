"""The App Home tab: what the coach does and the person's interviews in progress."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rules.view_models import InterviewSummary
from bot.ui.messages import interview_facts, plain_title
from bot.ui.text import truncate

OPEN_LOG_MODAL = "open_log_modal"
# A Home view holds 100 blocks: two per interview, plus the header and footer.
MAX_LISTED = 40

ADVICE = (
    "*After an interview:*\n"
    "1. Get some distance: walk a few blocks, away from the building.\n"
    "2. Then analyze how you did, detail by detail.\n"
    "3. Send a thank-you note by the right channel.\n"
    "4. Pace your follow-ups: enthusiastic, never annoying."
)


def home_view(interviews: list[InterviewSummary]) -> dict[str, Any]:
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
        DividerBlock(),
    ]
    if not interviews:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="_No interviews in progress yet._"))
        )
    for interview in interviews[:MAX_LISTED]:
        # A plain-text header: a `*` or `_` in a company name can't upset mrkdwn emphasis.
        blocks.append(HeaderBlock(text=PlainTextObject(text=truncate(plain_title(interview), 150))))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=interview_facts(interview))))
    if len(interviews) > MAX_LISTED:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"…and {len(interviews) - MAX_LISTED} older ones.")
                ]
            )
        )
    return View(type="home", blocks=blocks).to_dict()
