"""The person's settings and pause from Slack, over signed HTTP: `/interview settings` opens
the modal filled in, a bad field is named under it and nothing is stored, a good submission
re-plans the pending follow-up at once; the Home tab pauses with a date picker, shows
"Paused until …" with Resume, and Resume brings the follow-up back."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from coach_devkit.slack_standin.signed_sender import fill_view_state
from sqlalchemy import select

from bot.rules.domain import NudgeKind
from bot.rules.person_settings import Field
from bot.store.models import SlackUser
from bot.ui import settings_modal
from bot.ui.home import OPEN_SETTINGS, PAUSE_UNTIL, RESUME
from tests.e2e.test_buttons import log_interview, pending_due
from tests.harness import DANA, RunningBot

LA = ZoneInfo("America/Los_Angeles")
BLOCK = settings_modal.BLOCK_IDS


def open_settings(running: RunningBot) -> dict[str, Any]:
    before = len(running.standin.calls_to("views.open"))
    reply = running.slack.slash_command("settings", DANA)
    assert reply.status == 200
    call = running.standin.wait_for("views.open", before + 1)[-1]
    view = running.standin.view(call.response["view"]["id"])
    assert view is not None
    return view


def element(view: dict[str, Any], field: Field) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == BLOCK[field])["element"]


def save(running: RunningBot, view: dict[str, Any], **answers: Any) -> Any:
    chosen = {
        BLOCK[Field.WAKING_START]: "8",
        BLOCK[Field.WAKING_END]: "20",
        BLOCK[Field.WORKING_DAYS]: ["0", "1", "2", "3", "4"],
        BLOCK[Field.HOLIDAYS]: "auto",
        BLOCK[Field.FOLLOW_UP_HOUR]: "playbook",
    }
    chosen.update({BLOCK[Field(k)]: v for k, v in answers.items()})
    reply = running.slack.view_submission(view, fill_view_state(view, chosen), DANA)
    running.idle()
    return reply


def dana(running: RunningBot) -> SlackUser:
    with running.db.transaction() as session:
        return session.scalars(select(SlackUser).where(SlackUser.user_id == DANA.user_id)).one()


def logged(running: RunningBot) -> None:
    log_interview(
        running, happened_at=int((running.clock.now() - timedelta(minutes=30)).timestamp())
    )


def test_settings_open_filled_in_and_a_bad_field_is_named(running: RunningBot) -> None:
    logged(running)
    before = pending_due(running, NudgeKind.FOLLOW_UP)
    view = open_settings(running)

    assert view["callback_id"] == settings_modal.CALLBACK_ID
    assert element(view, Field.WAKING_START)["initial_option"]["value"] == "8"
    assert [o["value"] for o in element(view, Field.WORKING_DAYS)["initial_options"]] == [
        "0",
        "1",
        "2",
        "3",
        "4",
    ]
    assert element(view, Field.HOLIDAYS)["initial_value"] == "auto"

    reply = save(running, view, waking_start="9", waking_end="7", holidays="Narnia")

    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {BLOCK[Field.WAKING_END], BLOCK[Field.HOLIDAYS]}
    assert "end after it starts" in body["errors"][BLOCK[Field.WAKING_END]]
    # Nothing stored, nothing moved.
    assert (dana(running).waking_start_hour, dana(running).waking_end_hour) == (8, 20)
    assert pending_due(running, NudgeKind.FOLLOW_UP) == before


def test_saved_settings_replan_the_follow_up_at_once(running: RunningBot) -> None:
    logged(running)
    before = pending_due(running, NudgeKind.FOLLOW_UP).astimezone(LA)
    view = open_settings(running)

    reply = save(
        running,
        view,
        working_days=["6", "0", "1", "2", "3"],
        follow_up_hour="14",
        holidays="none",
    )

    assert reply.status == 200 and reply.body == ""
    person = dana(running)
    assert (person.working_days, person.follow_up_hour, person.holiday_country) == (
        "01236",
        14,
        "none",
    )
    after = pending_due(running, NudgeKind.FOLLOW_UP).astimezone(LA)
    assert after.hour == 14
    # Due Monday by default; Sunday is a working day now, so it comes the day before.
    assert before.weekday() == 0
    assert after.weekday() == 6
    assert after.date() == before.date() - timedelta(days=1)
    # The Home tab is published again after saving.
    assert running.standin.calls_to("views.publish")


def test_the_home_tab_pauses_until_a_date_and_resumes(running: RunningBot) -> None:
    logged(running)
    planned = pending_due(running, NudgeKind.FOLLOW_UP)
    back_on = planned.astimezone(LA).date() + timedelta(days=7)

    running.slack.block_action(
        {"action_id": PAUSE_UNTIL, "type": "datepicker", "selected_date": back_on.isoformat()},
        person=DANA,
    )
    running.idle()

    home = json.dumps(running.standin.calls_to("views.publish")[-1].params["view"])
    assert "*Paused until <!date^" in home
    assert f"|{back_on:%a %-d %b %Y}>" in home
    assert RESUME in home
    assert pending_due(running, NudgeKind.FOLLOW_UP) > planned

    running.slack.block_action({"action_id": RESUME, "type": "button"}, person=DANA)
    running.idle()

    home = json.dumps(running.standin.calls_to("views.publish")[-1].params["view"])
    assert "Paused until" not in home
    assert PAUSE_UNTIL in home and OPEN_SETTINGS in home
    assert not dana(running).paused
    assert pending_due(running, NudgeKind.FOLLOW_UP) == planned


def test_a_past_date_on_the_home_tab_is_explained(running: RunningBot) -> None:
    logged(running)
    today = running.clock.now().astimezone(LA).date()

    running.slack.block_action(
        {"action_id": PAUSE_UNTIL, "type": "datepicker", "selected_date": today.isoformat()},
        person=DANA,
    )
    running.idle()

    home = json.dumps(running.standin.calls_to("views.publish")[-1].params["view"])
    assert "already begun" in home
    assert not dana(running).paused
