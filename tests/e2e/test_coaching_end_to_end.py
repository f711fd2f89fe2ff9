"""The whole coaching flow over signed HTTP, with the bot's real scheduler dispatching:
log → distance → reflection answered in its thread → thank-you with card → "Email sent"
→ follow-ups → "Follow-up sent" → "Heard back: offer" → no more DMs.

The bot's clock is fixed and the test moves it; the scheduler ticks in real time, and the
test waits for its ticks (an event), never for the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from coach_devkit.demo.ticks import Ticks
from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import select

from bot.clock import FixedClock
from bot.rules.domain import InterviewStatus, NudgeKind, NudgeStatus, Outcome, ReflectionQuestion
from bot.runner import build_scheduler
from bot.store.db import Database
from bot.store.models import Interview, Nudge, Reflection
from tests.e2e.test_buttons import current, labels, log_interview, press, shown_text
from tests.e2e.test_reflection_answers import write
from tests.harness import RunningBot, start_bot

LA = ZoneInfo("America/Los_Angeles")
DM = "D0456EFGH"


@pytest.fixture
def coached(
    standin: SlackStandIn, clock: FixedClock, db: Database
) -> Iterator[tuple[RunningBot, Ticks]]:
    running = start_bot(standin, clock, db, dispatch_interval_seconds=0.05)
    scheduler = build_scheduler(running.bot)  # the job `interview-bot run` schedules
    ticks = Ticks(scheduler)
    scheduler.start()
    try:
        yield running, ticks
    finally:
        scheduler.shutdown(wait=True)
        running.idle()
        running.server.stop()


def rows(running: RunningBot) -> list[Nudge]:
    with running.db.transaction() as session:
        return list(session.scalars(select(Nudge).order_by(Nudge.id)))


def next_due(running: RunningBot) -> Nudge:
    return min(
        (n for n in rows(running) if n.status is NudgeStatus.PENDING), key=lambda n: n.due_at
    )


def delivered(running: RunningBot, nudge_id: int) -> tuple[NudgeKind, datetime, dict[str, Any]]:
    """A delivered nudge's kind, the local time it was due, and its message as Dana sees it."""
    [sent] = [n for n in rows(running) if n.id == nudge_id]
    assert sent.status is NudgeStatus.SENT, (sent.kind, sent.status, sent.last_error)
    assert sent.channel_id == DM
    return sent.kind, sent.due_at.astimezone(LA), current(running, DM, str(sent.message_ts))


def arrive(running: RunningBot, ticks: Ticks) -> tuple[NudgeKind, datetime, dict[str, Any]]:
    """Jump to the next nudge's due time; the scheduler delivers it."""
    assert ticks.wait(), "the dispatch job stopped running"  # whatever is due already goes first
    nudge = next_due(running)
    running.clock.set(nudge.due_at)
    assert ticks.wait(), "the dispatch job stopped running"
    return delivered(running, nudge.id)


def test_the_whole_flow_from_logging_to_an_offer(coached: tuple[RunningBot, Ticks]) -> None:
    running, ticks = coached
    # Thursday 26 November, 10:00 in Los Angeles; the interview ended half an hour ago.
    log_interview(
        running,
        happened_at=int((running.clock.now() - timedelta(minutes=30)).timestamp()),
        flags=["traditional", "direct_contact_ok"],
        employer_timeline=None,
    )
    arrived: list[tuple[NudgeKind, str]] = []

    def step() -> tuple[NudgeKind, dict[str, Any]]:
        kind, local, message = arrive(running, ticks)
        arrived.append((kind, f"{local:%a %d %b %H:%M}"))
        return kind, message

    # Right after logging, without the clock moving: get some distance.
    assert ticks.wait(), "the dispatch job stopped running"
    [distance] = [n for n in rows(running) if n.kind is NudgeKind.DISTANCE]
    kind, local, message = delivered(running, distance.id)
    arrived.append((kind, f"{local:%a %d %b %H:%M}"))
    assert "walk a few blocks" in shown_text(message)

    # An hour after the interview: the two reflection prompts, answered in the thread.
    kind, prompt = step()
    assert kind is NudgeKind.REFLECTION
    assert "What did I say well and how did the interviewer react?" in shown_text(prompt)
    write(running, "The migration story landed; Priya asked follow-ups.", prompt["ts"])
    write(running, "My answer on <!channel> on-call was vague.", prompt["ts"])
    with running.db.transaction() as session:
        stored = {r.question_key: r.answer for r in session.scalars(select(Reflection))}
    assert stored[ReflectionQuestion.TO_CLARIFY] == "My answer on <!channel> on-call was vague."

    # Same day: the thank-you note, email and card, reminding her what to clarify.
    kind, thank_you = step()
    assert kind is NudgeKind.THANK_YOU
    shown = shown_text(thank_you)
    assert "thank-you card by mail" in shown
    assert "My answer on &lt;!channel&gt; on-call was vague." in shown
    assert labels(thank_you) == ["Email sent", "Card mailed", "Skip", "Draft"]
    press(running, DM, thank_you, "Email sent")
    updated = current(running, DM, thank_you["ts"])
    assert "Email sent" in shown_text(updated)
    assert labels(updated) == ["Card mailed", "Draft"]

    # Next working morning: the card, since it has not been marked mailed.
    kind, card = step()
    assert kind is NudgeKind.CARD
    press(running, DM, card, "Card mailed")

    # About a week after the email, in office hours on a working day: the first follow-up.
    kind, follow_up = step()
    assert kind is NudgeKind.FOLLOW_UP
    shown = shown_text(follow_up)
    for question in (
        "Where are you in the hiring process?",
        "How do you see me stacking up against the other candidates?",
        "Can you think of any reason why you would be reluctant to hire me versus one of the "
        "other candidates?",
    ):
        assert question in shown
    assert "fine line between enthusiastic and annoying" in shown
    press(running, DM, follow_up, "Follow-up sent")
    assert "Follow-up sent" in shown_text(current(running, DM, follow_up["ts"]))

    # Direct contact is OK: a week later, the second.
    kind, second = step()
    assert kind is NudgeKind.FOLLOW_UP
    press(running, DM, second, "Heard back", option="offer")
    assert "offer" in shown_text(current(running, DM, second["ts"])).lower()

    assert arrived == [
        (NudgeKind.DISTANCE, "Thu 26 Nov 10:00"),
        (NudgeKind.REFLECTION, "Thu 26 Nov 10:30"),
        (NudgeKind.THANK_YOU, "Thu 26 Nov 11:30"),
        (NudgeKind.CARD, "Fri 27 Nov 10:00"),
        # A week after the email (Thursday 11:30): the next 10:00 slot on a working day.
        (NudgeKind.FOLLOW_UP, "Fri 04 Dec 10:00"),
        # A week after "Follow-up sent".
        (NudgeKind.FOLLOW_UP, "Fri 11 Dec 10:00"),
    ]
    with running.db.transaction() as session:
        interview = session.scalars(select(Interview)).one()
        assert (interview.status, interview.outcome) == (InterviewStatus.CLOSED, Outcome.OFFER)
    assert not [n for n in rows(running) if n.status is NudgeStatus.PENDING]

    # Six weeks on, nothing more arrives.
    posted = len(running.standin.calls_to("chat.postMessage"))
    for _ in range(6):
        running.clock.advance(timedelta(weeks=1))
        assert ticks.wait(), "the dispatch job stopped running"
    assert len(running.standin.calls_to("chat.postMessage")) == posted
