"""`/interview pause [until DATE]` and `/interview resume` over signed HTTP: a pause moves a
planned follow-up past its end instead of cancelling it, and resuming brings it back at the
next suitable slot, where the dispatcher sends it. The clock is fixed and moved by the test.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.rules.calendar import at_local
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.store.models import Nudge, SlackUser
from tests.e2e.test_buttons import dispatch, log_interview, nudges, pending_due
from tests.harness import DANA, SAM, RunningBot

LA = ZoneInfo("America/Los_Angeles")


def command(running: RunningBot, text: str, person: object = DANA) -> str:
    reply = running.slack.slash_command(text, person)  # type: ignore[arg-type]
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"  # only the person sees it
    return str(body["text"])


def follow_up(running: RunningBot) -> Nudge:
    [row] = [n for n in nudges(running) if n.kind is NudgeKind.FOLLOW_UP]
    return row


def test_a_pause_until_a_date_moves_the_follow_up_and_resume_brings_it_back(
    running: RunningBot,
) -> None:
    log_interview(
        running, happened_at=int((running.clock.now() - timedelta(minutes=30)).timestamp())
    )
    planned = pending_due(running, NudgeKind.FOLLOW_UP)
    planned_day = planned.astimezone(LA).date()
    back_on = planned_day + timedelta(days=7)

    text = command(running, f"pause until {back_on.isoformat()}")

    assert "Paused until <!date^" in text
    assert f"|{back_on:%a %-d %b %Y}>" in text
    moved = pending_due(running, NudgeKind.FOLLOW_UP)
    assert moved >= at_local(back_on, 0, LA)  # not inside the pause
    assert moved.astimezone(LA).hour == 10  # its office hour, on a working day
    assert moved.astimezone(LA).weekday() < 5

    # The day it was planned for comes and goes: nothing is sent, nothing is dropped.
    dispatch(running, planned)
    assert follow_up(running).status is NudgeStatus.PENDING
    posted = [str(c.params.get("text")) for c in running.standin.calls_to("chat.postMessage")]
    assert not [t for t in posted if "follow up" in t.lower()], posted

    # Back early: the follow-up comes at the next slot after now, not at the old end date.
    running.clock.set(planned + timedelta(days=2))
    resumed = command(running, "resume")
    due = pending_due(running, NudgeKind.FOLLOW_UP)
    assert running.clock.now() < due < moved
    # The honest time: the planner's earliest pending nudge (what the pause held back, in
    # order: the reflection the pause began before, then the thank-you, then the follow-up).
    pending = sorted(n.due_at for n in nudges(running) if n.status is NudgeStatus.PENDING)
    assert f"Next from me: <!date^{int(pending[0].timestamp())}^" in resumed
    kinds = [n.kind for n in sorted(nudges(running), key=lambda n: n.due_at)]
    assert kinds.index(NudgeKind.REFLECTION) < kinds.index(NudgeKind.FOLLOW_UP)

    dispatch(running, due)
    # What the pause held back goes out in order; the follow-up is not sent seconds after the
    # thank-you advice it follows: the planner paces it after the thank-you, moved, not failed.
    waiting = follow_up(running)
    assert waiting.status is NudgeStatus.PENDING and waiting.attempts == 0
    assert waiting.due_at > due
    for _ in range(3):  # the card advice, then the follow-up, each on its own day
        if follow_up(running).status is not NudgeStatus.PENDING:
            break
        dispatch(running, min(n.due_at for n in nudges(running) if n.status is NudgeStatus.PENDING))
    sent = follow_up(running)
    assert sent.status is NudgeStatus.SENT
    assert sent.sequence == 1  # the first of the five: the pause used none of them
    assert sent.sent_at is not None and sent.sent_at >= due


def test_pause_without_a_date_lasts_until_resume(running: RunningBot) -> None:
    log_interview(
        running, happened_at=int((running.clock.now() - timedelta(minutes=30)).timestamp())
    )
    planned = pending_due(running, NudgeKind.FOLLOW_UP)

    text = command(running, "pause")

    assert "until you say `/interview resume`" in text
    with running.db.transaction() as session:
        person = session.scalars(select(SlackUser).where(SlackUser.user_id == DANA.user_id)).one()
        assert person.paused and person.paused_until is None
    # Every pending nudge is still there, out of reach; "get some distance" already came,
    # inside the "Logged" DM.
    statuses = {n.kind: n.status for n in nudges(running)}
    assert statuses.pop(NudgeKind.DISTANCE) is NudgeStatus.SENT
    assert set(statuses.values()) == {NudgeStatus.PENDING}
    assert pending_due(running, NudgeKind.FOLLOW_UP) > planned + timedelta(days=300)

    dispatch(running, planned + timedelta(days=20))
    assert follow_up(running).status is NudgeStatus.PENDING

    command(running, "resume")
    due = pending_due(running, NudgeKind.FOLLOW_UP)
    assert running.clock.now() <= due < running.clock.now() + timedelta(days=4)


def test_a_bad_date_is_explained_and_changes_nothing(running: RunningBot) -> None:
    log_interview(
        running, happened_at=int((running.clock.now() - timedelta(minutes=30)).timestamp())
    )
    before = pending_due(running, NudgeKind.FOLLOW_UP)
    today = running.clock.now().astimezone(LA).date()

    assert "year-month-day" in command(running, "pause until 4/1/2027")
    assert "after today" in command(running, f"pause until {today.isoformat()}")
    assert "more than a year" in command(running, "pause until 2099-01-01")
    hostile = command(running, "pause until <!channel> {{x}}")
    assert "<!channel>" not in hostile

    assert pending_due(running, NudgeKind.FOLLOW_UP) == before
    with running.db.transaction() as session:
        assert not session.scalars(select(SlackUser.paused)).one()


def test_resume_when_not_paused_says_so_and_someone_elses_pause_is_theirs(
    running: RunningBot,
) -> None:
    log_interview(
        running, happened_at=int((running.clock.now() - timedelta(minutes=30)).timestamp())
    )
    before = pending_due(running, NudgeKind.FOLLOW_UP)

    assert "weren't paused" in command(running, "resume")
    command(running, f"pause until {date(2027, 1, 4).isoformat()}", SAM)

    # Sam's pause leaves Dana's plan alone.
    assert pending_due(running, NudgeKind.FOLLOW_UP) == before
