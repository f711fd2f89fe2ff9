"""Answers always land (issue 8, item 5), over signed HTTP: a top-level DM while two
interviews' reflection prompts are open is asked about (a button per interview), kept in
Slack meanwhile, and stored under the interview picked, once and for its author only; every
reply names the interview the answer was stored for."""

from __future__ import annotations

from typing import Any

from coach_devkit.slack_standin.signed_sender import SlackPerson, new_message_ts
from sqlalchemy import select

from bot.rules.domain import NudgeKind, ReflectionQuestion
from bot.rules.playbook import default_playbook
from bot.store.models import Interview, Nudge, Reflection
from bot.ui.answer_routing import MESSAGE_GONE, NOT_SAVED, NOT_YOUR_MESSAGE
from tests.e2e.test_buttons import (
    current,
    deliver,
    dispatch,
    ephemerals,
    labels,
    log_interview,
    nudges,
    press,
    shown_text,
)
from tests.e2e.test_reflection_answers import edit
from tests.harness import DANA, SAM, RunningBot

DM = "D0456EFGH"
PLAYBOOK = default_playbook()
Q2 = PLAYBOOK.questions.to_clarify
ACME, GLOBEX = "Acme Corp — Data Analyst", "Globex — Platform engineer"


def writes(
    running: RunningBot, text: str, thread_ts: str | None = None, person: SlackPerson = DANA
) -> tuple[str, list[dict[str, Any]]]:
    """The person writes in their DM (Slack keeps the message, as the real one does); returns
    its ts and the bot's posts in answer."""
    before = len(running.standin.calls_to("chat.postMessage"))
    ts = new_message_ts()
    running.standin.person_wrote(DM, person.user_id, text, ts, thread_ts=thread_ts)
    reply = running.slack.direct_message(text, person, DM, thread_ts=thread_ts, ts=ts)
    running.idle()
    assert reply.status == 200
    return ts, [c.params for c in running.standin.calls_to("chat.postMessage")[before:]]


def stored(running: RunningBot) -> dict[str, dict[ReflectionQuestion, str]]:
    """Every answer in the database, by company."""
    with running.db.transaction() as session:
        found: dict[str, dict[ReflectionQuestion, str]] = {}
        rows = session.execute(
            select(Reflection, Interview).join(Interview, Reflection.interview_id == Interview.id)
        ).all()
        for reflection, interview in rows:
            answers = found.setdefault(interview.company, {})
            answers[ReflectionQuestion(reflection.question_key)] = reflection.answer
        return found


def two_open_prompts(running: RunningBot) -> tuple[dict[str, Any], dict[str, Any]]:
    """Acme's reflection prompt, then Globex's (logged later): both open, none answered."""
    log_interview(running)
    _, acme = deliver(running, NudgeKind.REFLECTION)
    now = int(running.clock.now().timestamp())
    log_interview(running, company="Globex", role="Platform engineer", happened_at=now - 3600)
    _, globex = deliver(running, NudgeKind.REFLECTION)
    assert acme["ts"] != globex["ts"]
    return acme, globex


def asked(running: RunningBot, text: str) -> tuple[str, dict[str, Any]]:
    """Write `text` at the top level with two prompts open: the coach's question, as shown."""
    ts, posts = writes(running, text)
    [question] = posts
    assert question["thread_ts"] == ts  # asked under the message it is about
    [message] = [m for m in running.standin.messages(DM) if m.get("blocks") and _is(m, ts)]
    return ts, message


def _is(message: dict[str, Any], ts: str) -> bool:
    return message.get("thread_ts") == ts and message.get("user") != DANA.user_id


def test_two_open_prompts_a_top_level_reply_is_asked_about_then_stored_where_picked(
    running: RunningBot,
) -> None:
    acme_prompt, _ = two_open_prompts(running)

    _, question = asked(running, "I explained my SQL project well")

    assert "Which interview is this answer for?" in shown_text(question)
    assert labels(question) == [GLOBEX, ACME, "Not an answer"]  # latest prompt first
    assert stored(running) == {}  # nothing stored before the pick
    before = len(running.standin.calls_to("chat.postMessage"))

    press(running, DM, question, ACME)

    assert stored(running) == {
        "Acme Corp": {ReflectionQuestion.SAID_WELL: "I explained my SQL project well"}
    }
    [reply] = [c.params for c in running.standin.calls_to("chat.postMessage")[before:]]
    assert reply["thread_ts"] == acme_prompt["ts"]  # kept with its prompt
    assert reply["text"] == f"Saved for {ACME}. Next: *{Q2}*"
    after = current(running, DM, question["ts"])
    assert shown_text(after) == f"Saved for {ACME}."
    assert labels(after) == []  # the buttons are gone
    # The prompt's message shows the answer now.
    assert "I explained my SQL project well" in shown_text(current(running, DM, acme_prompt["ts"]))


def test_a_numbered_top_level_reply_goes_to_the_interview_picked(running: RunningBot) -> None:
    two_open_prompts(running)
    _, question = asked(running, "2: the case study")

    press(running, DM, question, GLOBEX)

    assert stored(running) == {"Globex": {ReflectionQuestion.TO_CLARIFY: "the case study"}}


