"""Notes encrypted at rest, through the bot as Slack uses it (signed HTTP, the stand-in): a
planted answer and a saved draft are nowhere in a copy of the database (the SQLite file and
WAL, or a pg_dump of the schema), yet their author sees them; a bot missing the key shows the
person a sentence instead and keeps serving; without any key the bot warns at start-up."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import select

from bot.clock import FixedClock
from bot.rules.domain import NudgeKind
from bot.rules.draft_sheet import thank_you_key
from bot.store.encryption import unreadable_text
from bot.store.models import Nudge
from bot.ui.draft_modal import BODY, input_block_id
from tests.e2e.test_buttons import current, shown_text
from tests.e2e.test_drafts import answered_thank_you, open_drafts, prefilled, save
from tests.e2e.test_reflection_answers import DM, _open_modal
from tests.encryption_helpers import keyed_database, new_key, raw_database_bytes, reader
from tests.harness import RunningBot, serving

SAID_WELL = "PLANTED-7a41 my churn model walk-through landed with Tom"
TO_CLARIFY = "PLANTED-c09e I was vague about the sample size"
MY_DRAFT = "PLANTED-55d2 Tom, thank you for the questions about the churn model. Dana"
DRAFT_INPUT = input_block_id(thank_you_key(1), BODY)  # Tom's thank-you email


def plant(running: RunningBot) -> tuple[str, dict[str, Any], str]:
    """Dana answers the reflection in its thread and saves an edited thank-you draft; the
    thank-you DM's channel and message, and the reflection prompt's ts."""
    channel, thank_you = answered_thank_you(running, SAID_WELL, TO_CLARIFY)
    save(running, open_drafts(running, channel, thank_you), **{DRAFT_INPUT: MY_DRAFT})
    with running.db.transaction() as session:
        prompt_ts = session.scalars(
            select(Nudge.message_ts).where(Nudge.kind == NudgeKind.REFLECTION)
        ).one()
    assert prompt_ts is not None
    return channel, thank_you, prompt_ts


def test_a_copy_of_the_database_holds_no_note_and_the_author_still_sees_them(
    standin: SlackStandIn, clock: FixedClock, database_url: str
) -> None:
    with keyed_database(database_url, [new_key()]) as db, serving(standin, clock, db) as running:
        channel, thank_you, prompt_ts = plant(running)

        dump = raw_database_bytes(db)
        for planted in (SAID_WELL, TO_CLARIFY, MY_DRAFT):
            assert planted.split()[0].encode() not in dump
        assert b"Acme Corp" in dump  # the copy is of this bot's data

        # The bot reads them back for Dana: on the prompt, in the thank-you DM, in the drafts.
        prompt = current(running, DM, prompt_ts)
        assert SAID_WELL in shown_text(prompt) and TO_CLARIFY in shown_text(prompt)
        again = prefilled(open_drafts(running, channel, current(running, channel, thank_you["ts"])))
        assert again[DRAFT_INPUT] == MY_DRAFT
        modal = _open_modal(running, prompt)
        shown = [b["element"].get("initial_value") for b in modal["blocks"] if b["type"] == "input"]
        assert shown == [SAID_WELL, TO_CLARIFY]


def test_a_bot_without_the_key_shows_the_person_a_sentence_and_keeps_serving(
    standin: SlackStandIn,
    clock: FixedClock,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with keyed_database(database_url, [new_key()]) as db:
        with serving(standin, clock, db) as running:
            channel, thank_you, prompt_ts = plant(running)
        caplog.set_level(logging.DEBUG)
        with reader(database_url, [new_key()]) as wrong, serving(standin, clock, wrong) as other:
            modal = _open_modal(other, current(other, DM, prompt_ts))
            drafts = prefilled(
                open_drafts(other, channel, current(other, channel, thank_you["ts"]))
            )

            inputs = [b["element"] for b in modal["blocks"] if b["type"] == "input"]
            assert [i.get("initial_value") for i in inputs] == [unreadable_text("answer")] * 2
            assert drafts[DRAFT_INPUT] == unreadable_text("draft")
            assert other.get("/healthz")[0] == 200
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "is encrypted under a key that DATA_ENCRYPTION_KEYS does not have" in logged
    for planted in (SAID_WELL, TO_CLARIFY, MY_DRAFT):
        assert planted.split()[0] not in logged


@pytest.mark.parametrize("keyed", [False, True], ids=["no key", "key"])
def test_start_up_without_a_key_warns_that_notes_are_stored_unencrypted(
    standin: SlackStandIn,
    clock: FixedClock,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
    keyed: bool,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.app")
    with (
        keyed_database(database_url, [new_key()] if keyed else []) as db,
        serving(standin, clock, db),
    ):
        pass
    warnings = [r for r in caplog.records if "UNENCRYPTED" in r.getMessage()]
    assert len(warnings) == (0 if keyed else 1)
    if warnings:
        assert warnings[0].levelno == logging.WARNING
        assert "DATA_ENCRYPTION_KEYS is not set" in warnings[0].getMessage()
