"""Outcomes over signed HTTP, the real dispatcher and the stand-in, the clock jumping: with
direct permission and no press, two follow-ups and then "Still waiting?"; "Close it" behind a
confirm, then silence. "Withdrew" behind a confirm, then silence, then Reopen within the day:
the schedule resumes. With nothing left to send, the interview closes itself three weeks
after the last follow-up, with a DM that says so and offers Reopen, for a day.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.rules.domain import InterviewStatus, NudgeKind, NudgeStatus, Outcome
from bot.rules.outcomes import AUTO_CLOSE_AFTER
from bot.rules.playbook import default_playbook
from bot.store.models import Interview
from bot.ui.nudges.ids import REOPEN
from bot.ui.outcomes import HOME_REOPEN
from tests.e2e.test_buttons import (
    deliver,
    dispatch,
    ephemerals,
    find_control,
    labels,
    log_interview,
    nudges,
    press,
    sent_message,
    shown_text,
)
from tests.harness import DANA, RunningBot, fixture_json

TEXTS = default_playbook().texts
DIRECT = {"flags": ["direct_contact_ok"], "employer_timeline": None}


def interview(running: RunningBot) -> Interview:
    with running.db.transaction() as session:
        row = session.scalars(select(Interview)).one()
        session.expunge(row)
    return row


def posts(running: RunningBot) -> int:
    return len(running.standin.calls_to("chat.postMessage"))


def pending(running: RunningBot) -> list[NudgeKind]:
    return [n.kind for n in nudges(running) if n.status is NudgeStatus.PENDING]


def current(running: RunningBot, channel: str, ts: str) -> dict[str, Any]:
    [message] = [m for m in running.standin.messages(channel) if m["ts"] == ts]
    return message


def confirm_of(message: dict[str, Any], label: str) -> dict[str, Any]:
    _, element = find_control(message, label)
    return element["confirm"]


def test_no_press_after_two_follow_ups_asks_still_waiting_and_close_it_ends_it(
    running: RunningBot,
) -> None:
    log_interview(running, **DIRECT)
    deliver(running, NudgeKind.THANK_YOU)
    deliver(running, NudgeKind.FOLLOW_UP)
    _, second = deliver(running, NudgeKind.FOLLOW_UP)
    assert "Follow-up 2 of at most 5" in shown_text(second)

    # Instead of the third follow-up: the question, with its three answers.
    assert pending(running) == [NudgeKind.STILL_WAITING]
    channel, asking = deliver(running, NudgeKind.STILL_WAITING)
    assert asking["text"].startswith("Still waiting on Acme Corp")
    assert TEXTS.still_waiting in shown_text(asking)
    assert labels(asking) == ["Keep going", "I'll check back in two weeks", "Close it"]
    assert confirm_of(asking, "Close it")["confirm"]["text"] == "Close it"

    press(running, channel, asking, "Close it")

    closed = interview(running)
    assert (closed.status, closed.outcome) == (InterviewStatus.CLOSED, Outcome.NO_REPLY)
    assert closed.closed_at == running.clock.now()
    after = current(running, channel, asking["ts"])
    assert "Closed as no reply" in shown_text(after)
    assert labels(after) == ["Reopen"]
    assert pending(running) == []
    # Silence, whatever the time.
    before = posts(running)
    dispatch(running, running.clock.now() + timedelta(days=60))
    assert posts(running) == before


def test_withdrew_is_confirmed_then_reopen_within_the_day_resumes_the_schedule(
    running: RunningBot,
) -> None:
    log_interview(running, **DIRECT)
    deliver(running, NudgeKind.THANK_YOU)
    channel, follow_up = deliver(running, NudgeKind.FOLLOW_UP)
    heard_back = confirm_of(follow_up, "Heard back")
    assert heard_back["title"]["text"] == "Close this interview?"
    assert "reopen it for a day" in heard_back["text"]["text"]
    next_due = next(
        n.due_at
        for n in nudges(running)
        if n.kind is NudgeKind.FOLLOW_UP and n.status is NudgeStatus.PENDING
    )

    press(running, channel, follow_up, "Heard back", option="withdrew")

    withdrawn = interview(running)
    assert (withdrawn.status, withdrawn.outcome) == (InterviewStatus.CLOSED, Outcome.WITHDREW)
    after = current(running, channel, follow_up["ts"])
    assert "Withdrew: noted" in shown_text(after)
    assert labels(after) == ["Reopen"]
    assert pending(running) == []
    before = posts(running)
    dispatch(running, running.clock.now() + timedelta(hours=20))
    assert posts(running) == before

    press(running, channel, after, "Reopen")

    reopened = interview(running)
    assert (reopened.status, reopened.outcome, reopened.closed_at) == (
        InterviewStatus.ACTIVE,
        None,
        None,
    )
    assert "Reopened Acme Corp" in ephemerals(running)[-1]["text"]
    again = current(running, channel, follow_up["ts"])
    assert "Withdrew" not in shown_text(again)
    assert "Heard back" in labels(again)
    # The schedule resumes: follow-up 2 at the time it had before the close.
    assert pending(running) == [NudgeKind.FOLLOW_UP]
    _, second = deliver(running, NudgeKind.FOLLOW_UP)
    assert "Follow-up 2 of at most 5" in shown_text(second)
    [row] = [n for n in nudges(running) if n.kind is NudgeKind.FOLLOW_UP and n.sequence == 2]
    assert (row.status, row.due_at) == (NudgeStatus.SENT, next_due)


def test_nothing_left_to_send_closes_itself_three_weeks_on_with_reopen_for_a_day(
    running: RunningBot,
) -> None:
    log_interview(running, employer_timeline=None)  # no direct permission
    deliver(running, NudgeKind.THANK_YOU)
    deliver(running, NudgeKind.FOLLOW_UP)
    deliver(running, NudgeKind.CHECK_IN)
    asked_at = running.clock.now()

    assert pending(running) == [NudgeKind.AUTO_CLOSE]
    channel, closing = deliver(running, NudgeKind.AUTO_CLOSE)

    assert running.clock.now() >= asked_at + AUTO_CLOSE_AFTER
    assert running.clock.now() < asked_at + AUTO_CLOSE_AFTER + timedelta(days=4)
    assert closing["text"].startswith("No reply from Acme Corp (Data Analyst) in three weeks")
    assert TEXTS.auto_close in shown_text(closing)
    assert labels(closing) == ["Reopen"]
    closed = interview(running)
    assert (closed.status, closed.outcome) == (InterviewStatus.CLOSED, Outcome.NO_REPLY)

    # The Home tab lists it as closed today, with Reopen.
    running.slack.post(json.dumps(_home_opened()), "application/json")
    running.idle()
    home = running.standin.wait_for("views.publish")[-1].params["view"]
    [reopen_here] = [
        block["accessory"]
        for block in home["blocks"]
        if block.get("accessory", {}).get("action_id") == HOME_REOPEN
    ]
    assert reopen_here["value"] == str(closed.id)
    assert "no reply" in json.dumps(home)

    # Two days on, Reopen is no longer offered: a late press gets a clear answer.
    running.clock.advance(timedelta(days=2))
    press(running, channel, closing, "Reopen")
    assert "can no longer be reopened" in ephemerals(running)[-1]["text"]
    assert interview(running).status is InterviewStatus.CLOSED
    assert labels(current(running, channel, closing["ts"])) == []
    before = posts(running)
    dispatch(running, running.clock.now() + timedelta(days=30))
    assert posts(running) == before


def test_reopen_from_the_home_tab_within_the_day(running: RunningBot) -> None:
    log_interview(running, employer_timeline=None)
    deliver(running, NudgeKind.THANK_YOU)
    deliver(running, NudgeKind.FOLLOW_UP)
    deliver(running, NudgeKind.CHECK_IN)
    deliver(running, NudgeKind.AUTO_CLOSE)
    closed = interview(running)
    running.clock.advance(timedelta(hours=3))

    # The auto-close DM's own Reopen, pressed after: it says the interview is open, and the
    # message offers it no more.
    channel, closing = sent_message(running, NudgeKind.AUTO_CLOSE)
    reply = running.slack.block_action(
        {
            "action_id": HOME_REOPEN,
            "block_id": "closed_today",
            "type": "button",
            "text": {"type": "plain_text", "text": "Reopen"},
            "value": str(closed.id),
        },
        person=DANA,
    )
    running.idle()

    assert reply.status == 200
    assert interview(running).status is InterviewStatus.ACTIVE
    home = running.standin.wait_for("views.publish")[-1].params["view"]
    assert "Reopened Acme Corp" in json.dumps(home)
    # Reopened after closing itself, it can close itself again three weeks on.
    assert pending(running) == [NudgeKind.AUTO_CLOSE]
    assert REOPEN not in json.dumps(home)
    press(running, channel, closing, "Reopen")
    assert "is open: nothing to reopen" in ephemerals(running)[-1]["text"]
    assert labels(current(running, channel, closing["ts"])) == []


def _home_opened() -> dict[str, Any]:
    return fixture_json("event_app_home_opened.json")
