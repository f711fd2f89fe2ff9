"""The "Answer" modal: both reflection questions at once, prefilled with the answers so far."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.rules.domain import ANSWER_MAX, ReflectionQuestion
from bot.rules.playbook import Playbook
from bot.rules.view_models import NudgeView
from bot.ui.messages import interview_title
from bot.ui.nudges import parse_id

CALLBACK_ID = "reflection_answers"
ACTION_ID = "answer"
BLOCK_IDS: dict[ReflectionQuestion, str] = {
    ReflectionQuestion.SAID_WELL: "said_well_block",
    ReflectionQuestion.TO_CLARIFY: "to_clarify_block",
}
BOTH_EMPTY = "Write an answer to at least one of the questions."
TOO_LONG = f"Please keep each answer under {ANSWER_MAX} characters."


def build_reflection_modal(view: NudgeView, playbook: Playbook) -> dict[str, Any]:
    """The modal for one reflection prompt; private_metadata carries the prompt's nudge id."""
    blocks: list[Any] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Your interview with {interview_title(view.interview)}. "
                    "Leave a question empty to answer it later."
                )
            ]
        )
    ]
    for number, question in enumerate(ReflectionQuestion, start=1):
        current = view.answers.get(question) or ""
        blocks.append(
            InputBlock(
                block_id=BLOCK_IDS[question],
                label=PlainTextObject(text=f"{number}. {playbook.questions.reflection(question)}"),
                optional=True,
                element=PlainTextInputElement(
                    action_id=ACTION_ID,
                    multiline=True,
                    max_length=ANSWER_MAX,
                    # Slack refuses a prefill longer than the field takes.
                    initial_value=current[:ANSWER_MAX] or None,
                ),
            )
        )
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        private_metadata=str(view.nudge_id),
        title=PlainTextObject(text="How did it go?"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    ).to_dict()


def nudge_id_of(view: dict[str, Any]) -> int | None:
    """The reflection prompt a submitted modal answers, from its private_metadata."""
    return parse_id(str(view.get("private_metadata") or ""))


def read_answers(view: dict[str, Any]) -> dict[ReflectionQuestion, str]:
    """The answers written in a submitted modal, trimmed; an empty field is left out."""
    values = (view.get("state") or {}).get("values") or {}
    answers: dict[ReflectionQuestion, str] = {}
    for question, block_id in BLOCK_IDS.items():
        state = (values.get(block_id) or {}).get(ACTION_ID) or {}
        text = str(state.get("value") or "").strip()
        if text:
            answers[question] = text
    return answers
