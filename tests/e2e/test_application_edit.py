"""An application's link and note, corrected over signed HTTP from the edit modal (the real
endpoint, the stand-in): shown empty at first, a bad link refused under its field with nothing
stored, a good one stored on the application and prefilled the next time, from any round."""

from __future__ import annotations

from coach_devkit.slack_standin.signed_sender import fill_view_state
from sqlalchemy import select

from bot.rules.application_form import NOT_A_LINK
from bot.store.models import Application
from bot.ui import edit_modal
from tests.e2e.test_buttons import log_interview
from tests.e2e.test_corrections import edit_command, opened_view
from tests.e2e.test_log_submission import answers
from tests.harness import DANA, RunningBot

LINK, NOTE = edit_modal.EXTRA_BLOCK_IDS["link"], edit_modal.EXTRA_BLOCK_IDS["note"]
POSTING = "https://jobs.acme.example/data-analyst"


def element(view: dict, block_id: str) -> dict:
    [found] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return found["element"]


def application(running: RunningBot) -> Application:
    with running.db.transaction() as session:
        [found] = session.scalars(select(Application)).all()
        session.expunge(found)
    return found


def open_edit(running: RunningBot) -> dict:
    before = len(running.standin.calls_to("views.open"))
    assert edit_command(running).body == ""
    return opened_view(running, before)


def submit(running: RunningBot, view: dict, link: str | None, note: str | None):
    values = fill_view_state(view, {**answers(running), LINK: link, NOTE: note})
    reply = running.slack.view_submission(view, values, DANA)
    running.idle()
    return reply


def test_the_applications_link_and_note_are_edited_with_a_round(running: RunningBot) -> None:
    log_interview(running)
    view = open_edit(running)
    assert element(view, LINK).get("initial_value") is None
    assert element(view, NOTE).get("initial_value") is None

    reply = submit(running, view, "their careers page", "Referred by Sam")
    assert reply.json()["errors"] == {LINK: NOT_A_LINK}
    assert (application(running).link, application(running).note) == (None, None)

    hostile = "Referred by Sam <!channel> {{ 7*7 }}"
    reply = submit(running, view, POSTING, hostile)
    assert (reply.status, reply.body) == (200, "")
    assert (application(running).link, application(running).note) == (POSTING, hostile)

    again = open_edit(running)
    assert element(again, LINK)["initial_value"] == POSTING
    assert element(again, NOTE)["initial_value"] == hostile
