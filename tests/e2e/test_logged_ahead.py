"""An interview logged ahead of time, over signed HTTP to the real endpoint, the real
dispatcher and the stand-in: the "Logged" DM now, saying when the coach will be in touch and
carrying no distance advice; nothing else before the interview has ended; "get some
distance" right after its end.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from coach_devkit.slack_standin.signed_sender import fill_view_state
from sqlalchemy import select

from bot.rules.calendar import at_local, local_date
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.store.models import Interview, Nudge
from bot.ui import change_time_modal
from tests.e2e.test_buttons import dispatch, press
from tests.e2e.test_log_submission import DM, submit
from tests.e2e.test_logged_with_distance import shown
from tests.harness import DANA, SAM, RunningBot

TEXTS = default_playbook().texts
LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # Dana's zone in the stand-in


def nudges(running: RunningBot) -> dict[NudgeKind, Nudge]:
    with running.db.transaction() as session:
        rows = list(session.scalars(select(Nudge).where(Nudge.sequence == 0)))
        for row in rows:
            session.expunge(row)
    return {row.kind: row for row in rows}


def test_tomorrows_interview_gets_the_logged_dm_only_and_distance_after_its_end(
    running: RunningBot,
) -> None:
    now = running.clock.now()
    tomorrow = local_date(now, LOS_ANGELES) + timedelta(days=1)
    starts = at_local(tomorrow, 14, LOS_ANGELES)
    ends = starts + timedelta(minutes=90)

    submit(
        running,
        running.open_log_modal("logged Acme Corp"),
        happened_at=int(starts.timestamp()),
        length_minutes="90",
        employer_timeline=None,
    )
    dispatch(running)  # the dispatcher's tick finds nothing due

    [message] = running.standin.messages(DM)
    text = shown(message)
    assert "Logged: Acme Corp" in text
    assert f"I'll check in right after it ends, <!date^{int(ends.timestamp())}^" in text
    assert TEXTS.distance not in text and "Get some distance" not in text
    assert "metadata" not in message  # it carries no nudge
    with running.db.transaction() as session:
        [stored] = session.scalars(select(Interview)).all()
        assert (stored.happened_at, stored.duration_minutes) == (starts, 90)
    planned = nudges(running)
    assert planned[NudgeKind.DISTANCE].due_at == ends
    assert planned[NudgeKind.DISTANCE].status is NudgeStatus.PENDING
    assert planned[NudgeKind.REFLECTION].due_at == ends + timedelta(hours=1)
    about_it = [row for kind, row in planned.items() if kind is not NudgeKind.EVENING_BEFORE]
    assert all(row.due_at >= ends for row in about_it)

    # A minute before it ends: only the reminder of the evening before has come.
    dispatch(running, at=planned[NudgeKind.EVENING_BEFORE].due_at)
    dispatch(running, at=ends - timedelta(minutes=1))
    assert [TEXTS.evening_before in shown(m) for m in running.standin.messages(DM)] == [
        False,
        True,
    ]

    dispatch(running, at=ends)

    messages = running.standin.messages(DM)
    assert len(messages) == 3
    assert TEXTS.distance in shown(messages[-1])  # face-to-face: "leave the building"
    assert nudges(running)[NudgeKind.DISTANCE].sent_at == ends.astimezone(UTC)
    assert nudges(running)[NudgeKind.REFLECTION].status is NudgeStatus.PENDING


def test_the_evening_before_a_reminder_whose_button_moves_the_interview(
    running: RunningBot,
) -> None:
    now = running.clock.now()
    tomorrow = local_date(now, LOS_ANGELES) + timedelta(days=1)
    starts = at_local(tomorrow, 14, LOS_ANGELES)
    evening = at_local(tomorrow - timedelta(days=1), 18, LOS_ANGELES)
    assert evening > now + timedelta(hours=1)  # the harness clock: 10:00 in Los Angeles

    submit(
        running,
        running.open_log_modal("logged Acme Corp"),
        happened_at=int(starts.timestamp()),
        employer_timeline=None,
    )
    dispatch(running)
    assert len(running.standin.messages(DM)) == 1  # the Logged DM only
    assert nudges(running)[NudgeKind.EVENING_BEFORE].due_at == evening

    dispatch(running, at=evening - timedelta(minutes=1))
    assert len(running.standin.messages(DM)) == 1
    dispatch(running, at=evening)

    messages = running.standin.messages(DM)
    assert len(messages) == 2
    reminder = messages[-1]
    text = shown(reminder)
    assert TEXTS.evening_before in text
    assert "Priya Shah, Tom Lee" in text  # the interviewers named when it was logged
    assert f"<!date^{int(starts.timestamp())}^" in text
    assert TEXTS.distance not in text

    # Someone else's press opens nothing.
    opened = len(running.standin.calls_to("views.open"))
    press(running, DM, reminder, "Change its time", person=SAM)
    assert len(running.standin.calls_to("views.open")) == opened

    press(running, DM, reminder, "Change its time")
    call = running.standin.wait_for("views.open", opened + 1)[-1]
    view = running.standin.view(call.response["view"]["id"])
    assert view is not None
    [picker] = [b for b in view["blocks"] if b.get("block_id") == change_time_modal.BLOCK_ID]
    assert picker["element"]["initial_date_time"] == int(starts.timestamp())

    # A time already past is refused under the picker, and nothing moves.
    past = int((evening - timedelta(hours=1)).timestamp())
    reply = running.slack.view_submission(
        view, fill_view_state(view, {change_time_modal.BLOCK_ID: past}), DANA
    )
    assert reply.json()["response_action"] == "errors"
    assert nudges(running)[NudgeKind.DISTANCE].due_at == starts + timedelta(hours=1)

    moved = starts + timedelta(days=1, hours=2)  # the day after, 16:00
    reply = running.slack.view_submission(
        view, fill_view_state(view, {change_time_modal.BLOCK_ID: int(moved.timestamp())}), DANA
    )
    running.idle()
    assert reply.status == 200 and reply.body == ""

    with running.db.transaction() as session:
        [stored] = session.scalars(select(Interview)).all()
        assert stored.happened_at == moved
    planned = nudges(running)
    assert planned[NudgeKind.DISTANCE].due_at == moved + timedelta(hours=1)
    assert planned[NudgeKind.REFLECTION].due_at == moved + timedelta(hours=2)
    assert planned[NudgeKind.EVENING_BEFORE].status is NudgeStatus.SENT  # history, once

    # At the old end: nothing.
    dispatch(running, at=starts + timedelta(hours=1))
    assert len(running.standin.messages(DM)) == 2

    dispatch(running, at=moved + timedelta(hours=1))

    messages = running.standin.messages(DM)
    assert len(messages) == 3
    assert TEXTS.distance in shown(messages[-1])
