"""The "Log an interview" modal: building it, and reading a submission back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
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
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.applications import (
    NEW_APPLICATION,
    ApplicationChoice,
    RoundPrefill,
    parse_application_choice,
)
from bot.rules.domain import COMPANY_MAX, INTERVIEWERS_MAX, PERSON_MAX, ROLE_MAX, InterviewFormat
from bot.rules.interview_form import (
    DEFAULT_LENGTH_MINUTES,
    LENGTH_CHOICES_MINUTES,
    FieldErrors,
    InterviewForm,
)

CALLBACK_ID = "log_interview"

# One input block per field; the ids tie a field error back to the right input.
BLOCK_IDS: dict[str, str] = {
    "company": "company_block",
    "role": "role_block",
    "happened_at": "happened_at_block",
    "length_minutes": "length_block",
    "format": "format_block",
    "flags": "flags_block",
    "interviewers": "interviewers_block",
    "hiring_manager": "hiring_manager_block",
    "employer_timeline": "timeline_block",
    "application": "application_block",
}
ACTION_ID = "value"
TRADITIONAL = "traditional"
DIRECT_OK = "direct_contact_ok"


def _text_input(
    field: str,
    label: str,
    limit: int,
    *,
    optional: bool,
    initial: str | None = None,
    hint: str = "",
) -> InputBlock:
    return InputBlock(
        block_id=BLOCK_IDS[field],
        label=PlainTextObject(text=label),
        optional=optional,
        hint=PlainTextObject(text=hint) if hint else None,
        element=PlainTextInputElement(
            action_id=ACTION_ID, max_length=limit, initial_value=initial or None
        ),
    )


def length_label(minutes: int) -> str:
    """ "45 min", "1 h", "1.5 h": how the form names an interview's length."""
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes / 60:g} h"


def _length_option(minutes: int) -> Option:
    return Option(value=str(minutes), text=PlainTextObject(text=length_label(minutes)))


def _application_block(choices: Sequence[ApplicationChoice]) -> InputBlock:
    """ "Add round 2 to Acme — Data analyst" or a new application: the newest first, chosen."""
    options = [
        Option(value=str(c.application_id), text=PlainTextObject(text=c.label[:75]))
        for c in choices
    ]
    options.append(
        Option(value=NEW_APPLICATION, text=PlainTextObject(text="Start a new application"))
    )
    return InputBlock(
        block_id=BLOCK_IDS["application"],
        label=PlainTextObject(text="Which application?"),
        hint=PlainTextObject(
            text="A new round ends the earlier rounds' reminders; its own advice starts afresh."
        ),
        element=RadioButtonsElement(
            action_id=ACTION_ID, options=options, initial_option=options[0]
        ),
    )


def build_log_modal(
    *,
    now: datetime,
    company: str | None = None,
    choices: Sequence[ApplicationChoice] = (),
    prefill: RoundPrefill | None = None,
) -> dict[str, Any]:
    """The modal `/interview logged [company]` opens; `now` seeds the date-time picker.

    `choices`: the person's open applications at that company, offered to add a round to.
    `prefill`: the next round of one application ("Log round 2"), filled from it and bound
    to it (the view's private_metadata names it).
    """
    role = interviewers = hiring_manager = None
    if prefill is not None:
        company, role = prefill.company, prefill.role
        interviewers, hiring_manager = prefill.interviewers, prefill.hiring_manager
        choices = ()
    format_options = [
        Option(value=kind.value, text=PlainTextObject(text=kind.label)) for kind in InterviewFormat
    ]
    flag_options = [
        Option(
            value=TRADITIONAL,
            text=PlainTextObject(text="A more traditional organization"),
            description=PlainTextObject(text="Banks, law firms, government…: a mailed card helps"),
        ),
        Option(
            value=DIRECT_OK,
            text=PlainTextObject(text="They said I may follow up with the hiring manager directly"),
        ),
    ]
    intro = (
        "Just out of the interview? Note the basics here, then step outside "
        "and walk a few blocks before you go over it: distance first, analysis after."
    )
    if prefill is not None:
        intro = (
            f"Round {prefill.next_round}: log it now, even ahead of time (up to 60 days). "
            "The earlier rounds' reminders stop; this round's advice starts after it."
        )
    blocks = [
        ContextBlock(elements=[MarkdownTextObject(text=intro)]),
        *([_application_block(choices)] if choices else []),
        _text_input("company", "Company", COMPANY_MAX, optional=False, initial=company),
        _text_input("role", "Role", ROLE_MAX, optional=True, initial=role),
        InputBlock(
            block_id=BLOCK_IDS["happened_at"],
            label=PlainTextObject(text="When was it?"),
            hint=PlainTextObject(text="Or when it will be: up to 60 days ahead."),
            element=DateTimePickerElement(
                action_id=ACTION_ID, initial_date_time=int(now.timestamp())
            ),
        ),
        InputBlock(
            block_id=BLOCK_IDS["length_minutes"],
            label=PlainTextObject(text="How long?"),
            optional=True,
            hint=PlainTextObject(text="The coach waits for its end. One hour if left empty."),
            element=StaticSelectElement(
                action_id=ACTION_ID,
                placeholder=PlainTextObject(text=length_label(DEFAULT_LENGTH_MINUTES)),
                options=[_length_option(m) for m in LENGTH_CHOICES_MINUTES],
            ),
        ),
        InputBlock(
            block_id=BLOCK_IDS["format"],
            label=PlainTextObject(text="Format"),
            element=StaticSelectElement(
                action_id=ACTION_ID,
                placeholder=PlainTextObject(text="Phone, video or in person?"),
                options=format_options,
            ),
        ),
        InputBlock(
            block_id=BLOCK_IDS["flags"],
            label=PlainTextObject(text="Good to know"),
            optional=True,
            element=CheckboxesElement(action_id=ACTION_ID, options=flag_options),
        ),
        _text_input(
            "interviewers",
            "Interviewer(s)",
            INTERVIEWERS_MAX,
            optional=True,
            initial=interviewers,
            hint="Names for your thank-you notes",
        ),
        _text_input(
            "hiring_manager", "Hiring manager", PERSON_MAX, optional=True, initial=hiring_manager
        ),
        InputBlock(
            block_id=BLOCK_IDS["employer_timeline"],
            label=PlainTextObject(text="When did they say you'd hear back?"),
            optional=True,
            hint=PlainTextObject(text="Leave empty if they gave no timeline."),
            element=DatePickerElement(action_id=ACTION_ID),
        ),
    ]
    view = View(
        type="modal",
        callback_id=CALLBACK_ID,
        private_metadata=_metadata(prefill, choices),
        title=PlainTextObject(
            text=f"Log round {prefill.next_round}" if prefill else "Log an interview"
        ),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )
    return view.to_dict()


