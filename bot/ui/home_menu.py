"""The Home tab's menu on each application ("Manage…") (Edit, Add a round, New timeline, Heard back,
Withdraw, Delete), its paging and "Show closed" buttons, and the two dialogs the menu opens
itself: Heard back (which outcome) and Withdraw (a confirm naming the application)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    Option,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.applications import ApplicationProgress
from bot.rules.domain import Outcome
from bot.rules.view_models import HEARD_BACK_OUTCOMES, InterviewSummary
from bot.ui.nudges.ids import parse_id
from bot.ui.nudges.recorded import OUTCOME_WORDS
from bot.ui.text import truncate

# The menu's options' values are f"{item}:{application id}:{latest round's interview id}":
# the round the person saw is the one acted on, even if another was logged since.
APPLICATION_MENU = "application_menu"
EDIT, ADD_ROUND, NEW_TIMELINE, HEARD_BACK, WITHDRAW, DELETE = (
    "edit",
    "round",
    "timeline",
    "heard",
    "withdraw",
    "delete",
)
MENU_LABELS = {
    EDIT: "Edit",
    ADD_ROUND: "Add a round",
    NEW_TIMELINE: "New timeline",
    HEARD_BACK: "Heard back",
    WITHDRAW: "Withdraw",
    DELETE: "Delete",
}
# The buttons that republish the Home tab: their value is f"{page}:{1 if closed shown}".
HOME_PAGE = "home_page"
SHOW_CLOSED = "home_show_closed"

HEARD_BACK_CALLBACK_ID = "home_heard_back"
WITHDRAW_CALLBACK_ID = "home_withdraw"
OUTCOME_BLOCK = "outcome"
OUTCOME_ACTION = "outcome_choice"
HEARD_BACK_LABELS = {
    Outcome.OFFER: "An offer",
    Outcome.NEXT_ROUND: "A next round",
    Outcome.REJECTED: "Rejected",
    Outcome.WITHDREW: "I withdrew",
}


def application_title(company: str, role: str | None) -> str:
    """ "Acme Corp — Data analyst", as typed (plain text)."""
    return f"{company} — {role}" if role else company


def application_menu(application: ApplicationProgress) -> StaticSelectElement:
    """The one menu beside an application (Slack allows one accessory per section). A select
    menu, "Manage…": an overflow menu ("⋯") holds at most five options, and it has six."""
    latest = application.rounds[-1].id
    return StaticSelectElement(
        action_id=APPLICATION_MENU,
        placeholder=PlainTextObject(text="Manage…"),
        options=[
            Option(
                value=f"{item}:{application.application_id}:{latest}",
                text=PlainTextObject(text=label),
            )
            for item, label in MENU_LABELS.items()
        ],
    )


@dataclass(frozen=True)
class MenuChoice:
    """What an application menu press chose."""

    item: str
    application_id: int
    interview_id: int


def read_application_menu(action: dict[str, Any]) -> MenuChoice | None:
    """The item, application and round an overflow press chose; None if unreadable."""
    value = str((action.get("selected_option") or {}).get("value") or "")
    parts = value.split(":")
    if len(parts) != 3 or parts[0] not in MENU_LABELS:
        return None
    application_id, interview_id = parse_id(parts[1]), parse_id(parts[2])
    if application_id is None or interview_id is None:
        return None
    return MenuChoice(parts[0], application_id, interview_id)


def page_value(page: int, show_closed: bool) -> str:
    return f"{page}:{1 if show_closed else 0}"


def read_page(action: dict[str, Any]) -> tuple[int, bool]:
    """(page, closed shown) from a paging or Show closed press; (0, False) if unreadable."""
    page, _, closed = str(action.get("value") or "").partition(":")
    number = int(page) if page.isascii() and page.isdigit() and len(page) < 4 else 0
    return number, closed == "1"


def _name(interview: InterviewSummary) -> str:
    title = application_title(interview.company, interview.role)
    return f"{title} (round {interview.round_number})"


def build_heard_back_modal(interview: InterviewSummary) -> dict[str, Any]:
    """Heard back: which outcome; submitting is the confirm (Cancel changes nothing)."""
    return View(
        type="modal",
        callback_id=HEARD_BACK_CALLBACK_ID,
        private_metadata=str(interview.id),
        title=PlainTextObject(text="Heard back"),
        submit=PlainTextObject(text="Record it"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id=OUTCOME_BLOCK,
                label=PlainTextObject(text=truncate(f"What did {_name(interview)} say?", 2000)),
                element=RadioButtonsElement(
                    action_id=OUTCOME_ACTION,
                    options=[
                        Option(value=o.value, text=PlainTextObject(text=HEARD_BACK_LABELS[o]))
                        for o in HEARD_BACK_OUTCOMES
                    ],
                ),
            ),
            ContextBlock(
                elements=[
                    PlainTextObject(
                        text="This closes the round and stops its reminders. You can reopen "
                        "it from the Home tab for a day."
                    )
                ]
            ),
        ],
    ).to_dict()


def build_withdraw_modal(interview: InterviewSummary) -> dict[str, Any]:
    """The confirm dialog of Withdraw, naming the application and its round."""
    return View(
        type="modal",
        callback_id=WITHDRAW_CALLBACK_ID,
        private_metadata=str(interview.id),
        title=PlainTextObject(text="Withdraw"),
        submit=PlainTextObject(text="Withdraw"),
        close=PlainTextObject(text="Keep it"),
        blocks=[
            SectionBlock(
                text=PlainTextObject(text=truncate(f"Withdraw from {_name(interview)}?", 3000))
            ),
            ContextBlock(
                elements=[
                    PlainTextObject(
                        text="The coach stops its reminders. You can reopen it from the Home "
                        "tab for a day."
                    )
                ]
            ),
        ],
    ).to_dict()


def chosen_outcome(view: dict[str, Any]) -> Outcome | None:
    """The outcome a Heard back dialog was submitted with; None if none was chosen."""
    state = (view.get("state") or {}).get("values") or {}
    picked = ((state.get(OUTCOME_BLOCK) or {}).get(OUTCOME_ACTION) or {}).get("selected_option")
    value = (picked or {}).get("value")
    return next((o for o in HEARD_BACK_OUTCOMES if o.value == value), None)


def closed_notice(interview: InterviewSummary) -> str:
    """What the Home tab says after a close from its menu."""
    words = OUTCOME_WORDS[interview.outcome] if interview.outcome else "closed"
    return (
        f"Closed {_name(interview)}: {words}. Its reminders have stopped; "
        "you can reopen it for a day."
    )
