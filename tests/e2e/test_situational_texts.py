"""Texts that fit the situation, over signed HTTP (issue 8, item 7): the check-in says "since
your follow-up" only after "Follow-up sent"; the "Logged" DM promises "some distance" only
when that DM will come."""

from __future__ import annotations

from bot.rules.domain import NudgeKind, NudgeStatus
from tests.e2e.test_buttons import (
    deliver,
    delivered_follow_up,
    log_interview,
    nudges,
    press,
    shown_text,
)
from tests.harness import RunningBot


def test_a_check_in_after_no_follow_up_sent_does_not_say_since_your_follow_up(
    running: RunningBot,
) -> None:
    delivered_follow_up(running)  # never marked sent

    _, check_in = deliver(running, NudgeKind.CHECK_IN)

    assert "since your follow-up" not in shown_text(check_in)
    assert "It has been a week since I suggested a follow-up" in shown_text(check_in)


def test_a_check_in_after_follow_up_sent_says_since_your_follow_up(running: RunningBot) -> None:
    channel, follow_up = delivered_follow_up(running)
    press(running, channel, follow_up, "Follow-up sent")

    _, check_in = deliver(running, NudgeKind.CHECK_IN)

    assert "It has been a week since your follow-up" in shown_text(check_in)


def _confirmation(running: RunningBot) -> str:
    post = running.standin.calls_to("chat.postMessage")[-1]
    return str(post.params.get("blocks")) + str(post.params.get("text"))


def test_logged_five_hours_after_the_interview_the_confirmation_promises_no_distance(
    running: RunningBot,
) -> None:
    now = int(running.clock.now().timestamp())

    log_interview(running, happened_at=now - 5 * 3600)

    assert not any(n.kind is NudgeKind.DISTANCE for n in nudges(running))
    confirmation = _confirmation(running)
    assert "Logged" in confirmation
    assert "distance" not in confirmation
    assert "two questions on how it went" in confirmation


def test_logged_ahead_the_confirmation_promises_the_distance_dm(running: RunningBot) -> None:
    now = int(running.clock.now().timestamp())

    log_interview(running, happened_at=now + 2 * 24 * 3600)  # same hour, two days on

    [distance] = [n for n in nudges(running) if n.kind is NudgeKind.DISTANCE]
    assert distance.status is NudgeStatus.PENDING
    assert "some distance first" in _confirmation(running)
