"""Deleting a whole application over signed HTTP, to the real endpoint, the real dispatcher
and the stand-in: the delete dialog of a round offers "Delete Acme Corp — Data Analyst and its
2 rounds?" as a box to tick (only when the application has several rounds); ticked and
confirmed, every round goes with its notes, contacts and nudges (asserted on the database),
the application too, and nothing more is ever sent about it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from coach_devkit.slack_standin.signed_sender import fill_view_state
from sqlalchemy import func, select

from bot.rules.calendar import at_local, local_date
from bot.store.models import Application, ContactLog, Draft, Interview, Nudge, Reflection
from bot.ui import home_menu, interview_menu
from tests.e2e.test_buttons import delivered_follow_up, dispatch, log_interview, press
from tests.e2e.test_corrections import home_text, opened_view
from tests.e2e.test_home_tab import choose, menus, open_home
from tests.e2e.test_log_submission import DM, submit
from tests.e2e.test_rounds import LOS_ANGELES, initial, rounds
from tests.harness import DANA, SAM, RunningBot

TICKED = {interview_menu.WHOLE_BLOCK: [interview_menu.WHOLE_VALUE]}


def two_rounds(running: RunningBot) -> tuple[int, int]:
    """Acme Corp's round 1 (a thank-you pressed, a follow-up sent), "Heard back: next
    round", and round 2 logged ten days ahead from the prompt."""
    channel, follow_up = delivered_follow_up(running, format="phone_screen", flags=[])
    press(running, channel, follow_up, "Heard back", option="next_round")
    offer = running.standin.messages(DM)[-1]
    opened = len(running.standin.calls_to("views.open"))
    press(running, channel, offer, "Log round 2")
    view = opened_view(running, opened)
    day = local_date(running.clock.now(), LOS_ANGELES) + timedelta(days=10)
    prefilled = {field: initial(view, field) for field in ("company", "role", "interviewers")}
    reply = submit(
        running,
        view,
        **prefilled,
        happened_at=int(at_local(day, 10, LOS_ANGELES).timestamp()),
        format="video",
        flags=[],
        employer_timeline=None,
    )
    assert reply.body == "", reply.body
    first, second = rounds(running)
    assert first.application_id == second.application_id
    return first.id, second.id


def delete_from_home(running: RunningBot, interview_id: int) -> dict[str, Any]:
    """Choose Delete in the Home tab's menu of the application whose latest round is
    `interview_id`, as Slack sends it; the dialog that opens."""
    home = open_home(running)
    [number] = [
        n
        for n, menu in enumerate(menus(home))
        if any(
            o["value"].startswith(f"{home_menu.DELETE}:")
            and o["value"].endswith(f":{interview_id}")
            for o in menu["options"]
        )
    ]
    opened = len(running.standin.calls_to("views.open"))
    choose(running, home, home_menu.DELETE, menu=number)
    return opened_view(running, opened)


def rows_of(running: RunningBot, interview_ids: list[int]) -> dict[str, int]:
    """How many rows of each kind the database holds about these interviews."""
    with running.db.transaction() as session:
        counts = {
            model.__tablename__: session.scalar(
                select(func.count()).select_from(model).where(model.interview_id.in_(interview_ids))  # type: ignore[attr-defined]
            )
            or 0
            for model in (Reflection, Draft, ContactLog, Nudge)
        }
        counts["interview"] = len(
            session.scalars(select(Interview.id).where(Interview.id.in_(interview_ids))).all()
        )
    return counts


def checkbox(dialog: dict[str, Any]) -> list[str]:
    """The delete dialog's "whole application" box: its label and option (none: not
    offered)."""
    return [
        text
        for b in dialog["blocks"]
        if b.get("block_id") == interview_menu.WHOLE_BLOCK
        for text in (b["label"]["text"], *(o["text"]["text"] for o in b["element"]["options"]))
    ]


def test_a_whole_application_deleted_from_a_rounds_dialog_leaves_no_row(
    running: RunningBot,
) -> None:
    acme = list(two_rounds(running))
    globex = log_interview(running, company="Globex", role=None, employer_timeline=None)
    with running.db.transaction() as session:
        application_id = session.get_one(Interview, acme[0]).application_id
    before = rows_of(running, acme)
    assert before["interview"] == 2 and before["nudge"] and before["contact_log"]

    # One round alone: the dialog offers no whole application.
    assert checkbox(delete_from_home(running, globex)) == []

    dialog = delete_from_home(running, acme[1])
    assert dialog["callback_id"] == interview_menu.DELETE_CALLBACK_ID
    assert checkbox(dialog) == [
        "Delete Acme Corp — Data Analyst and its 2 rounds?",
        "Delete the whole application",
    ]

    # Sam submitting Dana's dialog, ticked, deletes nothing.
    reply = running.slack.view_submission(dialog, fill_view_state(dialog, TICKED), SAM)
    running.idle()
    assert reply.status == 200
    assert rows_of(running, acme) == before
    assert "isn't yours" in str(running.standin.home_view(SAM.user_id))

    dms = len(running.standin.messages(DM))
    reply = running.slack.view_submission(dialog, fill_view_state(dialog, TICKED), DANA)
    running.idle()
    assert (reply.status, reply.body) == (200, "")
    assert rows_of(running, acme) == {
        "reflection": 0,
        "draft": 0,
        "contact_log": 0,
        "nudge": 0,
        "interview": 0,
    }
    with running.db.transaction() as session:
        assert session.get(Application, application_id) is None
    assert rows_of(running, [globex])["nudge"] > 0  # the other application is untouched
    [told] = running.standin.messages(DM)[dms:]
    assert told["text"].startswith("Deleted Acme Corp — Data Analyst and its 2 rounds")
    home = home_text(running)
    assert "Acme" not in home and "Globex" in home
    assert "Acme" not in running.slack.slash_command("list", DANA).json()["text"]

    # Submitted again (a double click): nothing more happens, and Home says why.
    reply = running.slack.view_submission(dialog, fill_view_state(dialog, TICKED), DANA)
    running.idle()
    assert (reply.status, reply.body) == (200, "")
    assert len(running.standin.messages(DM)) == dms + 1
    assert "can't find that interview" in str(running.standin.home_view(DANA.user_id))

    # Seven weeks on: Globex's advice comes, nothing more about Acme.
    for _ in range(49):
        dispatch(running, at=running.clock.now() + timedelta(days=1))
    later = [m["text"] for m in running.standin.messages(DM)[dms + 1 :]]
    assert later and all("Acme" not in text for text in later)
    assert any("Globex" in text for text in later)


def test_unticked_the_dialog_deletes_only_the_round(running: RunningBot) -> None:
    first, second = two_rounds(running)

    dialog = delete_from_home(running, second)
    reply = running.slack.view_submission(dialog, fill_view_state(dialog, {}), DANA)
    running.idle()

    assert (reply.status, reply.body) == (200, "")
    assert rows_of(running, [second])["interview"] == 0
    assert rows_of(running, [first])["interview"] == 1
