"""The coach's nudge messages, one module per job: `ids` (action and block ids, reading a
press back), `content` (what each kind says, from the kinds registry), `controls` (its
buttons and menus, from the registry), `recorded` (the lines of what was recorded), and
`message` (the whole message). What each kind shows and offers is declared once, in
bot.rules.kinds.

The names below stay importable from bot.ui.nudges.
"""

from bot.ui.nudges.content import SECTION_MAX
from bot.ui.nudges.controls import HEARD_BACK_LABELS
from bot.ui.nudges.ids import (
    ACTION_IDS,
    ANSWER,
    CALL_QUESTIONS,
    CARD_MAILED,
    CHOICE_OF_ACTION,
    CONTROLS_PREFIX,
    DRAFT,
    EMAIL_SENT,
    FOLLOW_UP_SENT,
    HEARD_BACK,
    KEEP_GOING,
    SKIP_THANK_YOU,
    SNOOZE,
    STOP,
    nudge_id_of,
    parse_id,
    parse_press,
)
from bot.ui.nudges.message import pressed_line, render_nudge
from bot.ui.nudges.recorded import OUTCOME_WORDS, closed_line, recorded_line

__all__ = [
    "ACTION_IDS",
    "ANSWER",
    "CALL_QUESTIONS",
    "CARD_MAILED",
    "CHOICE_OF_ACTION",
    "CONTROLS_PREFIX",
    "DRAFT",
    "EMAIL_SENT",
    "FOLLOW_UP_SENT",
    "HEARD_BACK",
    "HEARD_BACK_LABELS",
    "KEEP_GOING",
    "OUTCOME_WORDS",
    "SECTION_MAX",
    "SKIP_THANK_YOU",
    "SNOOZE",
    "STOP",
    "closed_line",
    "nudge_id_of",
    "parse_id",
    "parse_press",
    "pressed_line",
    "recorded_line",
    "render_nudge",
]
