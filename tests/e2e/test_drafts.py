"""The Draft button over signed HTTP, as Slack delivers the presses and submissions: the
modal shows the message's drafts from the interview's facts and the reflection, a Save keeps
the person's edits (once) and shows them copy-ready, an answer given after the thank-you DM
reaches the DM and the drafts, and nobody but the owner sees or saves them."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from coach_devkit.slack_standin.signed_sender import SlackPerson, SlackReply, fill_view_state
from sqlalchemy import select

from bot.rules.domain import NudgeKind
from bot.rules.draft_sheet import CARD_KEY, follow_up_key, thank_you_key
from bot.rules.mailto import MAILTO_MAX
from bot.rules.playbook import default_playbook
from bot.store.models import Draft
from bot.ui.draft_modal import BODY, OPEN_IN_EMAIL, SUBJECT, input_block_id
from bot.ui.messages import NOT_YOUR_DRAFTS, NOT_YOUR_DRAFTS_SAVE, STALE_BUTTON
from tests.e2e.test_buttons import (
    current,
    deliver,
    ephemerals,
    labels,
    log_interview,
    press,
    shown_text,
)
from tests.e2e.test_reflection_answers import write
from tests.harness import DANA, SAM, RunningBot

SAID_WELL = "I walked them through my churn model and Tom asked good questions"
TO_CLARIFY = "I was vague about how I chose the sample size"
PLAYBOOK = default_playbook()


def answered_thank_you(running: RunningBot, *answers: str) -> tuple[str, dict[str, Any]]:
    """Log the interview, answer the reflection with `answers` in its thread, deliver the
    thank-you DM; its channel and message."""
    log_interview(running)
    _, prompt = deliver(running, NudgeKind.REFLECTION)
    for answer in answers:
        write(running, answer, thread_ts=prompt["ts"])
    return deliver(running, NudgeKind.THANK_YOU)


def open_drafts(
    running: RunningBot, channel: str, message: dict[str, Any], person: SlackPerson = DANA
) -> dict[str, Any]:
    """Press Draft on the message; the modal Slack now shows."""
    before = len(running.standin.calls_to("views.open"))
    press(running, channel, message, "Draft", person=person)
    [call] = running.standin.calls_to("views.open")[before:]
    view = running.standin.view(call.response["view"]["id"])
    assert view is not None
    return view


def prefilled(view: dict[str, Any]) -> dict[str, str]:
    """Each input's text as the modal opens: block_id to initial value."""
    return {
        b["block_id"]: b["element"].get("initial_value") or ""
        for b in view["blocks"]
        if b["type"] == "input"
    }


def save(
    running: RunningBot, view: dict[str, Any], person: SlackPerson = DANA, **edits: str
) -> SlackReply:
    """Submit the modal with every input as prefilled except `edits` (block_id: text)."""
    typed = prefilled(view) | edits
    reply = running.slack.view_submission(view, fill_view_state(view, typed), person)
    running.idle()
    assert reply.status == 200
    return reply


def saved(running: RunningBot) -> list[Draft]:
    with running.db.transaction() as session:
        rows = list(session.scalars(select(Draft).order_by(Draft.id)))
        session.expunge_all()
        return rows


def rich_texts(view: dict[str, Any]) -> list[str]:
    return [
        part["text"]
        for block in view["blocks"]
        if block["type"] == "rich_text"
        for element in block["elements"]
        for part in element["elements"]
    ]


def link_urls(view: dict[str, Any]) -> list[str]:
    return [
        e["url"]
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("url")
    ]


def test_draft_shows_each_interviewers_email_and_a_saved_edit_comes_back(
    running: RunningBot,
) -> None:
    channel, message = answered_thank_you(running, SAID_WELL, TO_CLARIFY)
    assert labels(message) == ["Email sent", "Card mailed", "Skip", "Draft"]

    view = open_drafts(running, channel, message)

    shown = prefilled(view)
    priya = shown[input_block_id(thank_you_key(0), BODY)]
    tom = shown[input_block_id(thank_you_key(1), BODY)]
    assert priya.startswith("Dear Priya Shah,") or "Priya Shah" in priya.split("\n")[0]
    assert "Tom Lee" in tom.split("\n")[0]
    for body in (priya, tom):
        assert TO_CLARIFY in body  # the point to clarify, as one honest sentence
        assert "churn model" in body  # one thing discussed, from "what did I say well"
        assert body.rstrip().endswith("dana")  # signed with Slack's display name
    assert "Acme Corp" in shown[input_block_id(thank_you_key(0), SUBJECT)]
    assert input_block_id(CARD_KEY, BODY) in shown  # face-to-face, traditional: a card too
    assert running.standin.calls_to("users.info")  # the name is learned afresh, after

    mine = "Tom, thank you for the questions about the churn model. — Dana"
    reply = save(running, view, **{input_block_id(thank_you_key(1), BODY): mine})

    answer = reply.json()
    assert answer["response_action"] == "update"
    ready = answer["view"]
    assert ready["title"]["text"] == "Copy-ready"
    texts = rich_texts(ready)
    assert any(text.endswith(mine) for text in texts)
    assert any(priya in text for text in texts)
    urls = link_urls(ready)
    assert len(urls) == 2 and all(len(url) <= MAILTO_MAX for url in urls)
    assert all(urlsplit(url).scheme == "mailto" for url in urls)
    assert mine in unquote(urls[1])
    [stored] = saved(running)
    assert (stored.draft_key, stored.body) == (thank_you_key(1), mine)

    # Slack delivering the Save twice stores it once.
    save(running, view, **{input_block_id(thank_you_key(1), BODY): mine})
    assert [(d.id, d.updated_at) for d in saved(running)] == [(stored.id, stored.updated_at)]

    again = prefilled(open_drafts(running, channel, current(running, channel, message["ts"])))
    assert again[input_block_id(thank_you_key(1), BODY)] == mine
    assert again[input_block_id(thank_you_key(0), BODY)] == priya
    # Nothing is sent for the person: the only messages are the coach's own to them.
    assert all(c.params["channel"] == channel for c in running.standin.calls_to("chat.postMessage"))


