"""The person's data from Slack, over signed HTTP with the stand-in: `/interview export` and
the Home tab's button upload the JSON (valid against docs/export.schema.json) and the CSV to
their DM with files_upload_v2; `/interview delete my data` names what will go, deletes every
row about them (the other person untouched) and the coach's DMs with chat.delete through a
429; the settings modal tells the retention; the retention job empties a removed workspace."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import fill_view_state

from bot.clock import FixedClock
from bot.coach.personal_data import data_counts
from bot.dispatch.dispatcher import Dispatcher
from bot.dispatch.retention import retention_tick
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.personal_export import CSV_FILENAME, JSON_FILENAME
from bot.runner import build_scheduler
from bot.store import migrate
from bot.store.db import Database
from bot.ui import my_data, settings_modal
from bot.ui.home import DELETE_MY_DATA, EXPORT_MY_DATA
from bot.ui.my_data import what_goes
from tests.e2e.test_buttons import deliver, log_interview, nudges
from tests.e2e.test_log_submission import submit
from tests.e2e.test_reflection_answers import write
from tests.e2e.test_settings import open_settings
from tests.harness import DANA, SAM, RunningBot, fixture_json, serving, start_bot
from tests.personal_data_seed import PLANTED, rows_of, table_totals

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs/export.schema.json").read_text())
DANA_DM, SAM_DM = "D0456EFGH", "D0SAM0001"


def coached(running: RunningBot) -> None:
    """Dana logs an interview, gets its first DMs and answers the reflection in the thread;
    Sam logs one too."""
    log_interview(running)
    _, prompt = deliver(running, NudgeKind.REFLECTION)
    write(running, PLANTED, thread_ts=prompt["ts"])
    assert submit(running, running.open_log_modal("logged Initech", SAM), SAM).status == 200


def uploaded(standin: SlackStandIn) -> dict[str, bytes]:
    return {f.filename: f.data or b"" for f in standin.files() if f.completed}


def test_export_sends_the_json_and_the_csv_to_the_dm(running: RunningBot) -> None:
    coached(running)

    reply = running.slack.slash_command("export", DANA)
    running.idle()

    assert reply.status == 200
    assert json.loads(reply.body)["text"] == my_data.EXPORT_STARTED
    files = uploaded(running.standin)
    assert set(files) == {JSON_FILENAME, CSV_FILENAME}
    document = json.loads(files[JSON_FILENAME])
    jsonschema.validate(document, SCHEMA)
    assert document["person"]["user_id"] == DANA.user_id
    [interview] = document["interviews"]
    assert [r["answer"] for r in interview["reflections"]] == [PLANTED]
    assert {n["kind"] for n in interview["nudges"] if n["status"] == "sent"} >= {"reflection"}
    assert "Initech" not in files[JSON_FILENAME].decode()  # Sam's, not hers
    rows = list(csv.DictReader(io.StringIO(files[CSV_FILENAME].decode())))
    assert [(r["company"], r["answers"]) for r in rows] == [("Acme Corp", "1")]
    # Both files are shared in her DM, by the bot, in one message.
    [shared] = [m for m in running.standin.messages(DANA_DM) if m.get("files")]
    assert {f["name"] for f in shared["files"]} == {JSON_FILENAME, CSV_FILENAME}
    assert shared["text"] == my_data.EXPORT_READY
    assert [
        c.params["channel_id"] for c in running.standin.calls_to("files.completeUploadExternal")
    ] == [DANA_DM]


def test_the_home_tab_button_exports_too(running: RunningBot) -> None:
    coached(running)

    reply = running.slack.block_action({"action_id": EXPORT_MY_DATA, "type": "button"}, person=DANA)
    running.idle()

    assert reply.status == 200
    assert PLANTED in uploaded(running.standin)[JSON_FILENAME].decode()


def test_an_export_slack_refuses_is_explained(running: RunningBot) -> None:
    coached(running)
    running.standin.fail_next("files.getUploadURLExternal", "not_allowed_token_type")

    running.slack.slash_command("export", DANA)
    running.idle()

    told = running.standin.calls_to("response_url")[-1].params["text"]
    assert told == my_data.EXPORT_FAILED.format(error="not_allowed_token_type")
    assert uploaded(running.standin) == {}


def open_delete(running: RunningBot, text: str = "delete my data") -> dict[str, Any]:
    before = len(running.standin.calls_to("views.open"))
    assert running.slack.slash_command(text, DANA).status == 200
    call = running.standin.wait_for("views.open", before + 1)[-1]
    view = running.standin.view(call.response["view"]["id"])
    assert view is not None and view["callback_id"] == my_data.DELETE_CALLBACK_ID
    return view


def bot_messages(standin: SlackStandIn, channel: str) -> list[dict[str, Any]]:
    return [m for m in standin.messages(channel) if m.get("user") == standin.bot_user_id]


def test_delete_my_data_removes_every_row_and_the_coachs_dms(running: RunningBot) -> None:
    coached(running)
    running.slack.slash_command("export", DANA)  # a file in her DM, to go too
    running.idle()
    dana_before, sam_before, totals = (
        rows_of(running.db, DANA.user_id),
        rows_of(running.db, SAM.user_id),
        table_totals(running.db),
    )
    sent = bot_messages(running.standin, DANA_DM)
    sam_dm = running.standin.messages(SAM_DM)
    assert len(sent) >= 4 and sam_dm
    # Among them a reply in the prompt's thread (history shows only its parent) and the export.
    assert any(m.get("thread_ts") not in (None, m["ts"]) for m in sent)
    assert len(running.standin.files()) == 2
    view = open_delete(running)
    shown = view["blocks"][0]["text"]["text"]
    counts = data_counts(running.db, DANA.team_id, DANA.user_id)
    assert (counts.interviews, counts.answers, counts.drafts) == (1, 1, 0)
    assert counts.planned > 0
    assert f"{what_goes(counts)}, your settings" in shown
    # Slack limits the first delete: the bot waits out Retry-After and goes on.
    running.standin.fail_next("chat.delete", retry_after=1)

    reply = running.slack.view_submission(view, fill_view_state(view, {}), DANA)
    running.idle()

    assert (reply.status, reply.body) == (200, "")
    assert rows_of(running.db, DANA.user_id) == dict.fromkeys(dana_before, 0)
    assert rows_of(running.db, SAM.user_id) == sam_before
    after = table_totals(running.db)
    assert after == {t: n - dana_before.get(t, 0) for t, n in totals.items()}
    deletes = running.standin.calls_to("chat.delete", include_failed=True)
    assert deletes[0].error == "ratelimited"
    assert sorted(c.params["ts"] for c in deletes if not c.failed) == sorted(m["ts"] for m in sent)
    # Her DM now holds only the coach's last word, which says what went; Sam's is as it was.
    [note] = running.standin.messages(DANA_DM)
    assert note["text"].startswith("Done: I deleted everything I held about you (1 interview")
    assert f"I also deleted {len(sent)} messages and 2 files" in note["text"]
    assert running.standin.files() == []
    assert running.standin.messages(SAM_DM) == sam_dm
    home = running.standin.home_view(DANA.user_id)
    assert home is not None and "No interviews in progress" in json.dumps(home)


def delete_keeping_messages(running: RunningBot) -> None:
    """Dana deletes her data and ticks "Keep the coach's messages in Slack"."""
    view = open_delete(running)
    keep = fill_view_state(view, {my_data.KEEP_BLOCK: [my_data.KEEP_VALUE]})
    running.slack.view_submission(view, keep, DANA)
    running.idle()


def test_keeping_the_messages_deletes_only_the_data(running: RunningBot) -> None:
    coached(running)
    sent = bot_messages(running.standin, DANA_DM)

    delete_keeping_messages(running)

    assert not any(rows_of(running.db, DANA.user_id).values())
    assert running.standin.calls_to("chat.delete", include_failed=True) == []
    *kept, note = running.standin.messages(DANA_DM)
    assert kept == sent
    assert "My earlier messages here stay, as you asked." in note["text"]


@pytest.fixture
def on_sqlite_file(
    standin: SlackStandIn, clock: FixedClock, tmp_path: Path
) -> Iterator[RunningBot]:
    """The bot on a SQLite file of its own, whichever database the run uses: what a copy of
    the volume holds is SQLite's file and its write-ahead log."""
    db = Database(f"sqlite:///{tmp_path / 'coach.db'}")
    migrate.upgrade(db.engine)
    try:
        with serving(standin, clock, db) as bot:
            yield bot
    finally:
        db.dispose()


