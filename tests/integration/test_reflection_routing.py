"""Which reflection prompt a DM answers: its thread always; at the top level only while the
prompt is the last thing the coach sent, or when the reply names its question."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.rules.domain import NudgeKind, ReflectionQuestion
from bot.rules.playbook import default_playbook
from bot.rules.view_models import AnswerStatus
from bot.store.db import Database
from tests.coach_helpers import deliver_kind, dm, log

PLAYBOOK = default_playbook()


def test_after_the_next_nudge_a_top_level_dm_is_no_longer_taken_as_an_answer(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    clock.advance(timedelta(hours=1))
    deliver_kind(db, interview_id, NudgeKind.REFLECTION, clock.now(), "5.5")
    clock.advance(timedelta(hours=1))
    deliver_kind(db, interview_id, NudgeKind.THANK_YOU, clock.now(), "6.6")

    thanks = dm(db, clock, "thanks!", thread_ts=None)
    numbered = dm(db, clock, "2: the on-call question", thread_ts=None)
    in_thread = dm(db, clock, "the migration story", thread_ts="5.5")

    assert thanks.status is AnswerStatus.NO_OPEN_PROMPT
    assert (numbered.status, numbered.question) == (
        AnswerStatus.SAVED,
        ReflectionQuestion.TO_CLARIFY,
    )
    assert (in_thread.status, in_thread.question) == (
        AnswerStatus.SAVED,
        ReflectionQuestion.SAID_WELL,
    )


def test_while_the_prompt_is_the_latest_message_a_top_level_dm_answers_it(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    clock.advance(timedelta(hours=1))
    deliver_kind(db, interview_id, NudgeKind.REFLECTION, clock.now(), "5.5")

    reply = dm(db, clock, "the migration story", thread_ts=None)

    assert (reply.status, reply.prompt_ts) == (AnswerStatus.SAVED, "5.5")
