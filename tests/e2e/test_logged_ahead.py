"""An interview logged ahead of time, over signed HTTP to the real endpoint, the real
dispatcher and the stand-in: the "Logged" DM now, saying when the coach will be in touch and
carrying no distance advice; nothing else before the interview has ended; "get some
distance" right after its end.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.rules.calendar import at_local, local_date
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.store.models import Interview, Nudge
from tests.e2e.test_buttons import dispatch
from tests.e2e.test_log_submission import DM, submit
from tests.e2e.test_logged_with_distance import shown
from tests.harness import RunningBot

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
    assert all(row.due_at >= ends for row in planned.values())

    # A minute before it ends: still nothing.
    dispatch(running, at=ends - timedelta(minutes=1))
    assert len(running.standin.messages(DM)) == 1

    dispatch(running, at=ends)

    messages = running.standin.messages(DM)
    assert len(messages) == 2
    assert TEXTS.distance in shown(messages[-1])  # face-to-face: "leave the building"
    assert nudges(running)[NudgeKind.DISTANCE].sent_at == ends.astimezone(UTC)
    assert nudges(running)[NudgeKind.REFLECTION].status is NudgeStatus.PENDING