def test_an_answer_after_the_thank_you_dm_updates_it_and_the_drafts(running: RunningBot) -> None:
    channel, message = answered_thank_you(running, SAID_WELL)
    assert TO_CLARIFY not in shown_text(message)
    view = open_drafts(running, channel, message)
    mine = "Priya — my own note, kept as I wrote it."
    save(running, view, **{input_block_id(thank_you_key(0), BODY): mine})

    write(running, f"2: {TO_CLARIFY}")

    dm = current(running, channel, message["ts"])
    assert TO_CLARIFY in shown_text(dm)  # the point to clarify, on the DM already sent
    assert labels(dm) == ["Email sent", "Card mailed", "Skip", "Draft"]
    shown = prefilled(open_drafts(running, channel, dm))
    assert TO_CLARIFY in shown[input_block_id(thank_you_key(1), BODY)]
    assert shown[input_block_id(thank_you_key(0), BODY)] == mine  # the person's own stays


def test_a_follow_up_draft_comes_with_the_call_script(running: RunningBot) -> None:
    log_interview(running, flags=["traditional", "direct_contact_ok"])
    channel, message = deliver(running, NudgeKind.FOLLOW_UP)

    view = open_drafts(running, channel, message)

    shown = prefilled(view)
    assert set(shown) == {
        input_block_id(follow_up_key(1), SUBJECT),
        input_block_id(follow_up_key(1), BODY),
    }
    assert "Priya Shah" in shown[input_block_id(follow_up_key(1), BODY)]  # the hiring manager
    script = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert any(PLAYBOOK.questions.call_questions[0] in text for text in script)


def test_someone_else_can_neither_open_nor_save_the_drafts(running: RunningBot) -> None:
    channel, message = answered_thank_you(running, SAID_WELL, TO_CLARIFY)
    opened = len(running.standin.calls_to("views.open"))

    press(running, channel, message, "Draft", person=SAM)

    assert len(running.standin.calls_to("views.open")) == opened
    assert [e["text"] for e in ephemerals(running)] == [NOT_YOUR_DRAFTS]

    # A forged submission of Dana's modal by Sam stores nothing.
    view = open_drafts(running, channel, message)
    reply = save(running, view, SAM, **{input_block_id(thank_you_key(0), BODY): "hijacked"})
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"].values()) == [NOT_YOUR_DRAFTS_SAVE]
    assert saved(running) == []


def test_an_overlong_or_empty_edit_is_refused_in_the_modal_and_nothing_stored(
    running: RunningBot,
) -> None:
    channel, message = answered_thank_you(running, SAID_WELL, TO_CLARIFY)
    view = open_drafts(running, channel, message)
    tom = input_block_id(thank_you_key(1), BODY)

    for typed in ("   ", "x" * 3001):
        answer = save(running, view, **{tom: typed}).json()
        assert answer["response_action"] == "errors"
        assert list(answer["errors"]) == [tom]
    assert saved(running) == []


def test_hostile_text_in_a_draft_stays_literal(running: RunningBot) -> None:
    hostile = "<!channel> {{ 7*7 }} {% for x in y %} *not bold* \u202eRTL"
    channel, message = answered_thank_you(running, SAID_WELL, hostile)
    view = open_drafts(running, channel, message)
    assert hostile in prefilled(view)[input_block_id(thank_you_key(0), BODY)]

    ready = save(running, view).json()["view"]

    assert any(hostile in text for text in rich_texts(ready))
    assert '"mrkdwn"' not in str(ready).replace("'", '"')
    assert saved(running) == []  # nothing edited: the drafts keep following the facts


def test_pressing_open_in_email_is_only_acked(running: RunningBot) -> None:
    channel, message = answered_thank_you(running, SAID_WELL, TO_CLARIFY)
    ready = save(running, open_drafts(running, channel, message)).json()["view"]
    [block, *_] = [b for b in ready["blocks"] if b["type"] == "actions"]
    [button] = block["elements"]
    assert button["text"]["text"] == OPEN_IN_EMAIL

    reply = running.slack.block_action(
        {"action_id": button["action_id"], "block_id": "b1", "url": button["url"]},
        person=DANA,
        view=ready,
    )
    running.idle()

    assert reply.status == 200
    assert STALE_BUTTON not in [e["text"] for e in ephemerals(running)]


def test_the_sign_off_follows_the_persons_slack_display_name(running: RunningBot) -> None:
    channel, message = answered_thank_you(running, SAID_WELL, TO_CLARIFY)
    running.standin.add_user(DANA.user_id, tz="America/Los_Angeles", name="Dana Q. Whitfield")
    body = input_block_id(thank_you_key(0), BODY)

    # The modal opens at once with the name last seen; Slack's answer is kept for next time.
    first = prefilled(open_drafts(running, channel, message))[body]
    again = prefilled(open_drafts(running, channel, message))[body]

    assert first.rstrip().endswith("dana")
    assert again.rstrip().endswith("Dana Q. Whitfield")
