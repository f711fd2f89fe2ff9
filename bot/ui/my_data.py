"""What the person sees of their data: the delete confirmation modal and the coach's answers
to `/interview export` and `/interview delete my data`."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rules.personal_export import CSV_FILENAME, JSON_FILENAME, DataCounts

DELETE_CALLBACK_ID = "delete_my_data"
KEEP_BLOCK = "keep_messages_block"
KEEP_ACTION = "value"
KEEP_VALUE = "keep"

EXPORT_STARTED = "Putting your data together; it will arrive in our DM in a moment."
EXPORT_READY = (
    f"Here is everything I hold about you: `{JSON_FILENAME}` (all of it; its shape is "
    f"described in the coach's docs/export.schema.json) and `{CSV_FILENAME}` (one row per "
    "interview, for a spreadsheet)."
)
EXPORT_FAILED = "I couldn't send your export ({error}). Please try again in a minute."
DELETE_FAILED = "I couldn't open the confirmation ({error}). Please try again."
DELETE_USAGE = "To delete everything I hold about you: `/interview delete my data`."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def what_goes(counts: DataCounts) -> str:
    """ "2 interviews, 3 reflection answers, 1 saved draft and 4 planned messages"."""
    parts = [
        _plural(counts.interviews, "interview"),
        _plural(counts.answers, "reflection answer"),
        _plural(counts.drafts, "saved draft"),
        _plural(counts.planned, "planned message"),
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def delete_modal(counts: DataCounts) -> dict[str, Any]:
    """The confirmation: what will go, and whether the coach's messages in Slack stay."""
    text = (
        f"*This deletes everything I hold about you:* {what_goes(counts)}, your settings "
        "and pause, and the record of what you pressed. Planned messages will not be sent. "
        "It cannot be undone.\n\nWant a copy first? Cancel and use `/interview export`."
    )
    keep = Option(value=KEEP_VALUE, text="Keep the coach's messages in Slack")
    return View(
        type="modal",
        callback_id=DELETE_CALLBACK_ID,
        title=PlainTextObject(text="Delete my data"),
        submit=PlainTextObject(text="Delete"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=text)),
            InputBlock(
                block_id=KEEP_BLOCK,
                label=PlainTextObject(text="My messages to you"),
                hint=PlainTextObject(
                    text="Unticked, I also delete every message I sent you in our DM."
                ),
                element=CheckboxesElement(action_id=KEEP_ACTION, options=[keep]),
                optional=True,
            ),
        ],
    ).to_dict()


def keeps_messages(view: dict[str, Any]) -> bool:
    """Whether the person ticked "Keep the coach's messages in Slack"."""
    state = (view.get("state") or {}).get("values") or {}
    chosen = ((state.get(KEEP_BLOCK) or {}).get(KEEP_ACTION) or {}).get("selected_options")
    return any(o.get("value") == KEEP_VALUE for o in chosen or [])


def deleted_text(
    counts: DataCounts, messages_deleted: int | None, failed: int = 0, files: int = 0
) -> str:
    """The coach's last word: what went. `messages_deleted` None: they kept the messages."""
    said = f"Done: I deleted everything I held about you ({what_goes(counts)})."
    if messages_deleted is None:
        slack = " My earlier messages here stay, as you asked."
    else:
        also = f" and {_plural(files, 'file')}" if files else ""
        slack = f" I also deleted {_plural(messages_deleted, 'message')}{also} I had sent you here."
        if failed:
            slack += f" Slack would not let me delete {failed} more."
    return (
        f"{said}{slack} I keep nothing about you now; this note is not stored anywhere, and "
        "if you use the coach again it starts afresh."
    )
