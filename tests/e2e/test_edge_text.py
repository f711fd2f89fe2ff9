"""Text the databases would treat differently is made the same before either sees it: an
answer with a NUL byte or a lone surrogate is kept (cleaned), alike on SQLite and
PostgreSQL, and a failed statement never carries an answer into the log."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from bot.rules.domain import ReflectionQuestion
from bot.store.db import Database
from bot.store.models import Reflection
from bot.ui.log_modal import BLOCK_IDS
from tests.e2e.test_log_submission import interviews, submit
from tests.e2e.test_reflection_answers import _prompt, answers, write
from tests.harness import RunningBot


def test_an_answer_with_a_nul_and_a_lone_surrogate_is_kept_cleaned(running: RunningBot) -> None:
    prompt = _prompt(running)

    reply = write(running, "I did well\x00 on \ud800 the demo", thread_ts=prompt["ts"])

    assert answers(running) == {ReflectionQuestion.SAID_WELL: "I did well on \ufffd the demo"}
    assert reply["thread_ts"] == prompt["ts"]


def test_a_failed_statement_does_not_log_its_parameters(db: Database) -> None:
    secret = "my private reflection"
    at = datetime(2026, 11, 26, tzinfo=UTC)
    with pytest.raises(IntegrityError) as failure, db.transaction() as session:
        # No such interview: the foreign key refuses it on both databases.
        session.add(
            Reflection(
                interview_id=999_999,
                question_key="said_well",
                answer=secret,
                answered_at=at,
                updated_at=at,
            )
        )
        session.flush()

    assert secret not in str(failure.value)
    assert "hidden due to hide_parameters" in str(failure.value)


@pytest.mark.parametrize("timeline", ["2026-02-30", "soon", "2026-13-01"])
def test_a_timeline_that_is_no_date_gets_a_field_error_not_silence(
    running: RunningBot, timeline: str
) -> None:
    view = running.open_log_modal("logged")

    reply = submit(running, view, employer_timeline=timeline)

    assert reply.json() == {
        "response_action": "errors",
        "errors": {
            BLOCK_IDS["employer_timeline"]: "That date could not be read; please pick it again."
        },
    }
    assert interviews(running) == []
    # Picked again, it is stored.
    assert submit(running, view, employer_timeline="2026-12-04").body == ""
    assert [i.employer_timeline for i in interviews(running)] == [date(2026, 12, 4)]


def test_ids_too_long_for_postgresql_columns_get_200_and_store_nothing(running: RunningBot) -> None:
    """PostgreSQL refuses a `view.id` over 32 characters or an `event_id` over 64 where SQLite
    takes them; the edge refuses both first, so the two databases answer alike."""
    view = running.open_log_modal("logged Acme Corp")
    long_view = {**view, "id": "V" + "9" * 40}

    submitted = submit(running, long_view)
    answered = running.slack.event(
        {"type": "app_home_opened", "user": "U0456EFGH", "channel": "D1", "tab": "home"},
        event_id="Ev" + "1" * 70,
    )
    running.idle()

    assert (submitted.status, answered.status) == (200, 200)
    assert interviews(running) == []
