"""The call questions behind "Show the call questions" on a follow-up after the first: a
read-only modal (nothing to submit), so the message itself stays short."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.rules.playbook import Playbook
from bot.ui.nudges.content import call_questions_text

CALLBACK_ID = "call_questions"
INTRO = "If you reach them by phone, ask:"


def build_call_questions_modal(playbook: Playbook) -> dict[str, Any]:
    """The playbook's call questions, bulleted, with only a Close button."""
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title="Call questions",
        close="Close",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"{INTRO}\n{call_questions_text(playbook)}"))
        ],
    ).to_dict()


def call_questions_reply(playbook: Playbook, error: str) -> str:
    """What the presser is told when the modal cannot open: the questions all the same."""
    return (
        f"I couldn't open them in a window (Slack said: {error}), so here they are. "
        f"{INTRO}\n{call_questions_text(playbook)}"
    )
