"""The question a top-level DM gets when it could answer the reflection prompts of several
interviews: "Which interview is this answer for?", one button per interview, and "Not an
answer"; and what the question becomes once answered.

A button carries the prompt's nudge id and where the person's message is (its ts, and its
thread's when it was a reply), never the text: the coach reads the message back from Slack
on the press (bot.listeners.answer_routing).
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.rules.labels import interview_label
from bot.rules.view_models import InterviewSummary, PromptChoice
from bot.ui.messages import Message, stored_for
from bot.ui.nudges.ids import parse_id
from bot.ui.text import truncate

# One action id per prompt (Slack wants them unique within a message): f"answer_for:{id}".
ANSWER_FOR_PREFIX = "answer_for:"
ANSWER_FOR = re.compile(r"^answer_for:\d+$")
NOT_AN_ANSWER = "answer_for_none"
BLOCK_ID = "answer_for"
# A Slack message ts: seconds, a dot, microseconds.
_TS = re.compile(r"^\d{1,12}\.\d{1,8}$")

WHICH_INTERVIEW = (
    "Which interview is this answer for? I have questions open for more than one. "
    "Pick one and I'll save it there."
)
WHICH_INTERVIEW_ONE = (
    "Is this an answer to my questions about {where}? Other messages came since I asked, "
    "so I'd rather check than guess."
)
NOT_SAVED = "Not saved as an answer. Reply to my questions' message when you want to answer."
MESSAGE_GONE = (
    "I can't find that message any more, so nothing was saved. Send your answer again and "
    "I'll ask where it goes."
)
NOT_YOUR_MESSAGE = "That message is someone else's, so I left it alone."
READ_FAILED = "I couldn't read your message from Slack just now. Please press it again in a minute."


def which_interview(
    choices: tuple[PromptChoice, ...], message_ts: str, thread_ts: str | None = None
) -> Message:
    """The question, with a button per interview (latest prompt first) and "Not an answer".
    `thread_ts`: the thread the person's message is a reply in (a grouped DM's)."""
    where = f"{message_ts}:{thread_ts}" if thread_ts else message_ts
    if len(choices) == 1:
        text = WHICH_INTERVIEW_ONE.format(where=stored_for(choices[0].interview))
    else:
        text = WHICH_INTERVIEW
    buttons = [
        ButtonElement(
            text=PlainTextObject(text=truncate(_label(choice.interview), 75)),
            action_id=f"{ANSWER_FOR_PREFIX}{choice.nudge_id}",
            value=f"{choice.nudge_id}:{where}",
        )
        for choice in choices
    ]
    buttons.append(
        ButtonElement(
            text=PlainTextObject(text="Not an answer"),
            action_id=NOT_AN_ANSWER,
            value=where,
        )
    )
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id=BLOCK_ID, elements=buttons),
    ]
    return "Which interview is this answer for?", [block.to_dict() for block in blocks]


def filed(interview: InterviewSummary) -> Message:
    """The question once answered: where the answer went, and no buttons left."""
    text = f"Saved for {stored_for(interview)}."
    return text, [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]


def not_saved() -> Message:
    """The question after "Not an answer": nothing stored, no buttons left."""
    return NOT_SAVED, [SectionBlock(text=MarkdownTextObject(text=NOT_SAVED)).to_dict()]


# Where the person's message is: its ts, and its thread's ts when it is a reply.
MessageRef = tuple[str, str | None]


def parse_answer_for(action: dict[str, Any]) -> tuple[int, MessageRef] | None:
    """The prompt's nudge id and the person's message a button names; None if forged."""
    nudge, _, rest = str(action.get("value") or "").partition(":")
    nudge_id, ref = parse_id(nudge), _ref(rest)
    if nudge_id is None or ref is None:
        return None
    return nudge_id, ref


def parse_not_an_answer(action: dict[str, Any]) -> MessageRef | None:
    """The person's message the "Not an answer" button names; None if forged."""
    return _ref(str(action.get("value") or ""))


def _ref(text: str) -> MessageRef | None:
    ts, _, thread_ts = text.partition(":")
    if not _TS.match(ts) or (thread_ts and not _TS.match(thread_ts)):
        return None
    return ts, thread_ts or None


def _label(interview: InterviewSummary) -> str:
    # plain_text: Slack shows it as typed, nothing to escape.
    return interview_label(interview.company, interview.role, interview.round_number)
