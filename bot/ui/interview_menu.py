"""Correcting an interview from Slack: the Home tab's menu on each interview (Edit, New
timeline, Delete), the list `/interview edit` answers with when several are in progress,
and the dialog that confirms a delete by naming the interview."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rules.view_models import InterviewSummary
from bot.rules.zones import known_zone
from bot.ui.messages import interview_title, next_from_me, plain_title
from bot.ui.nudges.ids import parse_id
from bot.ui.text import day_label, escape_mrkdwn, slack_date, truncate

# The Home tab's menu on each interview; its options' values are f"{item}:{interview id}".
MENU = "interview_menu"
EDIT, NEW_TIMELINE, DELETE = "edit", "timeline", "delete"
MENU_LABELS = {EDIT: "Edit", NEW_TIMELINE: "New timeline", DELETE: "Delete"}
# The button beside each interview in `/interview edit`'s list; its value is the id.
EDIT_BUTTON = "edit_interview_button"
DELETE_CALLBACK_ID = "delete_interview"
# The delete dialog's option to delete the whole application (offered with several rounds).
WHOLE_BLOCK, WHOLE_ACTION, WHOLE_VALUE = "delete_whole", "delete_whole_input", "application"
LISTED = 20


def interview_menu(interview: InterviewSummary) -> OverflowMenuElement:
    """The "⋯" menu beside an interview on the Home tab."""
    return OverflowMenuElement(
        action_id=MENU,
        options=[
            Option(value=f"{item}:{interview.id}", text=PlainTextObject(text=label))
            for item, label in MENU_LABELS.items()
        ],
    )


def read_menu(action: dict[str, Any]) -> tuple[str, int] | None:
    """(the item, the interview id) an overflow press chose; None if unreadable."""
    value = str((action.get("selected_option") or {}).get("value") or "")
    item, _, raw_id = value.partition(":")
    interview_id = parse_id(raw_id)
    if item not in MENU_LABELS or interview_id is None:
        return None
    return item, interview_id


def short_name(interview: InterviewSummary) -> str:
    """ "Acme — Data analyst (Tue 3 Dec)": company, role and local day, as typed (plain)."""
    day = interview.happened_at.astimezone(known_zone(interview.owner_tz))
    title = f"{interview.company} — {interview.role}" if interview.role else interview.company
    return f"{title} ({day:%a %-d %b})"


def delete_question(interview: InterviewSummary) -> str:
    """What the confirm dialog asks, naming the interview."""
    return f"Delete {short_name(interview)}?"


def application_name(company: str, role: str | None) -> str:
    """ "Acme Corp — Data analyst": an application as typed (plain)."""
    return f"{company} — {role}" if role else company


def whole_application_question(interview: InterviewSummary, rounds: int) -> str:
    """The delete dialog's option naming the whole application and its rounds."""
    return f"Delete {application_name(interview.company, interview.role)} and its {rounds} rounds?"


def build_delete_modal(interview: InterviewSummary, rounds: int = 1) -> dict[str, Any]:
    """The dialog confirming a delete; submitting it deletes. Plain text: a name is shown
    as typed and Slack never parses it. With several `rounds`, a box to tick deletes the
    whole application instead, named with its rounds."""
    whole: list[Any] = []
    if rounds > 1:
        whole.append(
            InputBlock(
                block_id=WHOLE_BLOCK,
                optional=True,
                # The label names it: up to 2,000 characters, where an option stops at 75.
                label=PlainTextObject(
                    text=truncate(whole_application_question(interview, rounds), 2000)
                ),
                element=CheckboxesElement(
                    action_id=WHOLE_ACTION,
                    options=[
                        Option(
                            value=WHOLE_VALUE,
                            text=PlainTextObject(text="Delete the whole application"),
                            # Slack allows 75 characters here.
                            description=PlainTextObject(
                                text="Every round, its notes and every message planned about it."
                            ),
                        )
                    ],
                ),
            )
        )
    return View(
        type="modal",
        callback_id=DELETE_CALLBACK_ID,
        private_metadata=str(interview.id),
        title=PlainTextObject(text="Delete interview"),
        submit=PlainTextObject(text="Delete"),
        close=PlainTextObject(text="Keep it"),
        blocks=[
            SectionBlock(text=PlainTextObject(text=truncate(delete_question(interview), 3000))),
            ContextBlock(
                elements=[
                    PlainTextObject(
                        text="Your notes on it (reflection answers, saved drafts), what you "
                        "recorded and every message still planned about it go too. This "
                        "can't be undone."
                    )
                ]
            ),
            *whole,
        ],
    ).to_dict()


def whole_application_chosen(view: dict[str, Any]) -> bool:
    """Whether the submitted delete dialog had "the whole application" ticked."""
    state = ((view.get("state") or {}).get("values") or {}).get(WHOLE_BLOCK) or {}
    chosen = (state.get(WHOLE_ACTION) or {}).get("selected_options") or []
    return any(isinstance(o, dict) and o.get("value") == WHOLE_VALUE for o in chosen)


def application_deleted_text(company: str, role: str | None, rounds: int) -> str:
    """The DM that confirms the delete of a whole application."""
    name = escape_mrkdwn(application_name(company, role))
    return (
        f"Deleted {name} and its {rounds} rounds, with their notes. Nothing more from me about it."
    )


def interview_id_of(view: dict[str, Any]) -> int | None:
    """The interview a submitted dialog is about, from its private_metadata."""
    return parse_id(str(view.get("private_metadata") or ""))


def deleted_text(interview: InterviewSummary) -> str:
    """The DM that confirms a delete."""
    return f"Deleted {interview_title(interview)}, with its notes. Nothing more from me about it."


def pick_to_edit(interviews: list[InterviewSummary]) -> tuple[str, list[dict[str, Any]]]:
    """`/interview edit`'s answer with several interviews in progress: each with Edit."""
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text="*Which interview do you want to edit?*"))
    ]
    for interview in interviews[:LISTED]:
        tz = known_zone(interview.owner_tz)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"{interview_title(interview)}\n{interview.format.label}, "
                    f"{slack_date(interview.happened_at, tz)}"
                ),
                accessory=ButtonElement(
                    text=PlainTextObject(text="Edit"),
                    action_id=EDIT_BUTTON,
                    value=str(interview.id),
                ),
            )
        )
    if len(interviews) > LISTED:
        more = len(interviews) - LISTED
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"…and {more} more: edit them from my Home tab.")]
            )
        )
    fallback = "Which interview do you want to edit? " + ", ".join(
        escape_mrkdwn(plain_title(i)) for i in interviews[:LISTED]
    )
    return truncate(fallback, 3000), [block.to_dict() for block in blocks]


def _next_line(interview: InterviewSummary) -> str:
    upcoming = next_from_me(interview)
    return f" Next from me: {upcoming}." if upcoming else " Nothing more is planned for it."


def edited_text(interview: InterviewSummary) -> str:
    """The DM that confirms a correction, with what the coach now sends next."""
    return f"Saved your changes to {interview_title(interview)}.{_next_line(interview)}"


def timeline_text(interview: InterviewSummary) -> str:
    """The DM that confirms a new timeline, with when the next follow-up comes."""
    day = interview.employer_timeline
    said = f"they'll decide by {day_label(day)}" if day else "no timeline"
    return f"New timeline for {interview_title(interview)}: {said}.{_next_line(interview)}"
