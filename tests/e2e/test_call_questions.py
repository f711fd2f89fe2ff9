"""A follow-up after the first repeats the call questions behind "Show the call questions",
over signed HTTP: the first follow-up shows them in full; the second offers the button, and a
press opens them in a modal (views.open) while the message stays as it was."""

from __future__ import annotations

import json

from bot.rules.domain import NudgeKind
from bot.rules.playbook import default_playbook
from bot.ui.call_questions_modal import CALLBACK_ID
from tests.e2e.test_buttons import (
    current,
    deliver,
    delivered_follow_up,
    labels,
    press,
    shown_text,
)
from tests.harness import RunningBot

QUESTIONS = default_playbook().questions.call_questions


def test_the_second_follow_up_keeps_the_call_questions_one_press_away(
    running: RunningBot,
) -> None:
    channel, first = delivered_follow_up(running, flags=["traditional", "direct_contact_ok"])
    assert all(question in shown_text(first) for question in QUESTIONS)
    assert "Show the call questions" not in labels(first)
    press(running, channel, first, "Follow-up sent")

    channel, second = deliver(running, NudgeKind.FOLLOW_UP)
    assert "Follow-up 2 of at most 5" in shown_text(second)
    assert not any(question in shown_text(second) for question in QUESTIONS)
    assert "Show the call questions" in labels(second)
    opened = len(running.standin.calls_to("views.open"))

    press(running, channel, second, "Show the call questions")

    call = running.standin.calls_to("views.open")[opened]
    view = call.params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert view["callback_id"] == CALLBACK_ID
    assert "submit" not in view  # read-only: nothing to save
    shown = "\n".join(block["text"]["text"] for block in view["blocks"])
    assert all(f"• {question}" in shown for question in QUESTIONS)
    # Nothing was recorded; the message is as it was.
    assert current(running, channel, second["ts"])["blocks"] == second["blocks"]


def test_when_the_modal_cannot_open_the_questions_come_as_a_note(running: RunningBot) -> None:
    channel, first = delivered_follow_up(running, flags=["traditional", "direct_contact_ok"])
    press(running, channel, first, "Follow-up sent")
    channel, second = deliver(running, NudgeKind.FOLLOW_UP)
    running.standin.fail_next("views.open", "expired_trigger_id")

    press(running, channel, second, "Show the call questions")

    [note] = running.standin.calls_to("response_url")
    assert all(question in note.params["text"] for question in QUESTIONS)
