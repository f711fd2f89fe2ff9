"""The "Edit interview" modal: the log modal's fields, prefilled with what was saved.

Its inputs keep the log modal's block and action ids, so a submission is read, and its
problems are shown, exactly as logging reads and shows them (bot.ui.log_modal).
private_metadata carries the interview's id.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.application_form import ApplicationExtras
from bot.rules.domain import (
    COMPANY_MAX,
    INTERVIEWERS_MAX,
    LINK_MAX,
    NOTE_MAX,
    PERSON_MAX,
    ROLE_MAX,
    InterviewFormat,
)
from bot.rules.interview_form import LENGTH_CHOICES_MINUTES, FieldErrors
from bot.rules.view_models import InterviewSummary
from bot.ui.log_modal import (
    ACTION_ID,
    BLOCK_IDS,
    DIRECT_OK,
    TRADITIONAL,
    length_label,
)
from bot.ui.messages import interview_title
from bot.ui.nudges.ids import parse_id

CALLBACK_ID = "edit_interview"
# The application's own fields (every round shares them): not the log modal's, so their own ids.
EXTRA_BLOCK_IDS = {"link": "application_link", "note": "application_note"}


def _text(field: str, label: str, limit: int, value: str | None, *, optional: bool) -> InputBlock:
    return InputBlock(
        block_id=BLOCK_IDS[field],
        label=PlainTextObject(text=label),
        optional=optional,
        element=PlainTextInputElement(
            # A value stored before a limit shrank is cut rather than refused by Slack.
            action_id=ACTION_ID,
            max_length=limit,
            initial_value=value[:limit] if value else None,
        ),
    )


def _option(value: str, label: str, description: str | None = None) -> Option:
    return Option(
        value=value,
        text=PlainTextObject(text=label),
        description=PlainTextObject(text=description) if description else None,
    )


def build_edit_modal(
    interview: InterviewSummary, extras: ApplicationExtras | None = None
) -> dict[str, Any]:
    """The modal correcting `interview`, every field prefilled with what was saved; with
    `extras`, its application's link and note too (they belong to every round)."""
    formats = [_option(kind.value, kind.label) for kind in InterviewFormat]
    lengths = {m: _option(str(m), length_label(m)) for m in LENGTH_CHOICES_MINUTES}
    flags = {
        TRADITIONAL: _option(
            TRADITIONAL,
            "A more traditional organization",
            "Banks, law firms, government…: a mailed card helps",
        ),
        DIRECT_OK: _option(DIRECT_OK, "They said I may follow up with the hiring manager directly"),
    }
    chosen_flags = [
        flags[key]
        for key, on in (
            (TRADITIONAL, interview.traditional_org),
            (DIRECT_OK, interview.direct_contact_ok),
        )
        if on
    ]
    blocks: list[Any] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Correct anything about {interview_title(interview)}. The coach "
                    "re-plans what is still to come at once; what was sent stays sent."
                )
            ]
        ),
        _text("company", "Company", COMPANY_MAX, interview.company, optional=False),
        _text("role", "Role", ROLE_MAX, interview.role, optional=True),
        InputBlock(
            block_id=BLOCK_IDS["happened_at"],
            label=PlainTextObject(text="When was it?"),
            element=DateTimePickerElement(
                action_id=ACTION_ID, initial_date_time=int(interview.happened_at.timestamp())
            ),
        ),
        InputBlock(
            block_id=BLOCK_IDS["length_minutes"],
            label=PlainTextObject(text="How long?"),
            optional=True,
            element=StaticSelectElement(
                action_id=ACTION_ID,
                options=list(lengths.values()),
                initial_option=lengths.get(interview.duration_minutes),
            ),
        ),
        InputBlock(
            block_id=BLOCK_IDS["format"],
            label=PlainTextObject(text="Format"),
            element=StaticSelectElement(
                action_id=ACTION_ID,
                options=formats,
                initial_option=next(o for o in formats if o.value == interview.format.value),
            ),
        ),
        InputBlock(
            block_id=BLOCK_IDS["flags"],
            label=PlainTextObject(text="Good to know"),
            optional=True,
            element=CheckboxesElement(
                action_id=ACTION_ID,
                options=list(flags.values()),
                initial_options=chosen_flags or None,
            ),
        ),
        _text(
            "interviewers",
            "Interviewer(s)",
            INTERVIEWERS_MAX,
            interview.interviewers,
            optional=True,
        ),
        _text(
            "hiring_manager", "Hiring manager", PERSON_MAX, interview.hiring_manager, optional=True
        ),
        InputBlock(
            block_id=BLOCK_IDS["employer_timeline"],
            label=PlainTextObject(text="When did they say you'd hear back?"),
            optional=True,
            hint=PlainTextObject(text="Leave empty if they gave no timeline."),
            element=DatePickerElement(
                action_id=ACTION_ID,
                initial_date=interview.employer_timeline.isoformat()
                if interview.employer_timeline
                else None,
            ),
        ),
    ]
    if extras is not None:
        blocks.extend(_extra_blocks(extras))
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        private_metadata=str(interview.id),
        title=PlainTextObject(text="Edit interview"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    ).to_dict()


def interview_id_of(view: dict[str, Any]) -> int | None:
    """The interview a submitted correction is about, from its private_metadata."""
    return parse_id(str(view.get("private_metadata") or ""))


def _extra_blocks(extras: ApplicationExtras) -> list[Any]:
    def text(field: str, label: str, limit: int, value: str | None, **more: Any) -> InputBlock:
        return InputBlock(
            block_id=EXTRA_BLOCK_IDS[field],
            label=PlainTextObject(text=label),
            optional=True,
            element=PlainTextInputElement(
                action_id=ACTION_ID,
                max_length=limit,
                initial_value=value[:limit] if value else None,
                **more,
            ),
        )

    return [
        ContextBlock(
            elements=[MarkdownTextObject(text="*The application* (the same for every round)")]
        ),
        text("link", "Link to the job posting", LINK_MAX, extras.link),
        text("note", "Note", NOTE_MAX, extras.note, multiline=True),
    ]


def read_extras(view: dict[str, Any]) -> tuple[object, object] | None:
    """The link and note as typed; None when the modal had no such fields (opened before
    they existed), so nothing about them changes."""
    state = (view.get("state") or {}).get("values") or {}
    if not any(block_id in state for block_id in EXTRA_BLOCK_IDS.values()):
        return None
    link, note = (
        (state.get(EXTRA_BLOCK_IDS[field]) or {}).get(ACTION_ID) or {} for field in ("link", "note")
    )
    return link.get("value"), note.get("value")


def extra_block_errors(errors: FieldErrors) -> dict[str, str]:
    """The link's and note's problems keyed by their blocks, for `response_action: errors`."""
    return {EXTRA_BLOCK_IDS[field]: message for field, message in errors.items()}
