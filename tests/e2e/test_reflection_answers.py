"""Answering the reflection prompt: by DM (in its thread or at the top level) and through the
Answer modal, over signed HTTP as Slack delivers them."""

from __future__ import annotations

from typing import Any

from coach_devkit.slack_standin.signed_sender import SlackPerson, SlackReply, fill_view_state
from sqlalchemy import select

from bot.rules.domain import ANSWER_MAX, NudgeKind, ReflectionQuestion
from bot.rules.playbook import default_playbook
from bot.store.models import Reflection
from bot.ui.messages import (
    ALREADY_ANSWERED,
    ANSWER_MODAL_FAILED,
    ANSWER_TOO_LONG,
    ANSWER_UNCHANGED_FOR,
    BOTH_ANSWERED,
    DM_HELP,
    NOT_YOURS,
    PROMPT_CLOSED,
    UNKNOWN_NUDGE,
)
from bot.ui.reflection_modal import BLOCK_IDS, BOTH_EMPTY, CALLBACK_ID, TOO_LONG
from tests.e2e.test_buttons import (
    current,
    deliver,
    delivered_follow_up,
    ephemerals,
    labels,
    log_interview,
    press,
    sent_message,
    shown_text,
)
from tests.harness import DANA, SAM, RunningBot, fixture_json

DM = "D0456EFGH"
PLAYBOOK = default_playbook()
Q1, Q2 = PLAYBOOK.questions.said_well, PLAYBOOK.questions.to_clarify
SAID_WELL, TO_CLARIFY = ReflectionQuestion.SAID_WELL, ReflectionQuestion.TO_CLARIFY
# Every reply names the interview the answer was stored for (bot.rules.labels).
ACME = "Acme Corp — Data Analyst"


def _prompt(running: RunningBot) -> dict[str, Any]:
    """Log an interview and deliver its nudges due now: the reflection prompt among them."""
    log_interview(running)
    channel, message = deliver(running, NudgeKind.REFLECTION)
    assert channel == DM
    return message


def write(
    running: RunningBot,
    text: str,
    thread_ts: str | None = None,
    person: SlackPerson = DANA,
    channel: str = DM,
) -> dict[str, Any]:
    """The person writes in their DM with the bot; returns the bot's one reply's params."""
    before = len(running.standin.calls_to("chat.postMessage"))
    reply = running.slack.direct_message(text, person, channel, thread_ts=thread_ts)
    running.idle()
    assert reply.status == 200
    posts = running.standin.calls_to("chat.postMessage")[before:]
    assert len(posts) == 1, [p.params.get("text") for p in posts]
    return posts[0].params


def answers(running: RunningBot) -> dict[ReflectionQuestion, str]:
    with running.db.transaction() as session:
        rows = session.scalars(select(Reflection))
        return {ReflectionQuestion(r.question_key): r.answer for r in rows}


# -- by DM ------------------------------------------------------------------------------------


def test_replies_in_the_prompts_thread_answer_question_one_then_two(running: RunningBot) -> None:
    prompt = _prompt(running)

    first = write(running, "I explained my project well; she nodded.", thread_ts=prompt["ts"])

    assert answers(running) == {SAID_WELL: "I explained my project well; she nodded."}
    assert first["thread_ts"] == prompt["ts"]
    assert first["text"] == f"Saved for {ACME}. Next: *{Q2}*"

    second = write(running, "The scaling question.", thread_ts=prompt["ts"])

    assert answers(running)[TO_CLARIFY] == "The scaling question."
    assert second["thread_ts"] == prompt["ts"]
    assert second["text"] == f"Saved for {ACME}. {BOTH_ANSWERED}"


def test_a_top_level_dm_answers_the_open_prompt_in_its_thread(running: RunningBot) -> None:
    prompt = _prompt(running)

    reply = write(running, "My portfolio walk-through landed.")

    assert answers(running) == {SAID_WELL: "My portfolio walk-through landed."}
    assert reply["thread_ts"] == prompt["ts"]
    assert reply["channel"] == DM


def test_a_numbered_reply_revises_and_the_same_text_changes_nothing(running: RunningBot) -> None:
    prompt = _prompt(running)
    write(running, "first take", thread_ts=prompt["ts"])
    write(running, "the gap in my CV", thread_ts=prompt["ts"])

    revised = write(running, "1: the project demo, really")
    assert revised["text"] == f"Updated your answer to *{Q1}* for {ACME}."
    assert revised["thread_ts"] == prompt["ts"]
    assert answers(running) == {
        SAID_WELL: "the project demo, really",
        TO_CLARIFY: "the gap in my CV",
    }

    assert write(running, "2) the gap in my CV")["text"] == ANSWER_UNCHANGED_FOR.format(where=ACME)
    # Both answered and no number: the coach says how to revise instead of guessing.
    assert write(running, "something else", thread_ts=prompt["ts"])["text"] == ALREADY_ANSWERED
    assert answers(running)[SAID_WELL] == "the project demo, really"


