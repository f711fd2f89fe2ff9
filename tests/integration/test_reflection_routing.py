"""Which reflection prompt a DM answers: its thread always; at the top level the one open
prompt while it is the last thing the coach sent, or, numbered, the one prompt open; in any
other case the coach asks which interview (WHICH_INTERVIEW), stores nothing yet, and stores
it on the person's pick (answer_for_prompt), once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.coach.reflections import answer_for_prompt
from bot.rules.domain import NudgeKind, ReflectionQuestion
from bot.rules.playbook import default_playbook
from bot.rules.view_models import AnswerResult, AnswerStatus
from bot.store.db import Database
from bot.store.models import Reflection
from tests.coach_helpers import DANA, TEAM, deliver_kind, dm, log

PLAYBOOK = default_playbook()


def stored(db: Database) -> dict[int, dict[ReflectionQuestion, str]]:
    """Every answer, by interview id."""
    with db.transaction() as session:
        found: dict[int, dict[ReflectionQuestion, str]] = {}
        for row in session.scalars(select(Reflection)):
            found.setdefault(row.interview_id, {})[ReflectionQuestion(row.question_key)] = (
                row.answer
            )
        return found


def pick(
    db: Database, clock: FixedClock, nudge_id: int, text: str, ts: str, user_id: str = DANA
) -> AnswerResult:
    return answer_for_prompt(
        db,
        nudge_id=nudge_id,
        team_id=TEAM,
        user_id=user_id,
        message_ts=ts,
        text=text,
        now=clock.now(),
        playbook=PLAYBOOK,
    )


def two_open_prompts(db: Database, clock: FixedClock) -> tuple[int, int, int, int]:
    """Two interviews (Acme, then Globex), each with its reflection prompt sent, none answered:
    (Acme's id, its prompt's nudge id, Globex's id, its prompt's)."""
    acme = log(db, clock.now(), view_id="V-acme", company="Acme", role="Data analyst").interview
    globex = log(db, clock.now(), view_id="V-globex", company="Globex").interview
    clock.advance(timedelta(hours=1))
    acme_prompt = deliver_kind(db, acme.id, NudgeKind.REFLECTION, clock.now(), "5.5")
    clock.advance(timedelta(minutes=1))
    globex_prompt = deliver_kind(db, globex.id, NudgeKind.REFLECTION, clock.now(), "6.6")
    return acme.id, acme_prompt, globex.id, globex_prompt


def test_after_the_next_nudge_a_top_level_dm_is_not_stored_unasked(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    clock.advance(timedelta(hours=1))
    prompt = deliver_kind(db, interview_id, NudgeKind.REFLECTION, clock.now(), "5.5")
    clock.advance(timedelta(hours=1))
    deliver_kind(db, interview_id, NudgeKind.THANK_YOU, clock.now(), "6.6")

    thanks = dm(db, clock, "thanks!", thread_ts=None)
    numbered = dm(db, clock, "2: the on-call question", thread_ts=None)
    in_thread = dm(db, clock, "the migration story", thread_ts="5.5")

    # Not the latest message any more: asked about (one button), never guessed or dropped.
    assert thanks.status is AnswerStatus.WHICH_INTERVIEW
    assert [c.nudge_id for c in thanks.candidates] == [prompt]
    assert (numbered.status, numbered.question) == (
        AnswerStatus.SAVED,
        ReflectionQuestion.TO_CLARIFY,
    )
    assert (in_thread.status, in_thread.question) == (
        AnswerStatus.SAVED,
        ReflectionQuestion.SAID_WELL,
    )
    assert stored(db) == {
        interview_id: {
            ReflectionQuestion.TO_CLARIFY: "the on-call question",
            ReflectionQuestion.SAID_WELL: "the migration story",
        }
    }


def test_while_the_prompt_is_the_latest_message_a_top_level_dm_answers_it(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now(), company="Acme", role="Data analyst").interview.id
    clock.advance(timedelta(hours=1))
    deliver_kind(db, interview_id, NudgeKind.REFLECTION, clock.now(), "5.5")

    reply = dm(db, clock, "the migration story", thread_ts=None)

    assert (reply.status, reply.prompt_ts) == (AnswerStatus.SAVED, "5.5")
    assert reply.interview is not None and reply.interview.id == interview_id


def test_with_two_prompts_open_a_top_level_dm_asks_and_stores_nothing(
    db: Database, clock: FixedClock
) -> None:
    acme, acme_prompt, globex, globex_prompt = two_open_prompts(db, clock)

    asked = dm(db, clock, "I explained my SQL project well", thread_ts=None)
    numbered = dm(db, clock, "1: the case study", thread_ts=None)

    for result in (asked, numbered):
        assert result.status is AnswerStatus.WHICH_INTERVIEW
        # Latest prompt first, one per interview.
        assert [(c.nudge_id, c.interview.id) for c in result.candidates] == [
            (globex_prompt, globex),
            (acme_prompt, acme),
        ]
    assert stored(db) == {}


def test_the_pick_stores_it_under_that_interview_once(db: Database, clock: FixedClock) -> None:
    acme, acme_prompt, _globex, globex_prompt = two_open_prompts(db, clock)
    dm(db, clock, "I explained my SQL project well", thread_ts=None)

    saved = pick(db, clock, acme_prompt, "I explained my SQL project well", "7.7")
    again = pick(db, clock, acme_prompt, "I explained my SQL project well", "7.7")
    elsewhere = pick(db, clock, globex_prompt, "I explained my SQL project well", "7.7")

    assert saved.status is AnswerStatus.SAVED
    assert saved.interview is not None and saved.interview.company == "Acme"
    assert (saved.prompt_ts, saved.question) == ("5.5", ReflectionQuestion.SAID_WELL)
    for later in (again, elsewhere):
        assert later.status is AnswerStatus.ALREADY_FILED
        assert later.interview is not None and later.interview.id == acme
    assert stored(db) == {acme: {ReflectionQuestion.SAID_WELL: "I explained my SQL project well"}}


def test_a_numbered_pick_answers_that_question(db: Database, clock: FixedClock) -> None:
    _acme, _, globex, globex_prompt = two_open_prompts(db, clock)

    saved = pick(db, clock, globex_prompt, "2: the case study", "7.7")

    assert (saved.status, saved.question) == (AnswerStatus.SAVED, ReflectionQuestion.TO_CLARIFY)
    assert stored(db) == {globex: {ReflectionQuestion.TO_CLARIFY: "the case study"}}


def test_someone_elses_pick_is_refused_and_stores_nothing(db: Database, clock: FixedClock) -> None:
    _, acme_prompt, _, _ = two_open_prompts(db, clock)

    refused = pick(db, clock, acme_prompt, "sneaky", "7.7", user_id="U0999OTHER")

    assert refused.status is AnswerStatus.NOT_OWNER
    assert stored(db) == {}


def test_an_unnumbered_dm_with_the_open_prompt_not_latest_asks_about_it(
    db: Database, clock: FixedClock
) -> None:
    _acme, acme_prompt, _globex, _globex_prompt = two_open_prompts(db, clock)
    for text in ("a", "b"):
        dm(db, clock, text, thread_ts="6.6")  # Globex: both answered

    # Globex's prompt (answered) is the latest message; Acme's is the only one open, not latest.
    asked = dm(db, clock, "the dashboard demo", thread_ts=None)

    assert asked.status is AnswerStatus.WHICH_INTERVIEW
    assert [c.nudge_id for c in asked.candidates] == [acme_prompt]
