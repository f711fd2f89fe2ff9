"""The coach fed Slack's own captured payloads (tests/fixtures/slack), with only the ids
of our messages filled in: a reply in a prompt's thread, and a button press."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.coach.people import note_profile
from bot.rules.domain import ContactKind, NudgeKind, ReflectionQuestion
from bot.store.models import Reflection
from tests.e2e.test_buttons import (
    contacts,
    current,
    deliver,
    find_control,
    labels,
    log_interview,
    shown_text,
)
from tests.harness import DANA, RunningBot, fixture_json

CAPTURED_DM = "D0DM12345"  # the DM channel the captured payloads happened in


def _in_captured_dm(running: RunningBot) -> None:
    """Dana's DM with the bot is the captured one, so the coach posts where they happened."""
    log_interview(running)
    note_profile(
        running.db,
        DANA.team_id,
        DANA.user_id,
        running.clock.now(),
        dm_channel_id=CAPTURED_DM,
        playbook=running.bot.services.playbook,
    )


def test_the_captured_thread_reply_answers_the_reflection_prompt(running: RunningBot) -> None:
    _in_captured_dm(running)
    channel, prompt = deliver(running, NudgeKind.REFLECTION)
    assert channel == CAPTURED_DM
    body = fixture_json("event_message_im_thread_reply.json")
    body["event"]["thread_ts"] = prompt["ts"]

    reply = running.slack.post(json.dumps(body), "application/json")
    running.idle()

    assert reply.status == 200
    with running.db.transaction() as session:
        [answer] = session.scalars(select(Reflection))
        assert (answer.question_key, answer.answer) == (
            ReflectionQuestion.SAID_WELL,
            "I fumbled the question about scaling; I want to clarify it.",
        )
    [thanks] = [
        c.params
        for c in running.standin.calls_to("chat.postMessage")
        if c.params.get("thread_ts") == prompt["ts"]
    ]
    assert thanks["channel"] == CAPTURED_DM
    assert thanks["text"].startswith("Saved for Acme Corp — Data Analyst. Next:")
    assert "I fumbled the question about scaling" in shown_text(
        current(running, CAPTURED_DM, prompt["ts"])
    )


def test_the_captured_button_press_records_follow_up_sent(running: RunningBot) -> None:
    _in_captured_dm(running)
    channel, follow_up = deliver(running, NudgeKind.FOLLOW_UP)
    block, button = find_control(follow_up, "Follow-up sent")
    payload: dict[str, Any] = fixture_json("block_actions_button.json")
    payload["container"]["message_ts"] = follow_up["ts"]
    payload["message"] = {**payload["message"], **follow_up}
    payload["response_url"] = running.standin.response_url("captured")
    payload["actions"][0] |= {
        "action_id": button["action_id"],
        "block_id": block["block_id"],
        "value": button["value"],
    }

    reply = running.slack.interaction(payload)
    running.idle()

    assert reply.status == 200
    assert [c.kind for c in contacts(running, ContactKind.FOLLOW_UP)] == [ContactKind.FOLLOW_UP]
    updated = current(running, channel, follow_up["ts"])
    assert "Follow-up sent" in shown_text(updated)
    assert "Follow-up sent" not in labels(updated)