def test_a_dm_with_no_open_prompt_gets_the_helpful_reply_where_it_was_written(
    running: RunningBot,
) -> None:
    top = write(running, "hello?")
    assert top["text"] == DM_HELP
    assert top.get("thread_ts") is None
    assert "/interview logged" in DM_HELP and "Home" in DM_HELP

    in_thread = write(running, "what now?", thread_ts="1700000000.000100")
    assert (in_thread["text"], in_thread["thread_ts"]) == (DM_HELP, "1700000000.000100")
    assert answers(running) == {}


def test_an_overlong_answer_is_refused_with_the_reason(running: RunningBot) -> None:
    prompt = _prompt(running)

    reply = write(running, "x" * (ANSWER_MAX + 1), thread_ts=prompt["ts"])

    assert reply["text"] == ANSWER_TOO_LONG
    assert answers(running) == {}


def test_hostile_text_is_stored_as_typed_and_shown_escaped(running: RunningBot) -> None:
    prompt = _prompt(running)
    hostile = "<!channel> & <@U0ADMIN> <https://evil.example|click>"
    write(running, "fine", thread_ts=prompt["ts"])

    write(running, hostile, thread_ts=prompt["ts"])

    assert answers(running)[TO_CLARIFY] == hostile
    # The thank-you note quotes it back, escaped.
    _, thank_you = deliver(running, NudgeKind.THANK_YOU)
    shown = shown_text(thank_you)
    assert "&lt;!channel&gt; &amp; &lt;@U0ADMIN&gt; &lt;https://evil.example|click&gt;" in shown
    for raw in ("<!channel>", "<@U0ADMIN>", "<https://"):
        assert raw not in shown
        assert raw not in thank_you["text"]


# -- by the Answer modal ----------------------------------------------------------------------


def _open_modal(running: RunningBot, prompt: dict[str, Any]) -> dict[str, Any]:
    before = len(running.standin.calls_to("views.open"))
    press(running, DM, prompt, labels(prompt)[0])
    call = running.standin.wait_for("views.open", before + 1)[-1]
    view = running.standin.view(call.response["view"]["id"])
    assert view is not None
    return view


def _submit(running: RunningBot, view: dict[str, Any], **typed: str) -> SlackReply:
    values = fill_view_state(view, {BLOCK_IDS[ReflectionQuestion(q)]: t for q, t in typed.items()})
    reply = running.slack.view_submission(view, values, DANA)
    running.idle()
    return reply


def test_the_modal_stores_both_answers_and_shows_them_on_the_prompt(running: RunningBot) -> None:
    prompt = _prompt(running)
    assert labels(prompt) == ["Answer"]

    view = _open_modal(running, prompt)
    assert view["callback_id"] == CALLBACK_ID
    reply = _submit(running, view, said_well="the demo", to_clarify="salary <expectations>")

    assert reply.body == ""  # the modal closes
    assert answers(running) == {SAID_WELL: "the demo", TO_CLARIFY: "salary <expectations>"}
    updated = current(running, DM, prompt["ts"])
    assert ">the demo" in shown_text(updated)
    assert ">salary &lt;expectations&gt;" in shown_text(updated)
    assert labels(updated) == ["Revise answers"]
    [thread_reply] = [
        c.params
        for c in running.standin.calls_to("chat.postMessage")
        if c.params.get("thread_ts") == prompt["ts"]
    ]
    assert thread_reply["text"] == f"Saved for {ACME}. {BOTH_ANSWERED}"


def test_the_modal_is_prefilled_and_revises(running: RunningBot) -> None:
    prompt = _prompt(running)
    write(running, "answered by DM", thread_ts=prompt["ts"])

    view = _open_modal(running, prompt)
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[BLOCK_IDS[SAID_WELL]]["initial_value"] == "answered by DM"
    assert "initial_value" not in inputs[BLOCK_IDS[TO_CLARIFY]]

    _submit(running, view, said_well="answered better", to_clarify="")

    # A field left empty keeps its answer as it was (here: none yet).
    assert answers(running) == {SAID_WELL: "answered better"}
    last = running.standin.calls_to("chat.postMessage")[-1].params
    assert last["text"] == f"Updated your answer to *{Q1}* for {ACME}. Next: *{Q2}*"


