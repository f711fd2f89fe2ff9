"""The Draft button's modal: the message's drafts in editable inputs (subject, body), and,
once saved, the "Copy-ready" view with an "Open in email" link for each.

Everything the person typed, or that came from what they typed, goes out as plain_text or
rich text, which Slack never reads as mrkdwn: a `<!channel>` in a draft stays text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
    RichTextBlock,
    RichTextElementParts,
    RichTextPreformattedElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rules.draft_sheet import DraftEdit, DraftSheet, EditProblem, SheetDraft
from bot.rules.drafts import BODY_MAX, SUBJECT_MAX, TEAM
from bot.rules.mailto import mailto_link
from bot.ui.nudges import parse_id
from bot.ui.text import truncate

CALLBACK_ID = "drafts"
SUBJECT, BODY = "subject", "body"
_INPUT_ACTION = "text"
_BLOCK_PREFIX = "draft"
OPEN_IN_EMAIL = "Open in email"
OPEN_IN_EMAIL_ACTION = "draft_open_in_email"  # a link: Slack opens it, the bot only acks
# A plain_text field's room where Slack allows more: labels 2000, context elements 3000.
_LINE_MAX = 300
NOTHING_SENT = "Nothing is sent for you: copy a draft into your own email, or press Open in email."
TITLE = "Your drafts"  # a modal title holds 24 characters


def input_block_id(key: str, field: str) -> str:
    """The block_id of a draft's subject or body input: "draft:thank_you.0:body"."""
    return f"{_BLOCK_PREFIX}:{key}:{field}"


def _plain_line(text: str) -> ContextBlock:
    return ContextBlock(elements=[PlainTextObject(text=truncate(text, _LINE_MAX), emoji=False)])


def _to_line(draft: SheetDraft) -> str:
    what = "Card" if draft.subject is None else "Email"
    who = draft.recipient if draft.recipient != TEAM else "the team"
    return f"{what} to {who}" + (" · your edit" if draft.edited else "")


def _edit_blocks(draft: SheetDraft) -> list[Block]:
    blocks: list[Block] = [_plain_line(_to_line(draft))]
    if draft.subject is not None:
        blocks.append(
            InputBlock(
                block_id=input_block_id(draft.key, SUBJECT),
                label=PlainTextObject(text="Subject"),
                element=PlainTextInputElement(
                    action_id=_INPUT_ACTION,
                    max_length=SUBJECT_MAX,
                    initial_value=draft.subject[:SUBJECT_MAX] or None,
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=input_block_id(draft.key, BODY),
            label=PlainTextObject(text="Card text" if draft.subject is None else "Email"),
            element=PlainTextInputElement(
                action_id=_INPUT_ACTION,
                multiline=True,
                max_length=BODY_MAX,
                initial_value=draft.body[:BODY_MAX] or None,
            ),
        )
    )
    return blocks


def _call_script_blocks(script: str | None) -> list[Block]:
    if not script:
        return []
    return [
        DividerBlock(),
        _plain_line("If you reach them by phone (for reading, not sending):"),
        # plain_text: Slack shows the playbook's questions as written, up to 3000 characters.
        SectionBlock(text=PlainTextObject(text=truncate(script, 3000), emoji=False)),
    ]


def _intro(sheet: DraftSheet) -> list[Block]:
    lines = [f"Drafts for your interview with {sheet.title}. {NOTHING_SENT}"]
    if sheet.left_out:
        lines.append(f"{sheet.left_out} more interviewers named: write to them from one of these.")
    return [_plain_line(line) for line in lines]


def build_draft_modal(sheet: DraftSheet) -> dict[str, Any]:
    """The editable drafts; private_metadata carries the message's nudge id, nothing else."""
    blocks: list[Block] = _intro(sheet)
    for draft in sheet.drafts:
        blocks += [DividerBlock(), *_edit_blocks(draft)]
    blocks += _call_script_blocks(sheet.call_script)
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        private_metadata=str(sheet.nudge_id),
        title=PlainTextObject(text=TITLE),
        submit=PlainTextObject(text="Save") if sheet.drafts else None,
        close=PlainTextObject(text="Close"),
        blocks=blocks,
    ).to_dict()


def copy_text(draft: SheetDraft) -> str:
    """A draft as one block of text to copy: the subject line, a blank line, the body."""
    if draft.subject is None:
        return draft.body
    return f"Subject: {draft.subject}\n\n{draft.body}"


def _copy_blocks(draft: SheetDraft) -> list[Block]:
    blocks: list[Block] = [
        _plain_line(_to_line(draft)),
        # Rich text: its text elements are shown literally, never parsed as mrkdwn.
        RichTextBlock(
            elements=[
                RichTextPreformattedElement(
                    elements=[RichTextElementParts.Text(text=copy_text(draft))]
                )
            ]
        ),
    ]
    if draft.subject is not None:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=PlainTextObject(text=OPEN_IN_EMAIL),
                        action_id=f"{OPEN_IN_EMAIL_ACTION}:{draft.key}",
                        url=mailto_link(None, draft.subject, draft.body),
                    )
                ]
            )
        )
    return blocks


def build_copy_ready(sheet: DraftSheet) -> dict[str, Any]:
    """The saved drafts, each as a block to copy and (an email) an Open in email link."""
    blocks: list[Block] = [_plain_line(f"Saved. Copy-ready drafts for {sheet.title}.")]
    blocks.append(_plain_line(NOTHING_SENT + " Press Draft on the message to edit again."))
    for draft in sheet.drafts:
        blocks += [DividerBlock(), *_copy_blocks(draft)]
    blocks += _call_script_blocks(sheet.call_script)
    return View(
        type="modal",
        callback_id=f"{CALLBACK_ID}_copy_ready",
        private_metadata=str(sheet.nudge_id),
        title=PlainTextObject(text="Copy-ready"),
        close=PlainTextObject(text="Done"),
        blocks=blocks,
    ).to_dict()


def nudge_id_of(view: Mapping[str, Any]) -> int | None:
    """The message a submitted drafts modal belongs to, from its private_metadata."""
    return parse_id(str(view.get("private_metadata") or ""))


def read_edits(view: Mapping[str, Any]) -> dict[str, DraftEdit]:
    """The drafts as submitted, by key; a draft whose body input is missing is left out.

    Text is kept exactly as typed: it is the person's, and the modal prefilled it.
    """
    values = (view.get("state") or {}).get("values") or {}
    fields: dict[str, dict[str, str]] = {}
    for block_id, actions in values.items():
        prefix, _, rest = str(block_id).partition(":")
        key, _, field = rest.rpartition(":")
        if prefix != _BLOCK_PREFIX or field not in (SUBJECT, BODY) or not key:
            continue
        state = (actions or {}).get(_INPUT_ACTION) or {}
        fields.setdefault(key, {})[field] = str(state.get("value") or "")
    return {
        key: DraftEdit(subject=given.get(SUBJECT) if SUBJECT in given else None, body=given[BODY])
        for key, given in fields.items()
        if BODY in given
    }


def edit_errors(problem: EditProblem) -> dict[str, str]:
    """The modal's field error for an edit the coach refused."""
    return {input_block_id(problem.key, problem.field): problem.message}
