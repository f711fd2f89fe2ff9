"""The ids a nudge message's controls carry, and reading a press back from them.

Every control of a message sits in one actions block whose block_id names the nudge; a
button's value names it too, while a select's value is the option picked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.rules.domain import Choice

# One action id per choice, plus the buttons that open the reflection and drafts modals.
EMAIL_SENT = "nudge_email_sent"
CARD_MAILED = "nudge_card_mailed"
SKIP_THANK_YOU = "nudge_skip_thank_you"
FOLLOW_UP_SENT = "nudge_follow_up_sent"
SNOOZE = "nudge_snooze"
HEARD_BACK = "nudge_heard_back"
KEEP_GOING = "nudge_keep_going"
STOP = "nudge_stop"
ANSWER = "nudge_answer"
DRAFT = "nudge_draft"  # opens the drafts modal
CALL_QUESTIONS = "nudge_call_questions"  # opens the call questions (a modal)
CHANGE_TIME = "nudge_change_time"  # opens the "change its time" modal
NEW_TIMELINE = "nudge_new_timeline"  # opens the "new timeline" modal (bot.ui.timeline_modal)
CHECK_BACK = "nudge_check_back"
CLOSE_IT = "nudge_close_it"
REOPEN = "nudge_reopen"  # reopens the closed interview (bot.listeners.outcomes)

ACTION_IDS: dict[Choice, str] = {
    Choice.EMAIL_SENT: EMAIL_SENT,
    Choice.CARD_MAILED: CARD_MAILED,
    Choice.SKIP_THANK_YOU: SKIP_THANK_YOU,
    Choice.FOLLOW_UP_SENT: FOLLOW_UP_SENT,
    Choice.SNOOZE: SNOOZE,
    Choice.HEARD_BACK: HEARD_BACK,
    Choice.KEEP_GOING: KEEP_GOING,
    Choice.STOP: STOP,
    Choice.CHECK_BACK: CHECK_BACK,
    Choice.CLOSE_IT: CLOSE_IT,
}
CHOICE_OF_ACTION: dict[str, Choice] = {action: choice for choice, action in ACTION_IDS.items()}

CONTROLS_PREFIX = "nudge:"  # the actions block: f"nudge:{nudge_id}"


def controls_block_id(nudge_id: int) -> str:
    """The block_id of a nudge message's actions block."""
    return f"{CONTROLS_PREFIX}{nudge_id}"


# The largest id an INTEGER column holds on PostgreSQL (2**31 - 1).
ID_MAX = 2**31 - 1


def parse_id(text: str) -> int | None:
    """A database id written as text (a button's value, a modal's metadata); None otherwise.

    ASCII digits only (`str.isdigit()` also takes "²" and "①", which `int()` refuses), and
    within the ids' 32-bit INTEGER columns, so a forged value means the same "no such id"
    on SQLite as on PostgreSQL, where a larger one is an error.
    """
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(ID_MAX))):
        return None
    number = int(text)
    return number if number <= ID_MAX else None


def nudge_id_of(action: Mapping[str, Any]) -> int | None:
    """The nudge a press is about: a button's value, else the controls block's id."""
    if action.get("type") == "button" or "value" in action:
        return parse_id(str(action.get("value") or ""))
    return parse_id(str(action.get("block_id") or "").removeprefix(CONTROLS_PREFIX))


def parse_press(action: Mapping[str, Any]) -> tuple[Choice, int, str | None] | None:
    """(the choice, its nudge id, the option picked) from a block action; None if unreadable."""
    choice = CHOICE_OF_ACTION.get(str(action.get("action_id", "")))
    nudge_id = nudge_id_of(action)
    if choice is None or nudge_id is None:
        return None
    option = None
    if action.get("type") != "button":
        selected = action.get("selected_option") or {}
        option = str(selected["value"]) if selected.get("value") is not None else None
    return choice, nudge_id, option