def test_an_empty_modal_gets_a_field_error_and_stores_nothing(running: RunningBot) -> None:
    prompt = _prompt(running)
    view = _open_modal(running, prompt)

    reply = _submit(running, view, said_well="   ", to_clarify="")

    assert reply.json() == {
        "response_action": "errors",
        "errors": {BLOCK_IDS[SAID_WELL]: BOTH_EMPTY},
    }
    assert answers(running) == {}


def test_an_overlong_modal_answer_gets_a_field_error_and_stores_nothing(
    running: RunningBot,
) -> None:
    prompt = _prompt(running)
    view = _open_modal(running, prompt)

    reply = _submit(running, view, said_well="x" * (ANSWER_MAX + 1), to_clarify="fine")

    assert reply.json() == {
        "response_action": "errors",
        "errors": {BLOCK_IDS[SAID_WELL]: TOO_LONG},
    }
    assert answers(running) == {}


def test_an_overlong_second_answer_keeps_the_first_from_being_saved_alone(
    running: RunningBot,
) -> None:
    prompt = _prompt(running)
    view = _open_modal(running, prompt)

    reply = _submit(running, view, said_well="the demo", to_clarify="x" * (ANSWER_MAX + 1))

    assert reply.json() == {
        "response_action": "errors",
        "errors": {BLOCK_IDS[TO_CLARIFY]: TOO_LONG},
    }
    # The modal stays open with the error: nothing of it may be stored yet.
    assert answers(running) == {}


def test_an_answer_press_slack_cannot_open_the_modal_for_is_explained(
    running: RunningBot,
) -> None:
    prompt = _prompt(running)
    running.standin.fail_next("views.open", "expired_trigger_id")

    press(running, DM, prompt, "Answer")

    assert [e["text"] for e in ephemerals(running)] == [
        ANSWER_MODAL_FAILED.format(error="expired_trigger_id")
    ]


def test_an_answer_press_for_no_such_prompt_says_so(
    running: RunningBot,
) -> None:
    prompt = _prompt(running)
    opened = len(running.standin.calls_to("views.open"))

    press(running, DM, prompt, "Answer", value="not-a-number")
    press(running, DM, prompt, "Answer", value="987654")

    assert [e["text"] for e in ephemerals(running)] == [UNKNOWN_NUDGE, UNKNOWN_NUDGE]
    assert len(running.standin.calls_to("views.open")) == opened


def test_an_answer_press_after_the_interview_closed_says_it_is_closed(
    running: RunningBot,
) -> None:
    channel, follow_up = delivered_follow_up(running)
    _, prompt = sent_message(running, NudgeKind.REFLECTION)
    press(running, channel, follow_up, "Stop reminders")
    opened = len(running.standin.calls_to("views.open"))

    press(running, DM, prompt, labels(prompt)[0])

    assert [e["text"] for e in ephemerals(running)] == [PROMPT_CLOSED]
    assert len(running.standin.calls_to("views.open")) == opened


def test_someone_elses_answer_press_is_refused(running: RunningBot) -> None:
    prompt = _prompt(running)
    opened = len(running.standin.calls_to("views.open"))

    press(running, DM, prompt, "Answer", person=SAM)

    assert len(running.standin.calls_to("views.open")) == opened
    assert [e["text"] for e in ephemerals(running)] == [NOT_YOURS]


def test_a_forged_modal_submission_for_someone_elses_prompt_stores_nothing(
    running: RunningBot,
) -> None:
    prompt = _prompt(running)
    view = _open_modal(running, prompt)
    values = fill_view_state(view, {BLOCK_IDS[SAID_WELL]: "not mine"})

    reply = running.slack.view_submission(view, values, SAM)
    running.idle()

    assert reply.json()["response_action"] == "errors"
    assert answers(running) == {}


def test_a_dm_answer_shows_on_the_prompt_message_itself(running: RunningBot) -> None:
    prompt = _prompt(running)
    write(running, "the <!channel> demo went well", thread_ts=prompt["ts"])

    shown = shown_text(current(running, DM, prompt["ts"]))

    assert "the &lt;!channel&gt; demo went well" in shown
    assert "<!channel>" not in shown

    write(running, "1: the live demo went well", thread_ts=prompt["ts"])

    assert "the live demo went well" in shown_text(current(running, DM, prompt["ts"]))


# -- what else a reply can be: with a file, also sent to the DM, edited, with links ------------


def post_event(running: RunningBot, **event: Any) -> list[dict[str, Any]]:
    """Dana's DM event as Slack sends it (`text` as Slack encodes it); the bot's posts."""
    before = len(running.standin.calls_to("chat.postMessage"))
    base = {"type": "message", "channel": DM, "channel_type": "im", "team": DANA.team_id}
    reply = running.slack.event({**base, **event}, DANA)
    running.idle()
    assert reply.status == 200
    return [c.params for c in running.standin.calls_to("chat.postMessage")[before:]]