def _files_hold(tmp_path: Path, text: str) -> list[str]:
    """Which of the database's files (the file, its write-ahead log, its index) hold `text`,
    read as they are on disk while the bot runs."""
    files = [tmp_path / f"coach.db{suffix}" for suffix in ("", "-wal", "-shm")]
    return [f.name for f in files if f.exists() and text.encode() in f.read_bytes()]


def test_deleted_notes_leave_no_copy_in_sqlites_write_ahead_log(
    on_sqlite_file: RunningBot, tmp_path: Path
) -> None:
    running = on_sqlite_file
    coached(running)
    assert _files_hold(tmp_path, PLANTED), "the answer is stored (plaintext: no keys here)"
    view = open_delete(running)

    running.slack.view_submission(view, fill_view_state(view, {}), DANA)
    running.idle()

    assert not any(rows_of(running.db, DANA.user_id).values())
    # The log kept a copy of each page the answer was on until SQLite wrote over it, which
    # a running bot might not do for days: a copy of the volume still held the answer.
    assert _files_hold(tmp_path, PLANTED) == []


def test_a_second_delete_takes_the_messages_the_first_one_kept(running: RunningBot) -> None:
    coached(running)
    sent = bot_messages(running.standin, DANA_DM)
    delete_keeping_messages(running)
    assert not any(rows_of(running.db, DANA.user_id).values())  # nothing known of her now

    view = open_delete(running)
    running.slack.view_submission(view, fill_view_state(view, {}), DANA)
    running.idle()

    # Her DM was found afresh and emptied of the coach's messages, the first note included;
    # only the last word is left.
    deleted = {c.params["ts"] for c in running.standin.calls_to("chat.delete")}
    assert {m["ts"] for m in sent} <= deleted
    [note] = running.standin.messages(DANA_DM)
    assert note["text"].startswith("Done: I deleted everything I held about you")
    assert not any(rows_of(running.db, DANA.user_id).values())


