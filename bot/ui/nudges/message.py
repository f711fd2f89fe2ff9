"""A nudge's whole message: its content, the lines of what was recorded, its controls, and
its notification text.

Pure: a NudgeView in, (fallback text, blocks) out; a press re-renders the message from the
view the coach read back from the database, so no line depends on the message Slack sent
with the press.
"""

from __future__ import annotations

from bot.rules.domain import Choice, InterviewStatus
from bot.rules.playbook import Playbook
from bot.rules.view_models import NudgeView
from bot.ui.messages import Message
from bot.ui.nudges.content import content_blocks, context, fallback
from bot.ui.nudges.controls import controls_block, reopen_block
from bot.ui.nudges.recorded import (
    closed_line,
    closed_sentence,
    newest_recorded,
    plain,
    recorded_line,
)
from bot.ui.text import escape_mrkdwn


def render_nudge(view: NudgeView, playbook: Playbook) -> Message:
    """The nudge's DM: its advice, the interview it is about, what the person recorded on it,
    and the controls that still make sense (once the interview is closed, only Reopen on the
    message that closed it, for a day)."""
    blocks = content_blocks(view, playbook)
    closed = closed_line(view)
    lines = [recorded_line(done, view) for done in view.done] + ([closed] if closed else [])
    blocks += [context(line) for line in lines]
    if view.interview.status is InterviewStatus.ACTIVE:
        controls = controls_block(view, playbook)
    else:
        controls = reopen_block(view)  # closed: only Reopen, for a day
    if controls is not None:
        blocks.append(controls)
    text = fallback(view)
    if latest := closed or newest_recorded(view):
        text += f" {plain(latest)}"
    return escape_mrkdwn(text), [block.to_dict() for block in blocks]


def pressed_line(view: NudgeView, choice: Choice) -> str:
    """What a press of `choice` left on the message (mrkdwn), for telling the presser directly
    when the message itself cannot be updated."""
    done = next((d for d in view.done if d.choice is choice), None)
    if done is not None:
        return recorded_line(done, view)
    if view.interview.status is not InterviewStatus.ACTIVE:
        return closed_sentence(view)
    return escape_mrkdwn(fallback(view))