def _metadata(prefill: RoundPrefill | None, choices: Sequence[ApplicationChoice]) -> str | None:
    """The application the form is bound to and the round it offers; or the round each
    offered application would get: a submission checks it still is (`expected_round_of`)."""
    if prefill is not None:
        return json.dumps({"application_id": prefill.application_id, "round": prefill.next_round})
    if choices:
        return json.dumps({"rounds": {str(c.application_id): c.next_round for c in choices}})
    return None


def _bound(view: dict[str, Any]) -> dict[str, Any]:
    try:
        bound = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return bound if isinstance(bound, dict) else {}


def _value(state: dict[str, Any], field: str) -> dict[str, Any]:
    return state.get(BLOCK_IDS[field], {}).get(ACTION_ID) or {}


def _parse_date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def _parse_epoch(raw: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(raw), UTC) if raw not in (None, "") else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def read_submission(view: dict[str, Any]) -> InterviewForm:
    """The form as typed; tolerant of missing or odd values, which validation then names."""
    state = (view.get("state") or {}).get("values") or {}
    selected_format = _value(state, "format").get("selected_option") or {}
    selected_length = _value(state, "length_minutes").get("selected_option") or {}
    flags = {o.get("value") for o in _value(state, "flags").get("selected_options") or []}
    raw_timeline = _value(state, "employer_timeline").get("selected_date")
    timeline = _parse_date(raw_timeline)
    return InterviewForm(
        company=_value(state, "company").get("value"),
        role=_value(state, "role").get("value"),
        happened_at=_parse_epoch(_value(state, "happened_at").get("selected_date_time")),
        format=selected_format.get("value"),
        traditional_org=TRADITIONAL in flags,
        interviewers=_value(state, "interviewers").get("value"),
        hiring_manager=_value(state, "hiring_manager").get("value"),
        employer_timeline=timeline,
        direct_contact_ok=DIRECT_OK in flags,
        employer_timeline_unreadable=raw_timeline not in (None, "") and timeline is None,
        length_minutes=selected_length.get("value"),
    )


def application_of(view: dict[str, Any]) -> int | None:
    """The application a submission adds a round to: the one the modal was bound to ("Log
    round 2"), else the one chosen in it; None for a new application. Forged or stale values
    are checked again by the use case (the person's own, open application only)."""
    bound = _bound(view)
    if "application_id" in bound:
        return parse_application_choice(str(bound["application_id"]))
    state = (view.get("state") or {}).get("values") or {}
    selected = _value(state, "application").get("selected_option") or {}
    return parse_application_choice(selected.get("value"))


def expected_round_of(view: dict[str, Any], application_id: int | None) -> int | None:
    """The round the form offered for `application_id` ("Log round 2", or the choice "Add
    round 2 to…"), or None where it offered none (or a forged value)."""
    if application_id is None:
        return None
    bound = _bound(view)
    if "application_id" in bound:
        raw = bound.get("round")
    else:
        rounds = bound.get("rounds")
        raw = rounds.get(str(application_id)) if isinstance(rounds, dict) else None
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 1000 else None


def block_errors(errors: FieldErrors) -> dict[str, str]:
    """Field errors keyed the way Slack's `response_action: errors` wants them."""
    return {BLOCK_IDS[field]: message for field, message in errors.items()}
