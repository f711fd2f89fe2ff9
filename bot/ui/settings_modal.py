"""The "Your rhythm" settings modal: waking hours, working days, whose public holidays to
skip, and the hour follow-ups come at. Building it, and reading a submission back."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.person_settings import FROM_ZONE, Field, PersonSettings, SettingsForm
from bot.rules.retention import RetentionPolicy

CALLBACK_ID = "person_settings"
RETENTION_BLOCK = "notes_retention"
ACTION_ID = "value"
BLOCK_IDS: dict[Field, str] = {field: f"{field.value}_block" for field in Field}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _hour_options(hours: range) -> list[Option]:
    return [Option(value=str(h), text=f"{h:02d}:00") for h in hours]


def _select(field: Field, label: str, options: list[Option], initial: str | None) -> InputBlock:
    chosen = next((o for o in options if o.value == initial), None)
    return InputBlock(
        block_id=BLOCK_IDS[field],
        label=PlainTextObject(text=label),
        element=StaticSelectElement(action_id=ACTION_ID, options=options, initial_option=chosen),
    )


def settings_modal(
    current: PersonSettings,
    zone_country: str | None,
    retention: RetentionPolicy | None = None,
) -> dict[str, Any]:
    """The modal, filled in with the person's settings as they stand, and how long their
    notes are kept (NOTES_RETENTION_DAYS)."""
    days = [Option(value=str(d), text=name) for d, name in enumerate(DAY_NAMES)]
    chosen_days = [o for o in days if int(str(o.value)) in current.working_days]
    country = current.holiday_country or FROM_ZONE
    from_zone = f"{zone_country} from your time zone" if zone_country else "none for your zone"
    follow_up = [Option(value="playbook", text="The coach's usual hour"), *_hour_options(range(24))]
    blocks = [
        _select(
            Field.WAKING_START,
            "My day starts at",
            _hour_options(range(24)),
            str(current.waking_start_hour),
        ),
        _select(
            Field.WAKING_END,
            "My day ends at",
            [Option(value=str(h), text=f"{h:02d}:00") for h in range(1, 25)],
            str(current.waking_end_hour),
        ),
        InputBlock(
            block_id=BLOCK_IDS[Field.WORKING_DAYS],
            label=PlainTextObject(text="I work on"),
            element=CheckboxesElement(
                action_id=ACTION_ID, options=days, initial_options=chosen_days or None
            ),
            optional=True,  # the coach names an empty choice itself, under the field
        ),
        InputBlock(
            block_id=BLOCK_IDS[Field.HOLIDAYS],
            label=PlainTextObject(text="Skip the public holidays of"),
            hint=PlainTextObject(
                text=f"A country code like US, IL or JP; auto ({from_zone}); or none."
            ),
            element=PlainTextInputElement(action_id=ACTION_ID, initial_value=country, max_length=8),
        ),
        _select(
            Field.FOLLOW_UP_HOUR,
            "Follow-ups come at",
            follow_up,
            "playbook" if current.follow_up_hour is None else str(current.follow_up_hour),
        ),
        ContextBlock(
            block_id=RETENTION_BLOCK,
            elements=[MarkdownTextObject(text=(retention or RetentionPolicy()).notes_text())],
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=PlainTextObject(text="Your rhythm"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    ).to_dict()


def _value(state: dict[str, Any], field: Field) -> dict[str, Any]:
    return (state.get(BLOCK_IDS[field]) or {}).get(ACTION_ID) or {}


def _selected(state: dict[str, Any], field: Field) -> str | None:
    option = _value(state, field).get("selected_option") or {}
    value = option.get("value")
    return str(value) if value is not None else None


def read_submission(view: dict[str, Any]) -> SettingsForm:
    """The form as sent; tolerant of missing or odd values, which validation then names."""
    state = (view.get("state") or {}).get("values") or {}
    follow_up = _selected(state, Field.FOLLOW_UP_HOUR)
    days = _value(state, Field.WORKING_DAYS).get("selected_options") or []
    return SettingsForm(
        waking_start=_selected(state, Field.WAKING_START),
        waking_end=_selected(state, Field.WAKING_END),
        working_days=tuple(str(o.get("value")) for o in days),
        holidays=_value(state, Field.HOLIDAYS).get("value"),
        follow_up_hour=None if follow_up in (None, "playbook") else follow_up,
    )


def block_errors(errors: dict[Field, str]) -> dict[str, str]:
    """Field errors keyed the way Slack's `response_action: errors` wants them."""
    return {BLOCK_IDS[field]: message for field, message in errors.items()}