def test_pressing_twice_stores_once(running: RunningBot) -> None:
    two_open_prompts(running)
    _, question = asked(running, "the dashboard demo")

    press(running, DM, question, ACME)
    before = len(running.standin.calls_to("chat.postMessage"))
    press(running, DM, question, ACME)  # a double click, with the buttons still on its copy
    press(running, DM, question, GLOBEX)  # or the other one

    assert stored(running) == {"Acme Corp": {ReflectionQuestion.SAID_WELL: "the dashboard demo"}}
    assert len(running.standin.calls_to("chat.postMessage")) == before  # no second reply
    assert [e["text"] for e in ephemerals(running)][-2:] == [
        f"That message is already saved for {ACME}, so nothing changed."
    ] * 2


def test_a_press_by_someone_else_is_refused_and_stores_nothing(running: RunningBot) -> None:
    two_open_prompts(running)
    _, question = asked(running, "the dashboard demo")

    press(running, DM, question, ACME, person=SAM)

    assert stored(running) == {}
    assert ephemerals(running)[-1]["text"] == NOT_YOUR_MESSAGE
    assert labels(current(running, DM, question["ts"])) == [GLOBEX, ACME, "Not an answer"]

    press(running, DM, question, GLOBEX)  # the author still can
    assert stored(running) == {"Globex": {ReflectionQuestion.SAID_WELL: "the dashboard demo"}}


def test_not_an_answer_stores_nothing_nor_does_a_message_slack_no_longer_has(
    running: RunningBot,
) -> None:
    two_open_prompts(running)
    _, question = asked(running, "thanks!")
    press(running, DM, question, "Not an answer")
    assert stored(running) == {}
    assert shown_text(current(running, DM, question["ts"])) == NOT_SAVED

    # A button naming a message Slack does not have (deleted meanwhile): nothing stored.
    [acme_button] = [e for e in question["blocks"][1]["elements"] if e["text"]["text"] == ACME]
    nudge_id = acme_button["value"].split(":")[0]
    press(running, DM, question, ACME, value=f"{nudge_id}:1.000001")
    assert stored(running) == {}
    assert ephemerals(running)[-1]["text"] == MESSAGE_GONE


def test_a_thread_reply_goes_to_its_prompt_and_names_it(running: RunningBot) -> None:
    acme_prompt, _ = two_open_prompts(running)

    _, [reply] = writes(running, "the churn model walk-through", thread_ts=acme_prompt["ts"])

    assert stored(running) == {
        "Acme Corp": {ReflectionQuestion.SAID_WELL: "the churn model walk-through"}
    }
    assert (reply["thread_ts"], reply["text"]) == (
        acme_prompt["ts"],
        f"Saved for {ACME}. Next: *{Q2}*",
    )


def test_one_open_prompt_a_top_level_reply_goes_to_it_and_names_it(running: RunningBot) -> None:
    log_interview(running)
    _, prompt = deliver(running, NudgeKind.REFLECTION)

    _, [reply] = writes(running, "the churn model walk-through")

    assert stored(running) == {
        "Acme Corp": {ReflectionQuestion.SAID_WELL: "the churn model walk-through"}
    }
    assert (reply["thread_ts"], reply["text"]) == (prompt["ts"], f"Saved for {ACME}. Next: *{Q2}*")


def test_a_reply_in_a_grouped_dm_carrying_two_prompts_asks_which(running: RunningBot) -> None:
    # Two interviews logged together: their prompts go out together, as one DM.
    log_interview(running)
    log_interview(running, company="Globex", role="Platform engineer")
    dispatch(running, min(n.due_at for n in nudges(running) if n.kind is NudgeKind.REFLECTION))
    with running.db.transaction() as session:
        prompts = session.scalars(
            select(Nudge).where(Nudge.kind == NudgeKind.REFLECTION, Nudge.status == "sent")
        ).all()
        [shared] = {p.message_ts for p in prompts}  # one grouped DM, one thread
    assert len(prompts) == 2

    _, [question] = writes(running, "the churn model walk-through", thread_ts=shared)

    assert question["thread_ts"] == shared  # asked in the thread it was written in
    assert stored(running) == {}
    [message] = [
        m
        for m in running.standin.messages(DM)
        if m.get("thread_ts") == shared and "Which interview" in str(m.get("blocks"))
    ]
    assert labels(message) == [ACME, GLOBEX, "Not an answer"]
    press(running, DM, message, GLOBEX)
    assert stored(running) == {
        "Globex": {ReflectionQuestion.SAID_WELL: "the churn model walk-through"}
    }


def test_editing_a_message_filed_on_a_press_edits_that_answer(running: RunningBot) -> None:
    two_open_prompts(running)
    ts, question = asked(running, "the dashboard demo")
    press(running, DM, question, GLOBEX)

    edit(running, ts, "the dashboard demo", "the dashboard demo, and the SQL")

    assert stored(running) == {
        "Globex": {ReflectionQuestion.SAID_WELL: "the dashboard demo, and the SQL"}
    }