def edit(running: RunningBot, ts: str, before: str, after: str) -> list[dict[str, Any]]:
    """Dana edits her message at `ts`, shaped as the captured message_changed event."""
    event = fixture_json("event_message_im_edited.json")["event"]
    message = {**event["message"], "ts": ts, "text": after, "user": DANA.user_id}
    previous = {**event["previous_message"], "ts": ts, "text": before, "user": DANA.user_id}
    event |= {"channel": DM, "message": message, "previous_message": previous}
    return post_event(running, **event)


def test_a_reply_with_a_file_or_also_sent_to_the_dm_is_an_answer(running: RunningBot) -> None:
    prompt = _prompt(running)

    [first] = post_event(
        running,
        subtype="file_share",
        user=DANA.user_id,
        ts="1800000000.000100",
        thread_ts=prompt["ts"],
        text="My notes are attached.",
        files=[{"id": "F0NOTES01", "name": "notes.pdf", "mimetype": "application/pdf"}],
    )
    [second] = post_event(
        running,
        subtype="thread_broadcast",
        user=DANA.user_id,
        ts="1800000000.000200",
        thread_ts=prompt["ts"],
        text="The scaling question.",
        root={"ts": prompt["ts"], "text": prompt["text"], "bot_id": "B0BOT"},
    )

    assert answers(running) == {
        SAID_WELL: "My notes are attached.",
        TO_CLARIFY: "The scaling question.",
    }
    assert (first["thread_ts"], first["text"]) == (prompt["ts"], f"Saved for {ACME}. Next: *{Q2}*")
    both = f"Saved for {ACME}. {BOTH_ANSWERED}"
    assert (second["thread_ts"], second["text"]) == (prompt["ts"], both)


def test_editing_an_answer_in_slack_edits_it_and_the_prompt(running: RunningBot) -> None:
    prompt = _prompt(running)
    ts = "1800000000.000300"
    post_event(running, user=DANA.user_id, ts=ts, thread_ts=prompt["ts"], text="She nodded a lot.")

    [reply] = edit(running, ts, "She nodded a lot.", "She smiled at my demo.")

    assert answers(running) == {SAID_WELL: "She smiled at my demo."}
    shown = shown_text(current(running, DM, prompt["ts"]))
    assert "She smiled at my demo." in shown
    assert "She nodded a lot." not in shown
    assert reply["thread_ts"] == prompt["ts"]
    assert reply["text"] == f"Updated your answer to *{Q1}* for {ACME}. Next: *{Q2}*"


def test_editing_a_message_that_is_not_the_stored_answer_changes_nothing(
    running: RunningBot,
) -> None:
    prompt = _prompt(running)
    first = "1800000000.000400"
    post_event(running, user=DANA.user_id, ts=first, thread_ts=prompt["ts"], text="First take.")
    post_event(running, user=DANA.user_id, ts="1800000000.000500", text="1: Better take.")
    updates = len(running.standin.calls_to("chat.update"))

    # The first message's answer was revised since; the other message was never an answer;
    # a link preview (Slack's own edit) keeps the words.
    assert edit(running, first, "First take.", "Edited first take.") == []
    assert edit(running, "1700000000.000999", "thanks!", "thanks a lot!") == []
    assert edit(running, "1800000000.000500", "1: Better take.", "1: Better take.") == []

    assert answers(running) == {SAID_WELL: "Better take."}
    assert len(running.standin.calls_to("chat.update")) == updates


def test_links_and_mentions_are_shown_back_as_slack_shows_them(running: RunningBot) -> None:
    prompt = _prompt(running)
    # As Slack sends them: links and mentions as markup, what Dana typed escaped.
    typed = (
        "Sent <https://example.com/q?a=1&amp;b=2|my query> to <@U0SAM0001> in <#C0GEN4567|job-hunt>"
        " &lt;3 <!channel>"
    )

    post_event(
        running, user=DANA.user_id, ts="1800000000.000600", thread_ts=prompt["ts"], text=typed
    )

    stored = answers(running)[SAID_WELL]
    assert stored == (
        "Sent my query (https://example.com/q?a=1&b=2) to @sam in #job-hunt <3 @channel"
    )
    shown = shown_text(current(running, DM, prompt["ts"]))
    assert "Sent my query (https://example.com/q?a=1&amp;b=2) to @sam in #job-hunt &lt;3" in shown
    for markup in ("&lt;https", "&lt;@", "&lt;#", "<!channel>", "&lt;!channel"):
        assert markup not in shown
    assert [c.params["user"] for c in running.standin.calls_to("users.info")][-1] == SAM.user_id