def test_a_dm_posted_while_its_person_deletes_their_data_is_taken_back(
    running: RunningBot,
) -> None:
    """The batch read what to show before the delete and posts after it, and after the
    delete's sweep of the DM: the post, quoting what she wanted to clarify, must not stay."""
    coached(running)
    # Both thank-yous (Dana's and Sam's) fall due; the batch posts to each.
    running.clock.set(
        max(
            n.due_at
            for n in nudges(running)
            if n.kind is NudgeKind.THANK_YOU and n.status is NudgeStatus.PENDING
        )
    )
    services = running.bot.services
    dispatcher = Dispatcher(
        running.db, running.clock, services.clients, services.playbook, "test-worker"
    )
    before = len(running.standin.calls_to("chat.postMessage"))
    running.standin.hold("chat.postMessage")
    with ThreadPoolExecutor(1) as pool:
        batch = pool.submit(dispatcher.run_once)
        running.standin.wait_until_held("chat.postMessage", 1, timeout=10)
        view = open_delete(running)
        assert running.slack.view_submission(view, fill_view_state(view, {}), DANA).status == 200
        assert not any(rows_of(running.db, DANA.user_id).values())
        running.standin.release("chat.postMessage")  # the thank-you lands, then the last word
        batch.result(timeout=30)
    running.idle()

    [posted] = [
        c.response["ts"]
        for c in running.standin.calls_to("chat.postMessage")[before:]
        if c.params.get("channel") == DANA_DM and c.params.get("metadata")  # the thank-you
    ]
    assert posted in {c.params["ts"] for c in running.standin.calls_to("chat.delete")}
    [note] = running.standin.messages(DANA_DM)
    assert note["text"].startswith("Done: I deleted everything I held about you")
    assert not any(rows_of(running.db, DANA.user_id).values())


def test_the_home_tab_button_asks_first_and_other_words_are_explained(running: RunningBot) -> None:
    coached(running)
    before = len(running.standin.calls_to("views.open"))

    running.slack.block_action({"action_id": DELETE_MY_DATA, "type": "button"}, person=DANA)
    running.idle()
    reply = running.slack.slash_command("delete acme", DANA)

    [call] = running.standin.calls_to("views.open")[before:]
    assert call.params["view"]["callback_id"] == my_data.DELETE_CALLBACK_ID
    assert json.loads(reply.body)["text"] == my_data.DELETE_USAGE
    assert rows_of(running.db, DANA.user_id)["interview"] == 1  # asking deletes nothing


def test_the_settings_modal_tells_the_notes_retention(
    standin: SlackStandIn, clock: FixedClock, db: Database
) -> None:
    running = start_bot(standin, clock, db, notes_retention_days=30)
    try:
        view = open_settings(running)
    finally:
        running.idle()
        running.server.stop()

    [context] = [b for b in view["blocks"] if b.get("block_id") == settings_modal.RETENTION_BLOCK]
    assert "deleted 30 days after an interview is closed" in context["elements"][0]["text"]


def test_the_settings_modal_says_notes_are_kept_when_no_retention_is_set(
    running: RunningBot,
) -> None:
    view = open_settings(running)

    [context] = [b for b in view["blocks"] if b.get("block_id") == settings_modal.RETENTION_BLOCK]
    assert "kept until you delete them" in context["elements"][0]["text"]


def test_the_scheduler_deletes_a_removed_workspaces_data_after_the_grace_period(
    running: RunningBot,
) -> None:
    coached(running)
    assert build_scheduler(running.bot).get_job("retention") is not None
    running.slack.post(json.dumps(fixture_json("event_app_uninstalled.json")), "application/json")
    running.idle()

    running.clock.advance(timedelta(days=29))
    assert retention_tick(running.bot.services).workspaces.workspaces == 0  # type: ignore[union-attr]
    assert rows_of(running.db, DANA.user_id)["reflection"] == 1

    running.clock.advance(timedelta(days=1))
    report = retention_tick(running.bot.services)

    assert report is not None and report.workspaces.people == 2  # Dana and Sam
    assert not any(rows_of(running.db, DANA.user_id).values())
    assert not any(rows_of(running.db, SAM.user_id).values())
